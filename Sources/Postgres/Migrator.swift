// Applies sql/NNNN_name.sql files in order, each in its own transaction, recording each with
// the SHA-256 of its bytes in orgd_migrations. An advisory lock is held for the whole run, so
// a second orgd migrating at the same time waits and then finds nothing left to do.
// Blocking (PQconnectdb/PQexec): for `orgd migrate` and start-up, before the loops run.
// A file must not contain BEGIN/COMMIT or statements that cannot run in a transaction.

import CPostgres
import Glibc
import EventLoop

public struct Migrator: Sendable {
    public let url: String
    public let directory: String

    /// The pg_advisory_lock key held while migrating: "orgdmigr" in ASCII.
    public static let advisoryLockKey: Int64 = 0x6F72_6764_6D69_6772

    public init(url: String, directory: String) {
        self.url = url
        self.directory = directory
    }

    /// The migration files, checked and sorted by version. Reads the directory only.
    public func files() throws(MigrationError) -> [Migration] {
        var migrations: [Migration] = []
        for fileName in try fileNames() where fileName.hasSuffix(".sql") && !fileName.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
            guard let (version, name) = Migration.parse(fileName: fileName) else { throw .badFileName(path: path) }
            migrations.append(Migration(version: version, name: name, path: path, bytes: try read(path)))
        }
        try MigrationPlan.validate(migrations)
        return migrations.sorted { $0.version < $1.version }
    }

    /// The highest version among the files (0 if none): what /readyz expects the database at.
    public func latestVersion() throws(MigrationError) -> Int {
        try files().last?.version ?? 0
    }

    /// The files not yet applied, in order; throws if an applied file was edited.
    public func pending() throws(MigrationError) -> [Migration] {
        let files = try files()
        let session = try database { () throws(PGError) in try BlockingSession(url: url) }
        return try MigrationPlan.pending(files: files, applied: try applied(in: session))
    }

    public func status() throws(MigrationError) -> (applied: Int, latest: Int, pending: Int) {
        let files = try files()
        let session = try database { () throws(PGError) in try BlockingSession(url: url) }
        let applied = try applied(in: session)
        let pending = try MigrationPlan.pending(files: files, applied: applied)
        return (applied.count, files.last?.version ?? 0, pending.count)
    }

    /// Applies every pending file in order and returns them. Stops at the first failure, whose
    /// transaction is rolled back; files applied before it stay applied.
    @discardableResult
    public func migrate(log: (String) -> Void = { _ in }) throws(MigrationError) -> [Migration] {
        let files = try files()
        let session = try database { () throws(PGError) in try BlockingSession(url: url) }
        let key = [String(Migrator.advisoryLockKey)]
        try database { () throws(PGError) in try session.exec("SELECT pg_advisory_lock($1::bigint)", key) }
        defer { _ = try? session.exec("SELECT pg_advisory_unlock($1::bigint)", key) }
        try createTable(in: session)
        let pending = try MigrationPlan.pending(files: files, applied: try applied(in: session))
        for migration in pending {
            log("applying \(migration.path)")
            let started = MonotonicClock.nowMillis()
            try apply(migration, in: session)
            log("applied \(migration.path) in \(MonotonicClock.nowMillis() - started) ms")
        }
        return pending
    }

    /// For /readyz on a loop: true if the database has every version up to `latestVersion`.
    /// False (not an error) if orgd_migrations does not exist yet.
    public static func isUpToDate(on connection: PGConnection, latestVersion: Int) async throws(PGError) -> Bool {
        do {
            let result = try await connection.query("SELECT coalesce(max(version), 0) AS version FROM orgd_migrations")
            return (result.first?.int("version") ?? 0) >= latestVersion
        } catch where error.sqlState == "42P01" {
            return false
        }
    }

    // MARK: Applying

    private func apply(_ migration: Migration, in session: BlockingSession) throws(MigrationError) {
        try database { () throws(PGError) in try session.exec("BEGIN") }
        if case .failure(let failure) = session.run(migration.sql) {
            _ = try? session.exec("ROLLBACK")
            throw .failed(path: migration.path, line: failure.position.map { line(at: $0, in: migration.sql) },
                          error: failure.error)
        }
        try database { () throws(PGError) in
            try session.exec("INSERT INTO orgd_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                             [String(migration.version), migration.name, migration.checksum])
            try session.exec("COMMIT")
            try session.exec("RESET ALL")   // a file's SET must not leak into the next file
        }
    }

    private func createTable(in session: BlockingSession) throws(MigrationError) {
        try database { () throws(PGError) in
            let missing = try session.exec("SELECT to_regclass('orgd_migrations') IS NULL AS missing")
            guard missing.first?.bool("missing") == true else { return }
            try session.exec("""
                CREATE TABLE orgd_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,            -- SHA-256 hex of the file's bytes
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                COMMENT ON TABLE orgd_migrations IS
                    'One row per applied sql/NNNN_name.sql file, written by orgd migrate; an edited applied file is an error.';
                GRANT SELECT ON orgd_migrations TO PUBLIC;
                """)
        }
    }

    private func applied(in session: BlockingSession) throws(MigrationError) -> [AppliedMigration] {
        try database { () throws(PGError) in
            let missing = try session.exec("SELECT to_regclass('orgd_migrations') IS NULL AS missing")
            if missing.first?.bool("missing") == true { return [] }
            return try session.exec("SELECT version, name, checksum FROM orgd_migrations ORDER BY version").map {
                AppliedMigration(version: $0.int("version") ?? 0, name: $0["name"] ?? "", checksum: $0["checksum"] ?? "")
            }
        }
    }

    /// The 1-based line of a 1-based character position (Postgres's error position).
    private func line(at position: Int, in sql: String) -> Int {
        1 + sql.unicodeScalars.prefix(max(0, position - 1)).filter { $0 == "\n" }.count
    }

    @discardableResult
    private func database<T>(_ body: () throws(PGError) -> T) throws(MigrationError) -> T {
        do { return try body() } catch { throw .database(error) }
    }

    // MARK: Files

    private func fileNames() throws(MigrationError) -> [String] {
        guard let handle = opendir(directory) else {
            throw .unreadable(path: directory, reason: String(cString: strerror(errno)))
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            names.append(name)
        }
        return names.sorted()
    }

    private func read(_ path: String) throws(MigrationError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count {
                if ferror(file) != 0 { throw .unreadable(path: path, reason: "read error") }
                return bytes
            }
        }
    }
}
