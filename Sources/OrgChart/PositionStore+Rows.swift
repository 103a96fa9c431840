// Positions as untyped rows, for the importer alone (ImportApply.swift, and the row helpers of
// AssignmentRoutes+Rows.swift it calls), which is being converted apart. Each row is made into a
// `Position` here, by name, once, so the JSON is still written by `Position.write` alone. Delete
// this file when nothing calls it any more; new code decodes `Position`s.

import App
import HTTP
import Policy
import Postgres

extension Position {
    /// A position from a row that names its columns as `PositionStore.baseColumns` does; columns the
    /// row lacks (a chart's rows have no unit name, paths or holder count) read as empty.
    package init(named row: PGRow) {
        id = row.string("id") ?? ""
        revision = row.int("revision") ?? 0
        title = row.string("title") ?? ""
        grade = row.string("grade")
        headcount = Headcount.Stored(kind: row.string("headcount_kind") ?? "exact", min: row.int("headcount_min"),
                                     max: row.int("headcount_max"))
        duties = PGJSONBytes(Array((row.string("duties") ?? "[]").utf8))
        forms = PGJSONBytes(Array((row.string("forms") ?? "[]").utf8))
        kind = row.string("kind") ?? "regular"
        reportsTo = row.string("reports_to")
        spanMin = row.int("span_min")
        spanMax = row.int("span_max")
        sortOrder = row.int("sort_order") ?? 0
        archived = row.bool("archived") ?? false
        unitID = row.string("unit_id") ?? ""
        unitName = row.string("unit_name")
        validFrom = row.string("valid_from") ?? ""
        validTo = row.string("valid_to")
        pathIDs = row.string("path_ids")
        regionPath = row.string("region_path")
        establishment = row.int("establishment")
        filled = row.int("filled")
    }
}

extension PositionStore {
    /// The position on `date` as a row (the columns of `position(_:id:on:)`, named).
    package static func read(_ connection: PGConnection, id: String, on date: String) async throws -> PGRow? {
        try await connection.query(selectOne(id: id, on: date)).first
    }

    /// `required` as a row.
    package static func require(_ connection: PGConnection, id: String?, field: String, on date: String) async throws -> PGRow {
        guard let id, EntityID(uuid: id) != nil,
              let row = try await read(connection, id: id.lowercased(), on: date) else {
            throw unknown(field, id, on: date)
        }
        return row
    }

    package static func json(_ row: PGRow) -> [UInt8] {
        Position(named: row).json
    }

    package static func target(_ caller: Caller, _ row: PGRow) -> Target {
        Position(named: row).target(caller)
    }
}

extension HeadcountCheck {
    /// `admit` for a position row (PositionStore.require), for the importer.
    package static func admit(_ connection: PGConnection, position: PGRow, start: String, range: String,
                              region: String?, field: String) async throws {
        try await admit(connection, position: Position(named: position), start: start, range: range, region: region, field: field)
    }
}
