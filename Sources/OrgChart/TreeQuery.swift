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
            throw Problem.invalidQuery("depth", rule: "range", "depth must be a whole number from 0 to 50")
        }
        return value
    }

    /// Units and positions; the tree fetches their holders (`Holders.fetch`), the exports their
    /// own richer holder rows (ExportLoader), so neither reads them twice.
    package struct Subtree: Sendable {
        package var units: [Unit]               // root first, then by level, sort order, name, code
        package var positions: [Position]       // no unit name, paths or holder count (see positionColumns)
    }

    /// `WITH RECURSIVE sub AS (…)`: the versions on `date` of the unit `root` and its
    /// descendants down to `levels` levels below it (column `level`, 0 for the root), archived
    /// units included. Walks `parent_id` rather than testing `path <@ root_path`: under row-level
    /// security only leakproof operators may become index conditions, and ltree's `<@` is not, so
    /// the path test filtered every unit version of the tenant (20,000 in a big company) while a
    /// uuid equality on `parent_id` probes the `(tenant_id, parent_id)` index once per unit.
    package static func subtreeCTE(root: String, levels: Int, on date: String) -> PGQuery {
        """
        WITH RECURSIVE sub AS (
            SELECT s.*, 0 AS level FROM unit_versions s WHERE s.unit_id = \(root)::uuid AND s.valid @> \(date)::date
            UNION ALL
            SELECT c.*, sub.level + 1 FROM sub JOIN unit_versions c ON c.parent_id = sub.unit_id AND c.valid @> \(date)::date
            WHERE sub.level < \(levels)::integer)
        """
    }

    /// FROM clause joining `sub` (as `v`) with `units u` and `regions r`, for `UnitStore.unitColumns`.
    package static let subtreeFrom: PGQuery = """
        sub v JOIN units u ON u.tenant_id = v.tenant_id AND u.id = v.unit_id
        LEFT JOIN regions r ON r.tenant_id = v.tenant_id AND r.id = v.region_id
        """

    /// Columns of a chart's positions, in `Position`'s decoding order: `PositionStore.baseColumns`
    /// with NULL for the unit's name and paths (the chart has its units) and for `filled` (the
    /// chart fetches the holders and counts them), since each of those is a lookup per position.
    package static let positionColumns: PGQuery = """
        p.id::text AS id, p.revision, v.title, v.grade, v.headcount_kind, v.headcount_min, v.headcount_max,
        v.duties::text AS duties, v.forms::text AS forms, v.kind, v.reports_to::text AS reports_to, v.span_min, v.span_max,
        v.sort_order, v.archived, v.unit_id::text AS unit_id, NULL::text AS unit_name, lower(v.valid)::text AS valid_from,
        upper(v.valid)::text AS valid_to, NULL::text AS path_ids, NULL::text AS region_path,
        \(unescaped: Headcount.establishment) AS establishment, NULL::bigint AS filled
        """

    /// Joins `uv`, the unit version of `position_versions v` on `date`, for the region count of
    /// per-region posts (`Headcount.establishmentSQL`), and only for them: the condition on `v`
    /// inside the lateral subquery (kept from being flattened by OFFSET 0) skips the lookup, a
    /// slow GiST probe under row-level security, for every other position.
    package static func perRegionUnit(on date: String) -> PGQuery {
        """
        LEFT JOIN LATERAL (SELECT x.region_id FROM unit_versions x
                           WHERE v.headcount_kind = 'per_region' AND x.unit_id = v.unit_id AND x.valid @> \(date)::date OFFSET 0) uv ON true
        """
    }

    /// FROM clause for `positionColumns`: the positions with a version on `date`.
    package static func positionsFrom(on date: String) -> PGQuery {
        """
        positions p JOIN position_versions v ON v.tenant_id = p.tenant_id AND v.position_id = p.id AND v.valid @> \(date)::date
        \(unescaped: perRegionUnit(on: date))
        """
    }

    /// The live subtree of `root` (as it was on `date`) down to `depth` levels below it. The
    /// caller has authorised reading the root. Both reads ask for binary results: they return the
    /// chart's thousands of rows (docs/performance.md, "Typed rows and binary results"), and
    /// every column is of a type PGBinary reads.
    package static func load(_ connection: PGConnection, root: Unit, depth: Int, on date: String) async throws -> Subtree {
        let units: [Unit] = try await connection.query(("""
            \(unescaped: subtreeCTE(root: root.id, levels: depth, on: date))
            SELECT \(unescaped: UnitStore.unitColumns) FROM \(unescaped: subtreeFrom)
            WHERE NOT v.archived OR u.id = \(root.id)::uuid
            ORDER BY nlevel(v.path), v.sort_order, v.name, v.code
            """ as PGQuery).binary()).decode()
        let positions: [Position] = try await connection.query(("""
            SELECT \(unescaped: positionColumns) FROM \(unescaped: positionsFrom(on: date))
            WHERE v.unit_id = ANY (\(units.map(\.id))::uuid[]) AND NOT v.archived ORDER BY v.sort_order, v.title, p.seq
            """ as PGQuery).binary()).decode()
        return Subtree(units: units, positions: positions)
    }

    /// The tree: the subtree with each position's holders.
    package static let tree = DatedRead.subtree(
        options: { try depth($0) },
        read: { _, request, connection in
            let subtree = try await load(connection, root: request.root, depth: request.options, on: request.date)
            return (subtree, try await Holders.fetch(connection, positions: subtree.positions.map(\.id), on: request.date))
        },
        answer: { _, request, loaded in answer(root: request.root, date: request.date, depth: request.options,
                                               subtree: loaded.0, holders: loaded.1) })
        .cached(.shared)

    private static func answer(root: Unit, date: String, depth: Int, subtree: Subtree, holders: [String: [Holder]]) -> HTTPResponse {
        var children: [String: [Int]] = [:]         // indexes into subtree.units, by parent id
        for (index, unit) in subtree.units.enumerated() { children[unit.parentID ?? "", default: []].append(index) }
        var positions: [String: [Int]] = [:]        // indexes into subtree.positions, by unit id
        for (index, position) in subtree.positions.enumerated() { positions[position.unitID, default: []].append(index) }

        func write(_ unit: Unit, _ json: inout JSONWriter) {
            json.beginObject()
            unit.writeHead(to: &json)
            json.key("positions")
            json.beginArray()
            for index in positions[unit.id] ?? [] {
                let position = subtree.positions[index]
                Holders.writeSeat(position, holders[position.id] ?? [], to: &json)
            }
            json.endArray()
            json.key("children")
            json.beginArray()
            for index in children[unit.id] ?? [] { write(subtree.units[index], &json) }
            json.endArray()
            json.endObject()
        }
        return JSONResponse.make { json in
            json.beginObject()
            json.field("as_of", date)
            json.field("depth", depth)
            json.key("unit")
            if let unit = subtree.units.first(where: { $0.id == root.id }) { write(unit, &json) } else { json.null() }
            json.endObject()
        }
    }
}
