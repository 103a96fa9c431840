// SHA-256 from libcrypto, as the migrator uses it: known vectors, any collection of bytes, and
// the checksum a migration file gets, which databases already record and must never change.

import Postgres
import Testing

@Suite("SHA256")
struct SHA256Tests {
    @Test("the 896-bit FIPS 180-4 vector hashes to its published digest")
    func longVector() {
        let message = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        #expect(SHA256.hex(Array(message.utf8)) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(SHA256.digest(Array(message.utf8)).count == 32)
    }

    @Test("a collection without contiguous storage hashes like the same bytes in an array")
    func nonContiguous() {
        let reversed = Array("cba".utf8).reversed()
        #expect(SHA256.hex(reversed) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a migration's checksum is the digest of its UTF-8 bytes, as recorded by earlier releases")
    func migrationChecksum() {
        let migration = Migration(version: 7, name: "units", path: "sql/0007_units.sql",
                                  sql: "-- 客服中心\nCREATE TABLE units (id uuid PRIMARY KEY);\n")
        #expect(migration.checksum == "be0c95fd0a853caa8aa306d78ad52ad3acc9c13916910aac3ac6e2f3cbe215fa")
    }
}
