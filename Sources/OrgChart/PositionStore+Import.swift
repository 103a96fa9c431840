// The positions read the importer needs beyond PositionStore's: positions by their natural key,
// (unit code, title, number among the unit's posts of that title), which is how an import file
// names them. Kept apart from PositionStore.swift so the store's file stays the routes' view.

import Postgres

extension PositionStore {
    /// The positions not archived on `date` in the units having one of `unitCodes` that day: id,
    /// title and unit code, in sort order then creation order (the order the exports number a
    /// unit's posts of one title in).
    package static func titled(_ connection: PGConnection, unitCodes: [String],
                               on date: String) async throws -> [(id: String, title: String, unitCode: String)] {
        try await connection.query("""
            SELECT v.position_id::text, v.title, uv.code FROM position_versions v
            JOIN positions p ON p.id = v.position_id
            JOIN unit_versions uv ON uv.unit_id = v.unit_id AND uv.valid @> \(date)::date
            WHERE v.valid @> \(date)::date AND NOT v.archived AND uv.code = ANY (\(unitCodes)::text[])
            ORDER BY v.sort_order, p.seq
            """ as PGQuery).decode(String.self, String.self, String.self).map { (id: $0.0, title: $0.1, unitCode: $0.2) }
    }
}
