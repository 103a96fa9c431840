// /v1/tenant/settings: a tenant's own switches. One so far: require_if_match, which makes
// If-Match required on every update that honours it (ETag.check answers 428 without it). Reading
// is decided as tenant.read, changing as tenant.update (board only); changes are audited.

import App
import HTTP
import Policy
import Postgres

package enum TenantSettingsRoutes {
    package static func json(_ row: PGRow) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("require_if_match", row.bool("require_if_match") ?? false)
        json.endObject()
        return json.bytes
    }

    package static let select = "SELECT require_if_match FROM tenants WHERE id = orgd_current_tenant()"

    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        try await context.authorize(caller, .tenantRead, .tenantWide(caller.tenant), resource: "tenant", id: caller.tenantID)
        let row = try await context.transaction(caller) { connection in try await connection.query(select)[0] }
        return JSONResponse.make { $0.raw(json(row)) }
    }

    package struct Body: Decodable {
        package var require_if_match: Bool
    }

    package static func update(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(Body.self)
        let row = try await context.transaction(caller) { connection in
            try await context.authorize(caller, .tenantUpdate, .tenantWide(caller.tenant), resource: "tenant", id: caller.tenantID)
            let before = try await connection.query(select)[0]
            // Tenants' rows are written in platform mode only; this function changes this one setting.
            let after = try await connection.query("SELECT orgd_set_require_if_match($1::boolean) AS require_if_match",
                                                   [body.require_if_match])[0]
            try await Audit.record(connection, context, caller, action: "tenant.settings.update", resource: "tenant", id: caller.tenantID,
                                   before: json(before), after: json(after))
            return after
        }
        return JSONResponse.make { $0.raw(json(row)) }
    }
}
