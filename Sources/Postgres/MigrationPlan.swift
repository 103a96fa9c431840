// The pure part of migrating: checking the files against each other and against what the
// database recorded, and choosing what to apply. No I/O, so every rule is unit-tested.

public enum MigrationPlan {
    /// Throws unless the files, sorted by version, are numbered 1, 2, 3, ... without repeats.
    public static func validate(_ files: [Migration]) throws(MigrationError) {
        var expected = 1
        var index = 0
        let sorted = files.sorted { $0.version < $1.version }
        while index < sorted.count {
            let file = sorted[index]
            let same = sorted[index...].prefix { $0.version == file.version }
            if same.count > 1 { throw .duplicateVersion(version: file.version, paths: same.map(\.path)) }
            if file.version != expected { throw .versionGap(missing: expected, next: file.path) }
            expected += 1
            index += 1
        }
    }

    /// The files still to apply, in order. Throws if an applied file was edited, if the
    /// database knows a version no file has, or if a new file sorts before an applied one.
    public static func pending(files: [Migration], applied: [AppliedMigration]) throws(MigrationError) -> [Migration] {
        try validate(files)
        let byVersion = Dictionary(files.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        for record in applied.sorted(by: { $0.version < $1.version }) {
            guard let file = byVersion[record.version] else {
                throw .unknownApplied(version: record.version, name: record.name)
            }
            if file.checksum != record.checksum {
                throw .edited(path: file.path, recorded: record.checksum, actual: file.checksum)
            }
        }
        let appliedVersions = Set(applied.map(\.version))
        let latestApplied = appliedVersions.max() ?? 0
        let pending = files.filter { !appliedVersions.contains($0.version) }.sorted { $0.version < $1.version }
        if let first = pending.first, first.version < latestApplied {
            throw .outOfOrder(path: first.path, latestApplied: latestApplied)
        }
        return pending
    }
}
