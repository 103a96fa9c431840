// What the importer and the demo seed need of the positions store beyond PositionStore.swift:
// positions by their natural key (unit code, title, number among the unit's posts of that title),
// which is how an import file names them, and a way to spell a new position from outside this
// module. Kept apart from PositionStore.swift so the store's file stays the routes' view.

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

extension PositionStore.Draft {
    /// A new position, for writers outside this module (the demo seed); a field left out is
    /// empty: one seat, no duties or forms, a regular post reporting to nobody, sort order 0.
    package init(unit: String, title: String, grade: String?, headcount: (kind: String, min: Int?, max: Int?) = ("exact", 1, 1),
                 duties: [String] = [], forms: [String] = [], kind: String = "regular", reportsTo: String? = nil,
                 span: (min: Int, max: Int)? = nil, sortOrder: Int = 0) {
        self.init(unitID: unit, title: title, grade: grade, headcount: headcount, duties: duties, forms: forms, kind: kind,
                  reportsTo: reportsTo, spanMin: span?.min, spanMax: span?.max, sortOrder: sortOrder)
    }
}
