// /v1/platform/tenants: platform operators create, list, rename, suspend and reactivate
// tenants. Authenticated by a platform key (`orgd platform-key create`); such a key sees no
// tenant's data, only the tenants table, in platform mode.

import App
import HTTP
import Policy
import Postgres

package enum PlatformRoutes {
    package static let columns = """
        id::text AS id, slug, name, status,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
        to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at
        """

    package static func write(_ row: PGRow, to json: inout JSONWriter) {
        json.beginObject()
        for name in ["id", "slug", "name", "status", "created_at", "updated_at"] { json.field(name, row.string(name)) }
        json.endObject()
    }

    package static func json(_ row: PGRow) -> [UInt8] {
        var json = JSONWriter()
        write(row, to: &json)
        return json.bytes
    }

    private static func operator_(_ context: RequestContext) async throws -> Caller {
        let caller = try await context.authenticate()
        guard caller.kind == .platform else { throw AuthProblem.platformOnly }
        return caller
    }

    /// A transaction in platform mode (the tenants table is visible; no tenant's data is).
    private static func platform<T>(_ context: RequestContext, _ body: (PGConnection) async throws -> T) async throws -> T {
        try await context.pool.transaction { connection in
            _ = try await connection.query("SELECT set_config('orgd.platform', 'on', true)")
            return try await body(connection)
        }
    }

    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        _ = try await operator_(context)
        let page = try Page(context)
        let rows = try await platform(context) { connection in
            try await connection.query("SELECT \(columns) FROM tenants WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY tenants.id LIMIT $2",
                                       [page.after, page.limit + 1])
        }
        return page.response(rows) { row, json in write(row, to: &json) }
    }

    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        _ = try await operator_(context)
        let id = try context.pathID("id", resource: "tenant")
        let row = try await platform(context) { connection in
            try await connection.query("SELECT \(columns) FROM tenants WHERE id = $1::uuid", [id]).first
        }
        guard let row else { throw Problem.notFound("tenant") }
        return HTTPResponse(status: 200, contentType: "application/json", body: json(row))
    }

    package struct CreateBody: Decodable {
        package var slug: String
        package var name: String
        package var admin_login: String?
    }

    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await operator_(context)
        let body = try context.body(CreateBody.self)
        let adminLogin = body.admin_login ?? "admin"
        try TenantStore.validateLogin(adminLogin)
        let created = try await platform(context) { connection in
            let created = try await TenantStore.create(slug: body.slug, name: body.name, adminLogin: adminLogin, on: connection)
            try await Audit.record(connection, context, caller, action: "tenant.create", resource: "tenant", id: created.id,
                                   tenantID: created.id)
            return created
        }
        return JSONResponse.make(201) { json in
            json.beginObject()
            json.field("id", created.id)
            json.field("slug", created.slug)
            json.field("name", created.name)
            json.field("status", "active")
            json.key("administrator"); json.beginObject()
            json.field("login", created.adminLogin)
            json.field("setup_secret", created.setupSecret)
            json.endObject()
            json.endObject()
        }
    }

    package struct RenameBody: Decodable {
        package var name: String
    }

    package static func rename(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await operator_(context)
        let id = try context.pathID("id", resource: "tenant")
        let body = try context.body(RenameBody.self)
        try TenantStore.validate(slug: "ok", name: body.name)
        return try await change(context, caller, id, action: "tenant.rename", set: "name = $2", body.name)
    }

    package static func setStatus(_ context: RequestContext, _ status: String) async throws -> HTTPResponse {
        let caller = try await operator_(context)
        let id = try context.pathID("id", resource: "tenant")
        return try await change(context, caller, id, action: status == "active" ? "tenant.reactivate" : "tenant.suspend",
                                set: "status = $2", status)
    }

    private static func change(_ context: RequestContext, _ caller: Caller, _ id: String, action: String,
                               set assignment: String, _ value: String) async throws -> HTTPResponse {
        let response = try await platform(context) { connection in
            guard let before = try await connection.query("SELECT \(columns) FROM tenants WHERE id = $1::uuid FOR UPDATE", [id]).first else {
                throw Problem.notFound("tenant")
            }
            let after = try await connection.query(
                "UPDATE tenants SET \(assignment), updated_at = now() WHERE id = $1::uuid RETURNING \(columns)", [id, value])[0]
            try await Audit.record(connection, context, caller, action: action, resource: "tenant", id: id,
                                   before: json(before), after: json(after), tenantID: id)
            return HTTPResponse(status: 200, contentType: "application/json", body: json(after))
        }
        context.resources.callers.invalidate(tenant: id)
        return response
    }
}
