// The units reads the importer needs beyond UnitStore's: units by their natural key, the code,
// which is how an import file names them (a unit's code is unique on any day). Kept apart from
// UnitStore.swift so the store's file stays the routes' and charts' view.

import Postgres

extension UnitStore {
    /// The unit whose code is `code` on `date`; nil when no unit has it that day.
    package static func unit(_ connection: PGConnection, code: String, on date: String) async throws -> Unit? {
        try await connection.query("""
            SELECT \(unescaped: unitColumns) FROM \(unescaped: joined(on: date)) WHERE v.code = \(code)
            """).decodeFirst()
    }

    /// The ids of the units having one of `codes` on `date`, with the code as stored.
    package static func ids(_ connection: PGConnection, codes: [String], on date: String) async throws -> [(code: String, id: String)] {
        try await connection.query("""
            SELECT v.code, u.id::text FROM \(unescaped: joined(on: date)) WHERE v.code = ANY (\(codes)::text[])
            """).decode(String.self, String.self).map { (code: $0.0, id: $0.1) }
    }
}
