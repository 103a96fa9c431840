// Migrations against a real Postgres, each test in a schema of its own: order, idempotence,
// edited files, failures that name the line, two migrators at once, and the /readyz check.

import Foundation
import Postgres
import Testing

/// Runs setup SQL as the owner role over a loop connection.
func adminSQL(_ sql: String) async throws {
    let url = try TestDatabase.adminURL()
    try await onLoop { loop in
        let connection = try await PGConnection.connect(url, on: loop)
        defer { connection.close() }
        _ = try await connection.simpleQuery(sql)
    }
}

/// A temporary sql/ directory and a schema the migrator's sessions use as search_path.
struct MigrationFixture {
    let directory: String
    let schema: String
    let url: String

    static func make() async throws -> MigrationFixture {
        let fixture = try MigrationFixture()
        try await adminSQL("CREATE SCHEMA \(fixture.schema)")
        return fixture
    }

    private init() throws {
        schema = TestDatabase.unique("mig")
        directory = NSTemporaryDirectory() + TestDatabase.unique("orgd-sql") + "/sql"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        url = TestDatabase.url(try TestDatabase.adminURL(), searchPath: schema)
    }

    func write(_ name: String, _ sql: String) throws {
        try sql.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    var migrator: Migrator { Migrator(url: url, directory: directory) }

    func migrate() async throws -> [Int] {
        let migrator = self.migrator
        return try await onThread { try migrator.migrate().map(\.version) }
    }

    func drop() async throws {
        try await adminSQL("DROP SCHEMA \(schema) CASCADE")
        try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent)
    }
}

@Suite("Migrator")
struct MigratorTests {
    @Test("files are applied in numeric order, recorded with checksums, and a rerun applies nothing")
    func appliesInOrder() async throws {
        let fixture = try await MigrationFixture.make()
        try fixture.write("0002_units.sql", "CREATE TABLE units (id int PRIMARY KEY REFERENCES tenants(id));")
        try fixture.write("0001_tenants.sql", "CREATE TABLE tenants (id int PRIMARY KEY);")
        try fixture.write("0003_seed.sql", "INSERT INTO tenants VALUES (1); INSERT INTO units VALUES (1);")
        try fixture.write("README.md", "not a migration")
        #expect(try fixture.migrator.pending().map(\.version) == [1, 2, 3])
        #expect(try await fixture.migrate() == [1, 2, 3])
        #expect(try await fixture.migrate() == [])
        let status = try await onThread { [migrator = fixture.migrator] in try migrator.status() }
        #expect(status == (applied: 3, latest: 3, pending: 0))

        let url = fixture.url
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let rows = try await connection.query("SELECT version, name, checksum FROM orgd_migrations ORDER BY version")
            #expect(rows.map { $0["name"] ?? "" } == ["tenants", "units", "seed"])
            #expect(rows[0]["checksum"] == SHA256.hex(Array("CREATE TABLE tenants (id int PRIMARY KEY);".utf8)))
            #expect(try await Migrator.isUpToDate(on: connection, latestVersion: 3))
            #expect(try await !Migrator.isUpToDate(on: connection, latestVersion: 4))
        }
        try await fixture.drop()
    }

    @Test("an applied file that was edited is refused, naming the file")
    func editedFile() async throws {
        let fixture = try await MigrationFixture.make()
        try fixture.write("0001_core.sql", "CREATE TABLE core (id int);")
        try fixture.write("0002_tenancy.sql", "CREATE TABLE tenancy (id int);")
        _ = try await fixture.migrate()
        try fixture.write("0002_tenancy.sql", "CREATE TABLE tenancy (id int, name text);")
        do {
            _ = try await fixture.migrate()
            Issue.record("an edited file must be refused")
        } catch let error as MigrationError {
            #expect(error.description.hasPrefix("\(fixture.directory)/0002_tenancy.sql was edited after it was applied (checksum"))
        }
        try await fixture.drop()
    }

    @Test("a failing file is rolled back, reported with its line, and the files before it stay applied")
    func failingFile() async throws {
        let fixture = try await MigrationFixture.make()
        try fixture.write("0001_ok.sql", "CREATE TABLE ok (id int);")
        try fixture.write("0002_broken.sql", "CREATE TABLE half (id int);\n\n-- a typo on line 3\nCREAT TABLE oops (id int);\n")
        do {
            _ = try await fixture.migrate()
            Issue.record("a broken file must fail")
        } catch let error as MigrationError {
            guard case .failed(let path, let line, let cause) = error else { Issue.record("got \(error)"); return }
            #expect(path.hasSuffix("/0002_broken.sql"))
            #expect(line == 4)
            #expect(cause.sqlState == "42601")
        }
        let status = try await onThread { [migrator = fixture.migrator] in try migrator.status() }
        #expect(status == (applied: 1, latest: 2, pending: 1))
        let url = fixture.url
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            #expect(try await connection.query("SELECT to_regclass('half') IS NULL AS gone")[0].bool("gone") == true)
        }
        try await fixture.drop()
    }

    @Test("a gap in the numbering is refused before anything is applied")
    func gap() async throws {
        let fixture = try await MigrationFixture.make()
        try fixture.write("0001_a.sql", "SELECT 1;")
        try fixture.write("0003_c.sql", "SELECT 1;")
        await #expect(throws: MigrationError.self) { _ = try await fixture.migrate() }
        try await fixture.drop()
    }

    @Test("two migrators at once: one applies everything, the other waits and finds nothing to do")
    func concurrent() async throws {
        let fixture = try await MigrationFixture.make()
        try fixture.write("0001_slow.sql", "CREATE TABLE slow (id int); SELECT pg_sleep(0.3);")
        try fixture.write("0002_more.sql", "CREATE TABLE more (id int);")
        let migrator = fixture.migrator
        async let first = onThread { try migrator.migrate().count }
        async let second = onThread { try migrator.migrate().count }
        let counts = try await [first, second].sorted()
        #expect(counts == [0, 2])
        let status = try await onThread { try migrator.status() }
        #expect(status == (applied: 2, latest: 2, pending: 0))
        try await fixture.drop()
    }

    @Test("isUpToDate is false, not an error, before the first migration")
    func notMigrated() async throws {
        let fixture = try await MigrationFixture.make()
        let url = fixture.url
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            #expect(try await !Migrator.isUpToDate(on: connection, latestVersion: 1))
        }
        try await fixture.drop()
    }
}
