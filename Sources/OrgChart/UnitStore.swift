// Reading units as of a day, and their JSON. Every read joins the identity row (revision, the
// ETag) with the version covering the day.

import App
import HTTP
import Policy
import Postgres

package enum UnitStore {
    /// Columns of `units u` joined with `unit_versions v` and `regions r` (region may be NULL).
    package static let columns = """
        u.id::text AS id, u.revision, v.name, v.code, v.kind, v.tier, v.role_label, v.functions::text AS functions,
        v.parent_id::text AS parent_id, v.region_id::text AS region_id, v.sort_order, v.archived, v.planned_establishment,
        v.merged_into::text AS merged_into, orgd_ltree_ids(v.path)::text AS path_ids, nlevel(v.path) AS depth,
        lower(v.valid)::text AS valid_from, upper(v.valid)::text AS valid_to, orgd_ltree_ids(r.path)::text AS region_path
        """

    /// FROM clause; `$dateParameter` is the day.
    package static func from(_ dateParameter: Int) -> String {
        """
        units u JOIN unit_versions v ON v.tenant_id = u.tenant_id AND v.unit_id = u.id AND v.valid @> $\(dateParameter)::date
        LEFT JOIN regions r ON r.tenant_id = v.tenant_id AND r.id = v.region_id
        """
    }

    package static func read(_ connection: PGConnection, id: String, on date: String) async throws -> PGRow? {
        try await connection.query("SELECT \(columns) FROM \(from(2)) WHERE u.id = $1::uuid", [id, date]).first
    }

    /// The unit as JSON; `extra` writes members of the answer's own after the unit's (a merge
    /// adds the grants left on the merged unit).
    package static func write(_ row: PGRow, to json: inout JSONWriter, extra: (inout JSONWriter) -> Void = { _ in }) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("code", row.string("code"))
        json.field("name", row.string("name"))
        json.field("kind", row.string("kind"))
        json.field("tier", row.string("tier"))
        json.field("role_label", row.string("role_label"))
        json.key("functions"); json.raw(Array((row.string("functions") ?? "[]").utf8))
        json.field("parent_id", row.string("parent_id"))
        json.field("path", strings: OrgPath.ids(row.string("path_ids")))
        json.field("region_id", row.string("region_id"))
        json.field("sort_order", row.int("sort_order"))
        json.field("planned_establishment", row.int("planned_establishment"))
        json.field("archived", row.bool("archived") ?? false)
        json.field("merged_into", row.string("merged_into"))
        json.field("effective_from", row.string("valid_from"))
        json.field("effective_until", row.string("valid_to").map(OrgDate.dayBefore))
        json.field("revision", row.int("revision"))
        extra(&json)
        json.endObject()
    }

    package static func json(_ row: PGRow, extra: (inout JSONWriter) -> Void = { _ in }) -> [UInt8] {
        var json = JSONWriter()
        write(row, to: &json, extra: extra)
        return json.bytes
    }

    /// The policy's view of a unit row.
    package static func target(_ caller: Caller, _ row: PGRow) -> Target {
        .unit(caller.tenant, path: OrgPath.tree(row.string("path_ids")) ?? TreePath([]),
              tier: row.string("tier").flatMap { caller.ladder.tierIndex(named: $0) },
              region: OrgPath.tree(row.string("region_path")))
    }

    /// The unit's location, for the location of things in it (positions, destinations).
    package static func location(_ row: PGRow) -> Location {
        Location(unit: OrgPath.tree(row.string("path_ids")), region: OrgPath.tree(row.string("region_path")))
    }

    /// A unit named in a request body that must exist on `date`; 422 naming the field otherwise.
    package static func require(_ connection: PGConnection, id: String?, field: String, on date: String) async throws -> PGRow {
        guard let id, EntityID(uuid: id) != nil,
              let row = try await read(connection, id: id.lowercased(), on: date) else {
            throw Problem.invalid(field, rule: "exists", "\(field) \(id ?? "null") names no unit of this tenant on \(date)")
        }
        return row
    }

    /// A region named in a request body; its path as uuid-array text.
    package static func regionPath(_ connection: PGConnection, id: String, field: String = "region_id") async throws -> String {
        guard EntityID(uuid: id) != nil,
              let path = try await connection.query("SELECT orgd_region_path($1::uuid)::text AS path", [id]).string(0, "path") else {
            throw Problem.invalid(field, rule: "exists", "\(field) \(id) names no region of this tenant")
        }
        return path
    }
}
