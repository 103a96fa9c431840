// GET /v1/units/{id}/tree?depth=&as_of=: a unit and its descendants down to `depth` levels
// below it (default 10, at most 50), each with its positions, their holders and vacant seats.
// Four queries whatever the size: units, seats, holders, their names; assembled here.
//
// The tree reads only what it writes. Its units come from unit_versions alone (no identity row,
// region or path: the chart shows none of them) and its seats from position_versions alone (the
// creation order is copied there, sql/0031). The exports and the headcount report, which show
// more, read the full rows (`load`). Postgres's CPU for a 50-unit tree went from 3.1–3.3 to
// 1.8–1.9 ms (pgbench of orgd's statements, 16 clients: docs/performance.md, "The cold path").

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
    /// `columns` says which columns of the versions `sub` carries: all of them, or only the
    /// tree's (`.head`), whose narrower rows walked a 1,001-unit subtree in 2.75 ms instead of
    /// 3.3 (pgbench, one client; the same for 50 units).
    package static func subtreeCTE(root: String, levels: Int, on date: String, columns: SubtreeColumns = .all) -> PGQuery {
        """
        WITH RECURSIVE sub AS (
            SELECT \(unescaped: columns.anchor), 0 AS level FROM unit_versions s WHERE s.unit_id = \(root)::uuid AND s.valid @> \(date)::date
            UNION ALL
            SELECT \(unescaped: columns.step), sub.level + 1 FROM sub JOIN unit_versions c ON c.parent_id = sub.unit_id AND c.valid @> \(date)::date
            WHERE sub.level < \(levels)::integer)
        """
    }

    /// The columns `subtreeCTE` carries, as its anchor (`s`) and recursive step (`c`) select them.
    package enum SubtreeColumns {
        case all
        case head                   // what `Node` reads, and what the tree filters and orders by

        var anchor: StaticString {
            switch self {
            case .all: "s.*"
            case .head: "s.unit_id, s.parent_id, s.name, s.code, s.kind, s.tier, s.role_label, s.functions, s.sort_order, s.archived"
            }
        }

        var step: StaticString {
            switch self {
            case .all: "c.*"
            case .head: "c.unit_id, c.parent_id, c.name, c.code, c.kind, c.tier, c.role_label, c.functions, c.sort_order, c.archived"
            }
        }
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

    /// A unit as the tree shows it: its head and its parent.
    package struct Node: Sendable, PGRowDecodable, UnitHead {
        package var id: String
        package var parentID: String?
        package var name: String
        package var code: String
        package var kind: String
        package var tier: String?
        package var roleLabel: String?
        package var functions: PGJSONBytes          // a JSON array of strings, as stored

        package init(row: inout PGRowReader) throws {
            id = try row.next()
            parentID = try row.next()
            name = try row.next()
            code = try row.next()
            kind = try row.next()
            tier = try row.next()
            roleLabel = try row.next()
            functions = try row.next()
        }

        package func writeFunctions(to json: inout JSONWriter) { json.raw(functions.bytes) }
    }

    /// A position as the tree shows it (Holders.writeSeat).
    package struct Seat: Sendable, PGRowDecodable, SeatHead {
        package var id: String
        package var unitID: String
        package var title: String
        package var grade: String?
        package var kind: String
        package var headcount: Headcount.Stored
        package var establishment: Int?
        package var reportsTo: String?

        package init(row: inout PGRowReader) throws {
            id = try row.next()
            unitID = try row.next()
            title = try row.next()
            grade = try row.next()
            kind = try row.next()
            headcount = Headcount.Stored(kind: try row.next(), min: try row.next(), max: try row.next())
            establishment = try row.next()
            reportsTo = try row.next()
        }
    }

    /// The tree's rows: its units (root first, then by level, sort order, name, code), their
    /// seats (by sort order, title, creation order) and the seats' holders.
    package struct Chart: Sendable {
        package var nodes: [Node]
        package var seats: [Seat]
        package var holders: [String: [Holder]]
    }

    /// The rows of the tree of `root` on `date`, `depth` levels down. Binary results, as `load`.
    package static func chart(_ connection: PGConnection, root: Unit, depth: Int, on date: String) async throws -> Chart {
        let nodes: [Node] = try await connection.query(("""
            \(unescaped: subtreeCTE(root: root.id, levels: depth, on: date, columns: .head))
            SELECT v.unit_id::text, v.parent_id::text, v.name, v.code, v.kind, v.tier, v.role_label, v.functions::text
            FROM sub v WHERE NOT v.archived OR v.unit_id = \(root.id)::uuid
            ORDER BY v.level, v.sort_order, v.name, v.code
            """ as PGQuery).binary()).decode()
        let seats: [Seat] = try await connection.query(("""
            SELECT v.position_id::text, v.unit_id::text, v.title, v.grade, v.kind, v.headcount_kind, v.headcount_min,
                   v.headcount_max, \(unescaped: Headcount.establishment) AS establishment, v.reports_to::text
            FROM position_versions v \(unescaped: perRegionUnit(on: date))
            WHERE v.unit_id = ANY (\(nodes.map(\.id))::uuid[]) AND v.valid @> \(date)::date AND NOT v.archived
            ORDER BY v.sort_order, v.title, v.position_seq
            """ as PGQuery).binary()).decode()
        return Chart(nodes: nodes, seats: seats, holders: try await Holders.fetch(connection, positions: seats.map(\.id), on: date))
    }

    /// The tree: the subtree with each position's holders.
    package static let tree = DatedRead.subtree(
        options: { try depth($0) },
        read: { _, request, connection in try await chart(connection, root: request.root, depth: request.options, on: request.date) },
        answer: { _, request, chart in answer(root: request.root, date: request.date, depth: request.options, chart: chart) })
        .cached(.shared)

    private static func answer(root: Unit, date: String, depth: Int, chart: Chart) -> HTTPResponse {
        var children: [String: [Int]] = [:]         // indexes into chart.nodes, by parent id
        for (index, node) in chart.nodes.enumerated() { children[node.parentID ?? "", default: []].append(index) }
        var seats: [String: [Int]] = [:]            // indexes into chart.seats, by unit id
        for (index, seat) in chart.seats.enumerated() { seats[seat.unitID, default: []].append(index) }

        func write(_ node: Node, _ json: inout JSONWriter) {
            json.beginObject()
            node.writeHead(to: &json)
            json.key("positions")
            json.beginArray()
            for index in seats[node.id] ?? [] {
                let seat = chart.seats[index]
                Holders.writeSeat(seat, chart.holders[seat.id] ?? [], to: &json)
            }
            json.endArray()
            json.key("children")
            json.beginArray()
            for index in children[node.id] ?? [] { write(chart.nodes[index], &json) }
            json.endArray()
            json.endObject()
        }
        return JSONResponse.make { json in
            json.beginObject()
            json.field("as_of", date)
            json.field("depth", depth)
            json.key("unit")
            if let node = chart.nodes.first(where: { $0.id == root.id }) { write(node, &json) } else { json.null() }
            json.endObject()
        }
    }
}
