// /v1/tenant/settings: a tenant's own switches. One so far: require_if_match, which makes
// If-Match required on every update that honours it (ETag.check answers 428 without it). Reading
// is decided as tenant.read, changing as tenant.update (board only); changes are audited.

import App
import HTTP
import Policy
import Postgres

package enum TenantSettingsRoutes {
    package static let read = Endpoint<NoBody, Void, TenantSettings>(
        action: .tenantRead, resource: "tenant",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        targetID: { call, _ in call.caller.tenantID },
        perform: { _, _, connection in try await TenantStore.settings(connection) },
        encode: { _, settings in JSONResponse.make { $0.raw(settings.json) } })

    package struct Body: Decodable, Sendable {
        package var require_if_match: Bool
    }

    package static let update = Endpoint<Body, TenantSettings, TenantSettings>(
        action: .tenantUpdate, resource: "tenant",
        load: { _, connection in try await TenantStore.settings(connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        targetID: { call, _ in call.caller.tenantID },
        perform: { call, _, connection in try await TenantStore.setRequireIfMatch(connection, call.body.require_if_match) },
        audit: { call, before, after in
            Audited("tenant.settings.update", resource: "tenant", id: call.caller.tenantID, before: before.json, after: after.json)
        },
        encode: { _, settings in JSONResponse.make { $0.raw(settings.json) } })
}
