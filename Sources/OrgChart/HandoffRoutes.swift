// Hand-off links (对接部门) of a unit: directed, separate from the tree, effective-dated. A link
// belongs to its source unit and is changed with unit.update over it.

import App
import HTTP
import Policy
import Postgres

package enum HandoffRoutes {
    package static let columns = """
        h.id::text AS id, h.from_unit_id::text AS from_unit_id, fv.name AS from_name, h.to_unit_id::text AS to_unit_id,
        tv.name AS to_name, h.note, lower(h.valid)::text AS valid_from, upper(h.valid)::text AS valid_to
        """

    package static func from(_ date: Int) -> String {
        """
        unit_handoffs h
        LEFT JOIN unit_versions fv ON fv.unit_id = h.from_unit_id AND fv.valid @> $\(date)::date
        LEFT JOIN unit_versions tv ON tv.unit_id = h.to_unit_id AND tv.valid @> $\(date)::date
        """
    }

    package static func write(_ row: PGRow, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("from_unit_id", row.string("from_unit_id"))
        json.field("from_name", row.string("from_name"))
        json.field("to_unit_id", row.string("to_unit_id"))
        json.field("to_name", row.string("to_name"))
        json.field("note", row.string("note"))
        json.field("effective_from", row.string("valid_from"))
        json.field("effective_until", row.string("valid_to").map(OrgDate.dayBefore))
        json.endObject()
    }

    package static func json(_ row: PGRow) -> [UInt8] {
        var json = JSONWriter()
        write(row, to: &json)
        return json.bytes
    }

    /// `{"outgoing": [...], "incoming": [...]}` on `as_of`.
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let date = try OrgDate.asOf(context)
        let (unit, rows) = try await context.transaction(caller) { connection in
            (try await UnitStore.read(connection, id: id, on: date),
             try await connection.query("""
                SELECT \(columns), h.from_unit_id = $1::uuid AS outgoing FROM \(from(2))
                WHERE (h.from_unit_id = $1::uuid OR h.to_unit_id = $1::uuid) AND h.valid @> $2::date
                ORDER BY fv.name, tv.name
                """, [id, date]))
        }
        guard let unit else { throw Problem.notFound("unit") }
        try await context.authorize(caller, .unitRead, UnitStore.target(caller, unit), resource: "unit", id: id)
        return JSONResponse.make { json in
            json.beginObject()
            for (key, outgoing) in [("outgoing", true), ("incoming", false)] {
                json.key(key)
                json.beginArray()
                for row in rows where row.bool("outgoing") == outgoing { write(row, to: &json) }
                json.endArray()
            }
            json.field("as_of", date)
            json.endObject()
        }
    }

    package struct CreateBody: Decodable {
        package var to_unit_id: String
        package var note: String?
        package var effective_date: String?
    }

    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let body = try context.body(CreateBody.self)
        let date = try OrgDate.body(body.effective_date)
        if (body.note ?? "").count > 500 { throw Problem.invalid("note", rule: "length", "note is at most 500 characters") }
        let row = try await context.transaction(caller) { connection in
            guard let unit = try await UnitStore.read(connection, id: id, on: date) else { throw Problem.notFound("unit") }
            let other = try await UnitStore.require(connection, id: body.to_unit_id, field: "to_unit_id", on: date)
            guard other.string("id") != id else {
                throw Problem.invalid("to_unit_id", rule: "not_self", "a unit does not hand work to itself")
            }
            try await context.authorize(caller, .unitUpdate, UnitStore.target(caller, unit), resource: "unit", id: id)
            let handoff: String
            do {
                handoff = try await connection.query("""
                    INSERT INTO unit_handoffs (tenant_id, from_unit_id, to_unit_id, note, valid)
                    VALUES ($1::uuid, $2::uuid, $3::uuid, $4, daterange($5::date, NULL)) RETURNING id::text AS id
                    """, [caller.tenantID!, id, other.string("id")!, body.note ?? "", date]).string(0, "id")!
            } catch let error as PGError where error.isExclusionViolation {
                throw Problem(status: 409, code: "HANDOFF_EXISTS", title: "Conflict",
                              detail: "the unit already hands work to that unit on or after \(date)", field: "to_unit_id", rule: "once")
            }
            let row = try await connection.query("SELECT \(columns) FROM \(from(2)) WHERE h.id = $1::uuid", [handoff, date])[0]
            try await OrgChange.record(connection, context, caller, action: "handoff.create", resource: "handoff", id: handoff,
                                       effective: date, after: json(row))
            return row
        }
        return JSONResponse.make(201) { json in write(row, to: &json) }
    }

    /// Ends a link from `effective_date` (query, default today) on; past charts keep it.
    package static func remove(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let handoff = try context.pathID("handoff", resource: "handoff")
        let date = try OrgDate.asOf(context, parameter: "effective_date")
        try await context.transaction(caller) { connection in
            guard let unit = try await UnitStore.read(connection, id: id, on: date),
                  let before = try await connection.query("SELECT \(columns) FROM \(from(3)) WHERE h.id = $1::uuid AND h.from_unit_id = $2::uuid FOR UPDATE OF h",
                                                          [handoff, id, date]).first else {
                throw Problem.notFound("handoff")
            }
            try await context.authorize(caller, .unitUpdate, UnitStore.target(caller, unit), resource: "unit", id: id)
            if let start = before.string("valid_from"), start >= date {
                _ = try await connection.query("DELETE FROM unit_handoffs WHERE id = $1::uuid", [handoff])
            } else {
                _ = try await connection.query("UPDATE unit_handoffs SET valid = daterange(lower(valid), $2::date) WHERE id = $1::uuid AND valid @> $2::date",
                                               [handoff, date])
            }
            try await OrgChange.record(connection, context, caller, action: "handoff.end", resource: "handoff", id: handoff,
                                       effective: date, before: json(before))
        }
        return JSONResponse.noContent
    }
}
