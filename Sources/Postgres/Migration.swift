// One migration file, `NNNN_name.sql` (four or more digits, an underscore, a name), and one
// row of orgd_migrations, the table that records what was applied.

public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let path: String            // directory/file name, as error messages show it
    public let checksum: String        // SHA-256 hex of the file's bytes
    public let sql: String

    public init(version: Int, name: String, path: String, sql: String) {
        self.version = version
        self.name = name
        self.path = path
        self.sql = sql
        checksum = SHA256.hex(Array(sql.utf8))
    }

    init(version: Int, name: String, path: String, bytes: [UInt8]) {
        self.version = version
        self.name = name
        self.path = path
        sql = String(decoding: bytes, as: UTF8.self)
        checksum = SHA256.hex(bytes)
    }

    /// "0012_org_chart.sql" → (12, "org_chart"); nil for names that are not migrations.
    public static func parse(fileName: String) -> (version: Int, name: String)? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore]
        let name = stem[stem.index(after: underscore)...]
        guard digits.count >= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }), !name.isEmpty,
              let version = Int(digits) else { return nil }
        return (version, String(name))
    }
}

public struct AppliedMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let checksum: String

    public init(version: Int, name: String, checksum: String) {
        self.version = version
        self.name = name
        self.checksum = checksum
    }
}
