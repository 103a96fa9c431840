// What can go wrong when planning or applying migrations; each message names the file.

public enum MigrationError: Error, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case badFileName(path: String)
    case duplicateVersion(version: Int, paths: [String])
    case versionGap(missing: Int, next: String)
    case edited(path: String, recorded: String, actual: String)
    case unknownApplied(version: Int, name: String)
    case outOfOrder(path: String, latestApplied: Int)
    case failed(path: String, line: Int?, error: PGError)
    case database(PGError)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)"
        case .badFileName(let path):
            "\(path) is not named NNNN_name.sql (four or more digits, an underscore, a name)"
        case .duplicateVersion(let version, let paths):
            "migration version \(version) is used by more than one file: \(paths.joined(separator: ", "))"
        case .versionGap(let missing, let next):
            "migration version \(missing) is missing before \(next)"
        case .edited(let path, let recorded, let actual):
            "\(path) was edited after it was applied (checksum recorded \(recorded.prefix(12)), file now \(actual.prefix(12)))"
        case .unknownApplied(let version, let name):
            "the database has migration \(version) (\(name)) applied, which is not among the files: is this orgd older than the database?"
        case .outOfOrder(let path, let latestApplied):
            "\(path) is not applied but migration \(latestApplied) already is: migrations must be added after the last one"
        case .failed(let path, let line, let error):
            "\(path)\(line.map { ":\($0)" } ?? ""): \(error)"
        case .database(let error):
            "migration bookkeeping failed: \(error)"
        }
    }
}
