// What the importer and the demo seed need of the units store beyond UnitStore.swift: units by
// their natural key, the code, which is how an import file names them (a unit's code is unique on
// any day), and a way to spell a new unit's fields from outside this module. Kept apart from
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

extension UnitStore.Fields {
    /// A new unit's fields, for writers outside this module (the demo seed); a field left out
    /// is empty: no tier, label, functions, parent or region, sort order 0, no planned establishment.
    package init(name: String, code: String, kind: String, tier: String? = nil, roleLabel: String? = nil, functions: [String] = [],
                 parent: String? = nil, region: String? = nil, sortOrder: Int = 0, plannedEstablishment: Int? = nil) {
        self.init(name: name, code: code, kind: kind, tier: tier, roleLabel: roleLabel, functions: functions, parentID: parent,
                  regionID: region, sortOrder: sortOrder, plannedEstablishment: plannedEstablishment)
    }
}
