// Reading positions as of a day, with their unit's path (for the policy), their establishment
// and how many hold them that day, and their JSON.

import App
import HTTP
import Policy
import Postgres

package enum PositionStore {
    /// Columns of `positions p`, `position_versions v`, `unit_versions uv`, `regions r`, without
    /// the holder count: for queries that count holders themselves (VacancyQuery).
    package static let baseColumns = """
        p.id::text AS id, p.revision, v.title, v.grade, v.headcount_kind, v.headcount_min, v.headcount_max,
        v.duties::text AS duties, v.forms::text AS forms, v.kind, v.reports_to::text AS reports_to, v.span_min, v.span_max,
        v.sort_order, v.archived, v.unit_id::text AS unit_id, uv.name AS unit_name, lower(v.valid)::text AS valid_from,
        upper(v.valid)::text AS valid_to, orgd_ltree_ids(uv.path)::text AS path_ids, orgd_ltree_ids(r.path)::text AS region_path,
        \(Headcount.establishmentSQL) AS establishment
        """

    /// `baseColumns` and `filled`, the holders on `$date`.
    package static func columns(_ date: Int) -> String {
        """
        \(baseColumns),
        (SELECT count(*) FROM assignments a WHERE a.position_id = p.id AND a.valid @> $\(date)::date) AS filled
        """
    }

    package static func from(_ date: Int) -> String {
        """
        positions p JOIN position_versions v ON v.tenant_id = p.tenant_id AND v.position_id = p.id AND v.valid @> $\(date)::date
        LEFT JOIN unit_versions uv ON uv.tenant_id = v.tenant_id AND uv.unit_id = v.unit_id AND uv.valid @> $\(date)::date
        LEFT JOIN regions r ON r.tenant_id = uv.tenant_id AND r.id = uv.region_id
        """
    }

    package static func read(_ connection: PGConnection, id: String, on date: String) async throws -> PGRow? {
        try await connection.query("SELECT \(columns(2)) FROM \(from(2)) WHERE p.id = $1::uuid", [id, date]).first
    }

    package static func write(_ row: PGRow, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("title", row.string("title"))
        json.field("unit_id", row.string("unit_id"))
        json.field("unit_name", row.string("unit_name"))
        json.field("grade", row.string("grade"))
        json.key("headcount"); Headcount.write(row, to: &json)
        let establishment = row.int("establishment")
        let filled = row.int("filled") ?? 0
        json.field("establishment", establishment)
        json.field("filled", filled)
        json.field("vacant", establishment.map { Swift.max(0, $0 - filled) })
        json.key("duties"); json.raw(Array((row.string("duties") ?? "[]").utf8))
        json.key("forms"); json.raw(Array((row.string("forms") ?? "[]").utf8))
        json.field("kind", row.string("kind"))
        json.field("reports_to", row.string("reports_to"))
        json.key("span_of_control")
        json.beginObject()
        json.field("min", row.int("span_min"))
        json.field("max", row.int("span_max"))
        json.endObject()
        json.field("sort_order", row.int("sort_order"))
        json.field("archived", row.bool("archived") ?? false)
        json.field("effective_from", row.string("valid_from"))
        json.field("effective_until", row.string("valid_to").map(OrgDate.dayBefore))
        json.field("revision", row.int("revision"))
        json.endObject()
    }

    package static func json(_ row: PGRow) -> [UInt8] {
        var json = JSONWriter()
        write(row, to: &json)
        return json.bytes
    }

    /// The grade of a position row, parsed on the tenant's ladder (nil when absent or no longer on it).
    package static func grade(_ caller: Caller, _ row: PGRow) -> Grade? {
        row.string("grade").flatMap { try? caller.ladder.parse($0) }
    }

    package static func target(_ caller: Caller, _ row: PGRow) -> Target {
        .position(caller.tenant, unit: OrgPath.tree(row.string("path_ids")) ?? TreePath([]),
                  region: OrgPath.tree(row.string("region_path")), grade: grade(caller, row))
    }

    /// A position named in a request body that must exist on `date`; 422 naming the field otherwise.
    package static func require(_ connection: PGConnection, id: String?, field: String, on date: String) async throws -> PGRow {
        guard let id, EntityID(uuid: id) != nil,
              let row = try await read(connection, id: id.lowercased(), on: date) else {
            throw Problem.invalid(field, rule: "exists", "\(field) \(id ?? "null") names no position of this tenant on \(date)")
        }
        return row
    }

    /// Refuses a reporting line that would close a loop: walking up from `manager` on `date`
    /// must not reach `position`. Call under OrgChange.lockTree(…, "reports_to").
    package static func checkReportsTo(_ connection: PGConnection, position: String?, manager: String, on date: String) async throws {
        _ = try await require(connection, id: manager, field: "reports_to", on: date)
        guard let position else { return }
        let loops = try await connection.query("""
            WITH RECURSIVE up (id, depth) AS (
                SELECT $1::uuid, 1
                UNION ALL
                SELECT v.reports_to, up.depth + 1 FROM up
                JOIN position_versions v ON v.position_id = up.id AND v.valid @> $3::date
                WHERE v.reports_to IS NOT NULL AND up.depth < 10000)
            SELECT 1 FROM up WHERE id = $2::uuid LIMIT 1
            """, [manager.lowercased(), position, date])
        if loops.count > 0 {
            throw Problem.invalid("reports_to", rule: "no_cycle",
                                  "position \(manager) reports (directly or through others) to this position; a reporting line cannot loop")
        }
    }
}
