// /v1/regions: the tenant's region tree (华东, 华南 …), where regional offices and per-region posts
// apply. Regions are not effective-dated. Writing needs network.write over the parent region.

import HTTP
import Policy
import Postgres

enum RegionRoutes {
    static func add(to router: inout Router<RouteHandler>) {
        router.add(.GET, "/v1/regions", .async(list))
        router.add(.POST, "/v1/regions", .async(create))
        router.add(.GET, "/v1/regions/{id}", .async(read))
    }

    static let columns = """
        g.id::text AS id, g.parent_id::text AS parent_id, g.name, g.code, orgd_ltree_ids(g.path)::text AS path_ids, g.revision
        """

    static func write(_ row: PGRow, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("parent_id", row.string("parent_id"))
        json.field("name", row.string("name"))
        json.field("code", row.string("code"))
        json.field("path", strings: OrgPath.ids(row.string("path_ids")))
        json.field("revision", row.int("revision"))
        json.endObject()
    }

    static func json(_ row: PGRow) -> [UInt8] {
        var json = JSONWriter()
        write(row, to: &json)
        return json.bytes
    }

    static func target(_ caller: Caller, _ row: PGRow) -> Target {
        .network(caller.tenant, region: OrgPath.tree(row.string("path_ids")))
    }

    static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("SELECT \(columns) FROM regions g ORDER BY g.path LIMIT 5000")
        }
        let now = caller.context(now: .now)
        return JSONResponse.make { json in
            json.beginObject()
            json.key("items")
            json.beginArray()
            for row in rows where decide(caller.principal, .regionRead, target(caller, row), now).isAllowed { write(row, to: &json) }
            json.endArray()
            json.endObject()
        }
    }

    static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "region")
        let row = try await context.transaction(caller) { connection in
            try await connection.query("SELECT \(columns) FROM regions g WHERE g.id = $1::uuid", [id]).first
        }
        guard let row else { throw Problem.notFound("region") }
        try await context.authorize(caller, .regionRead, target(caller, row), resource: "region", id: id)
        return ETag.response(revision: row.int("revision"), body: json(row))
    }

    struct CreateBody: Decodable {
        var name: String
        var code: String
        var parent_id: String?
    }

    static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
        try OrgRules.name(body.name)
        try OrgRules.code(body.code)
        let row = try await context.transaction(caller) { connection in
            let parentPath = try await body.parent_id.asyncMap { try await UnitStore.regionPath(connection, id: $0, field: "parent_id") }
            try await context.authorize(caller, .regionWrite, .network(caller.tenant, region: OrgPath.tree(parentPath)),
                                        resource: "region", id: nil)
            let id: String
            do {
                id = try await connection.query("""
                    INSERT INTO regions (tenant_id, id, parent_id, name, code, path)
                    SELECT $1::uuid, n.id, $2::uuid, $3, $4,
                           coalesce((SELECT path FROM regions WHERE id = $2::uuid), ''::ltree) || orgd_uuid_label(n.id)
                    FROM (SELECT gen_random_uuid() AS id) n RETURNING id::text AS id
                    """, [caller.tenantID!, body.parent_id?.lowercased(), body.name.trimmingCharacters(in: .whitespacesAndNewlines), body.code])
                    .string(0, "id")!
            } catch let error as PGError where error.isUniqueViolation {
                throw Problem(status: 409, code: "REGION_CODE_TAKEN", title: "Conflict", detail: "region code \(body.code) is already used",
                              field: "code", rule: "unique")
            }
            let row = try await connection.query("SELECT \(columns) FROM regions g WHERE g.id = $1::uuid", [id])[0]
            try await OrgChange.record(connection, context, caller, action: "region.create", resource: "region", id: id,
                                       effective: OrgDate.today, after: json(row))
            return row
        }
        var response = ETag.response(201, revision: row.int("revision"), body: json(row))
        response.headers.add("Location", "/v1/regions/\(row.string("id") ?? "")")
        return response
    }
}
