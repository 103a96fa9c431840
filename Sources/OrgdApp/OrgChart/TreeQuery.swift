// GET /v1/units/{id}/tree?depth=&as_of=: a unit and its descendants down to `depth` levels
// below it (default 10, at most 50), each with its positions, their holders and vacant seats.
// Three queries whatever the size: units, positions, holders; assembled here.

import HTTP
import Policy
import Postgres

enum TreeQuery {
    static func add(to router: inout Router<RouteHandler>) {
        router.add(.GET, "/v1/units/{id}/tree", .async(tree))
    }

    /// The `depth` query parameter: 0…50, default 10.
    static func depth(_ context: RequestContext) throws -> Int {
        guard let text = context.query("depth") else { return 10 }
        guard let value = Int(text), (0...50).contains(value) else {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "depth must be a whole number from 0 to 50",
                          field: "depth", rule: "range")
        }
        return value
    }

    struct Subtree {
        var units: PGResult
        var positions: PGResult
        var holders: [String: [Holder]]
    }

    /// The live subtree of `root` on `date` down to `depth` levels below it; nil when the root
    /// does not exist that day. The caller has authorised reading the root.
    static func load(_ connection: PGConnection, root: String, depth: Int, on date: String) async throws -> (PGRow, Subtree)? {
        guard let rootRow = try await UnitStore.read(connection, id: root, on: date) else { return nil }
        let units = try await connection.query("""
            SELECT \(UnitStore.columns) FROM \(UnitStore.from(1))
            WHERE v.path <@ (SELECT path FROM unit_versions WHERE unit_id = $2::uuid AND valid @> $1::date)
              AND nlevel(v.path) <= $3 AND (NOT v.archived OR u.id = $2::uuid)
            ORDER BY nlevel(v.path), v.sort_order, v.name
            """, [date, root, (rootRow.int("depth") ?? 1) + depth])
        let ids = units.map { $0.string("id")! }
        let positions = try await connection.query("""
            SELECT \(PositionStore.columns(1)) FROM \(PositionStore.from(1))
            WHERE v.unit_id = ANY ($2::uuid[]) AND NOT v.archived ORDER BY v.sort_order, v.title
            """, [date, ids])
        let holders = try await Holders.fetch(connection, positions: positions.map { $0.string("id")! }, on: date)
        return (rootRow, Subtree(units: units, positions: positions, holders: holders))
    }

    static func tree(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let date = try OrgDate.asOf(context)
        let depth = try depth(context)
        let loaded = try await context.transaction(caller) { connection in
            try await load(connection, root: id, depth: depth, on: date)
        }
        guard let (root, subtree) = loaded else { throw Problem.notFound("unit") }
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
                Holders.writeSeat(position, subtree.holders[position.string("id")!] ?? [], to: &json)
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
