// /v1/platform/tenants: platform operators create, list, rename, suspend and reactivate
// tenants. Authenticated by a platform key (`orgd platform-key create`); such a key sees no
// tenant's data, only the tenants table, in platform mode (set first thing in each `load`).
// Changes are audited under the tenant they change.

import App
import HTTP
import Policy
import Postgres

package enum PlatformRoutes {
    /// The audit row of a tenant's change, recorded under that tenant (`id` is the tenant's).
    static let auditUnderTenant: AuditWriter = { entry, context, caller, connection in
        try await Audit.record(connection, context, caller, action: entry.action, resource: entry.resource, id: entry.id,
                               before: entry.before, after: entry.after, tenantID: entry.id)
    }

    package static let list = Endpoint<NoBody, Page, (page: Page, tenants: [Tenant])>(
        audience: .platform, action: .platformTenants, resource: "tenant",
        load: { call, connection in
            let page = try Page(call.context)
            try await TenantStore.platformMode(connection)
            return page
        },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, page, connection in
            (page, try await TenantStore.list(connection, after: page.after, limit: page.limit + 1))
        },
        encode: { _, listed in listed.page.response(listed.tenants, cursor: \.id) { tenant, json in tenant.write(to: &json) } })

    package static let read = Endpoint<NoBody, Tenant, Tenant>(
        audience: .platform, action: .platformTenants, resource: "tenant",
        load: { call, connection in try await find(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        targetID: { _, tenant in tenant.id },
        perform: { _, tenant, _ in tenant },
        encode: { _, tenant in HTTPResponse(status: 200, contentType: "application/json", body: tenant.json) })

    package struct CreateBody: Decodable, Sendable {
        package var slug: String
        package var name: String
        package var admin_login: String?
    }

    /// A new tenant with its first administrator, whose one-time setup secret is in this answer only.
    package static let create = Endpoint<CreateBody, Void, TenantStore.Created>(
        audience: .platform, action: .platformTenants, resource: "tenant",
        check: { call in
            try TenantStore.validateLogin(call.body.admin_login ?? "admin")
            try TenantStore.validate(slug: call.body.slug, name: call.body.name)
        },
        load: { _, connection in try await TenantStore.platformMode(connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, _, connection in
            try await TenantStore.create(slug: call.body.slug, name: call.body.name, adminLogin: call.body.admin_login ?? "admin",
                                         on: connection)
        },
        audit: { _, _, created in Audited("tenant.create", resource: "tenant", id: created.id) },
        writeAudit: auditUnderTenant,
        encode: { _, created in
            JSONResponse.make(201) { json in
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
        })

    package struct RenameBody: Decodable, Sendable {
        package var name: String
    }

    package static let rename = change("tenant.rename", RenameBody.self,
                                       check: { call in try TenantStore.validate(slug: "ok", name: call.body.name) },
                                       perform: { call, connection in
                                           try await TenantStore.rename(connection, id: call.pathID(resource: "tenant"), to: call.body.name)
                                       })
    package static let suspend = change("tenant.suspend", NoBody.self) { call, connection in
        try await TenantStore.setStatus(connection, id: call.pathID(resource: "tenant"), to: "suspended")
    }
    package static let reactivate = change("tenant.reactivate", NoBody.self) { call, connection in
        try await TenantStore.setStatus(connection, id: call.pathID(resource: "tenant"), to: "active")
    }

    /// A change to one tenant: locked, changed, audited before and after under that tenant, and
    /// its cached callers dropped once committed (a suspension takes effect at once).
    private static func change<Body>(_ action: String, _ body: Body.Type,
                                     check: @escaping @Sendable (Call<Body>) throws -> Void = { _ in },
                                     perform: @escaping @Sendable (Call<Body>, PGConnection) async throws -> Tenant?)
        -> Endpoint<Body, Tenant, Tenant> {
        Endpoint(
            audience: .platform, action: .platformTenants, resource: "tenant",
            check: { call in
                _ = try call.pathID(resource: "tenant")
                try check(call)
            },
            load: { call, connection in try await find(call, connection, forUpdate: true) },
            target: { call, _ in .tenantWide(call.caller.tenant) },
            targetID: { _, tenant in tenant.id },
            perform: { call, _, connection in
                guard let tenant = try await perform(call, connection) else { throw Problem.notFound("tenant") }
                return tenant
            },
            audit: { _, before, after in Audited(action, resource: "tenant", id: after.id, before: before.json, after: after.json) },
            writeAudit: auditUnderTenant,
            committed: { call, tenant in call.context.resources.callers.invalidate(tenant: tenant.id) },
            encode: { _, tenant in HTTPResponse(status: 200, contentType: "application/json", body: tenant.json) })
    }

    /// The tenant of the path, in platform mode; 404 when there is none.
    private static func find<Body>(_ call: Call<Body>, _ connection: PGConnection, forUpdate: Bool = false) async throws -> Tenant {
        let id = try call.pathID(resource: "tenant")
        try await TenantStore.platformMode(connection)
        guard let tenant = try await TenantStore.find(connection, id: id, forUpdate: forUpdate) else { throw Problem.notFound("tenant") }
        return tenant
    }
}
