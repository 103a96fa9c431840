// The migration rules without a database: file names, numbering, edits, and what is pending.

import Postgres
import Testing

private func file(_ version: Int, _ name: String, _ sql: String = "SELECT 1;") -> Migration {
    let digits = String(version)
    let padded = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    return Migration(version: version, name: name, path: "sql/\(padded)_\(name).sql", sql: sql)
}

private func record(_ migration: Migration, checksum: String? = nil) -> AppliedMigration {
    AppliedMigration(version: migration.version, name: migration.name, checksum: checksum ?? migration.checksum)
}

@Suite("MigrationPlan")
struct MigrationPlanTests {
    @Test("file names are four or more digits, an underscore and a name")
    func names() {
        #expect(Migration.parse(fileName: "0001_core.sql")! == (1, "core"))
        #expect(Migration.parse(fileName: "00012_org_chart.sql")! == (12, "org_chart"))
        #expect(Migration.parse(fileName: "001_short.sql") == nil)
        #expect(Migration.parse(fileName: "0001-core.sql") == nil)
        #expect(Migration.parse(fileName: "0001_.sql") == nil)
        #expect(Migration.parse(fileName: "0001_core.txt") == nil)
        #expect(Migration.parse(fileName: "00a1_core.sql") == nil)
    }

    @Test("pending files come in numeric order, after those already applied")
    func pendingInOrder() throws {
        let files = [file(3, "c"), file(1, "a"), file(2, "b")]
        let pending = try MigrationPlan.pending(files: files, applied: [record(files[1])])
        #expect(pending.map(\.version) == [2, 3])
    }

    @Test("a missing version is an error naming the file after the gap")
    func gap() {
        #expect {
            try MigrationPlan.validate([file(1, "a"), file(3, "c")])
        } throws: { error in
            (error as? MigrationError)?.description == "migration version 2 is missing before sql/0003_c.sql"
        }
    }

    @Test("two files with one version is an error naming both")
    func duplicate() {
        #expect {
            try MigrationPlan.validate([file(1, "a"), file(2, "b"), file(2, "bb")])
        } throws: { error in
            let text = (error as? MigrationError)?.description ?? ""
            return text.contains("sql/0002_b.sql") && text.contains("sql/0002_bb.sql")
        }
    }

    @Test("an applied file whose bytes changed is an error naming the file")
    func edited() {
        let original = file(2, "tenancy", "CREATE TABLE t ();")
        let edited = file(2, "tenancy", "CREATE TABLE t (id int);")
        #expect {
            try MigrationPlan.pending(files: [file(1, "a"), edited], applied: [record(file(1, "a")), record(original)])
        } throws: { error in
            (error as? MigrationError)?.description.hasPrefix("sql/0002_tenancy.sql was edited after it was applied") == true
        }
    }

    @Test("a version the database has but the files lack means an older orgd")
    func unknownApplied() {
        #expect(throws: MigrationError.self) {
            try MigrationPlan.pending(files: [file(1, "a")],
                                      applied: [record(file(1, "a")), AppliedMigration(version: 2, name: "b", checksum: "x")])
        }
    }

    @Test("a new file numbered below an applied one is refused")
    func outOfOrder() {
        let files = [file(1, "a"), file(2, "b"), file(3, "c")]
        #expect {
            try MigrationPlan.pending(files: files, applied: [record(files[0]), record(files[2])])
        } throws: { error in
            (error as? MigrationError)?.description.hasPrefix("sql/0002_b.sql is not applied") == true
        }
    }

    @Test("SHA-256 matches the FIPS 180-4 test vectors")
    func sha256() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
