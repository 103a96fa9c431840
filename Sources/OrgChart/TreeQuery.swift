// GET /v1/units/{id}/tree?depth=&as_of=: a unit and its descendants down to `depth` levels
// below it (default 10, at most 50), each with its positions, their holders and vacant seats.
// Three queries whatever the size: units, positions, holders; assembled here.

import App
import HTTP
import Policy
import Postgres

package enum TreeQuery {
    /// The `depth` query parameter: 0…50, default 10.
    package static func depth(_ context: RequestContext) throws -> Int {
        guard let text = context.query("depth") else { return 10 }
        guard let value = Int(text), (0...50).contains(value) else {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "depth must be a whole number from 0 to 50",
                          field: "depth", rule: "range")
        }
        return value
    }

    /// Units and positions; the tree fetches their holders (`Holders.fetch`), the exports their
    /// own richer holder rows (ExportLoader), so neither reads them twice.
    package struct Subtree {
        package var units: PGResult
        package var positions: PGResult
    }

    /// `WITH RECURSIVE sub AS (…)`: the versions on `$date` of the unit `$root` and its
    /// descendants down to `$levels` levels below it (column `level`, 0 for the root), archived
    /// units included. Walks `parent_id` rather than testing `path <@ root_path`: under row-level
    /// security only leakproof operators may become index conditions, and ltree's `<@` is not, so
    /// the path test filtered every unit version of the tenant (20,000 in a big company) while a
    /// uuid equality on `parent_id` probes the `(tenant_id, parent_id)` index once per unit.
    package static func subtreeCTE(date: Int, root: Int, levels: Int) -> String {
        """
        WITH RECURSIVE sub AS (
            SELECT s.*, 0 AS level FROM unit_versions s WHERE s.unit_id = $\(root)::uuid AND s.valid @> $\(date)::date
            UNION ALL
            SELECT c.*, sub.level + 1 FROM sub JOIN unit_versions c ON c.parent_id = sub.unit_id AND c.valid @> $\(date)::date
            WHERE sub.level < $\(levels))
        """
    }

    /// FROM clause joining `sub` (as `v`) with `units u` and `regions r`, for `UnitStore.columns`.
    package static let subtreeFrom = """
        sub v JOIN units u ON u.tenant_id = v.tenant_id AND u.id = v.unit_id
        LEFT JOIN regions r ON r.tenant_id = v.tenant_id AND r.id = v.region_id
        """

    /// Columns of a chart's positions: `PositionStore.columns` less the unit's name and paths (the
    /// chart has its units) and `filled` (the chart fetches the holders and counts them), since
    /// each of those is a lookup per position.
    package static let positionColumns = """
        p.id::text AS id, p.revision, v.title, v.grade, v.headcount_kind, v.headcount_min, v.headcount_max,
        v.duties::text AS duties, v.forms::text AS forms, v.kind, v.reports_to::text AS reports_to, v.span_min, v.span_max,
        v.sort_order, v.archived, v.unit_id::text AS unit_id, lower(v.valid)::text AS valid_from,
        upper(v.valid)::text AS valid_to, \(Headcount.establishmentSQL) AS establishment
        """

    /// Joins `uv`, the unit version of `position_versions v` on `$1`, for the region count of
    /// per-region posts (`Headcount.establishmentSQL`), and only for them: the condition on `v`
    /// inside the lateral subquery (kept from being flattened by OFFSET 0) skips the lookup, a
    /// slow GiST probe under row-level security, for every other position.
    package static let perRegionUnit = """
        LEFT JOIN LATERAL (SELECT x.region_id FROM unit_versions x
                           WHERE v.headcount_kind = 'per_region' AND x.unit_id = v.unit_id AND x.valid @> $1::date OFFSET 0) uv ON true
        """

    /// FROM clause for `positionColumns`; `$1` is the day.
    package static let positionsFrom = """
        positions p JOIN position_versions v ON v.tenant_id = p.tenant_id AND v.position_id = p.id AND v.valid @> $1::date
        \(perRegionUnit)
        """

    /// The live subtree of `root` on `date` down to `depth` levels below it; nil when the root
    /// does not exist that day. The caller has authorised reading the root.
    package static func load(_ connection: PGConnection, root: String, depth: Int, on date: String) async throws -> (PGRow, Subtree)? {
        guard let rootRow = try await UnitStore.read(connection, id: root, on: date) else { return nil }
        let units = try await connection.query("""
            \(subtreeCTE(date: 1, root: 2, levels: 3))
            SELECT \(UnitStore.columns) FROM \(subtreeFrom)
            WHERE NOT v.archived OR u.id = $2::uuid
            ORDER BY nlevel(v.path), v.sort_order, v.name, v.code
            """, [date, root, depth])
        let ids = units.map { $0.string("id")! }
        let positions = try await connection.query("""
            SELECT \(positionColumns) FROM \(positionsFrom)
            WHERE v.unit_id = ANY ($2::uuid[]) AND NOT v.archived ORDER BY v.sort_order, v.title, p.seq
            """, [date, ids])
        return (rootRow, Subtree(units: units, positions: positions))
    }

    package static func tree(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let date = try OrgDate.asOf(context)
        let depth = try depth(context)
        let loaded = try await context.transaction(caller) { connection -> (PGRow, Subtree, [String: [Holder]])? in
            guard let (root, subtree) = try await load(connection, root: id, depth: depth, on: date) else { return nil }
            return (root, subtree, try await Holders.fetch(connection, positions: subtree.positions.map { $0.string("id")! }, on: date))
        }
        guard let (root, subtree, holders) = loaded else { throw Problem.notFound("unit") }
        try await context.authorize(caller, .unitRead, UnitStore.target(caller, root), resource: "unit", id: id)
        var children: [String: [PGRow]] = [:]
        for unit in subtree.units { children[unit.string("parent_id") ?? "", default: []].append(unit) }
        var positions: [String: [PGRow]] = [:]
        for position in subtree.positions { positions[position.string("unit_id")!, default: []].append(position) }

        func write(_ unit: PGRow, _ json: inout JSONWriter) {
            let unitID = unit.string("id")!
            json.beginObject()
            json.field("id", unitID)
            json.field("code", unit.string("code"))
            json.field("name", unit.string("name"))
            json.field("kind", unit.string("kind"))
            json.field("tier", unit.string("tier"))
            json.field("role_label", unit.string("role_label"))
            json.key("functions"); json.raw(Array((unit.string("functions") ?? "[]").utf8))
            json.key("positions")
            json.beginArray()
            for position in positions[unitID] ?? [] {
                Holders.writeSeat(position, holders[position.string("id")!] ?? [], to: &json)
            }
            json.endArray()
            json.key("children")
            json.beginArray()
            for child in children[unitID] ?? [] { write(child, &json) }
            json.endArray()
            json.endObject()
        }
        return JSONResponse.make { json in
            json.beginObject()
            json.field("as_of", date)
            json.field("depth", depth)
            json.key("unit")
            let rootID = root.string("id")!
            if let row = subtree.units.first(where: { $0.string("id") == rootID }) { write(row, &json) } else { json.null() }
            json.endObject()
        }
    }
}
