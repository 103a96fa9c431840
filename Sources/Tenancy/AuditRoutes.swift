// GET /v1/audit: the tenant's audit log, newest first, filtered by actor, resource, action and
// time range, paginated by cursor (the last id seen).

import App
import HTTP
import Policy
import Postgres

package enum AuditRoutes {
    /// The query's filters are read after the decision (`perform`), so that a caller without
    /// audit.read learns nothing from a 400 about its filters: 403 comes first.
    package static let list = Endpoint<NoBody, Void, (page: Page, entries: [AuditEntry])>(
        action: .auditRead, resource: "audit",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, _, connection in
            let page = try Page(call.context) { Int64($0) != nil }
            let actor = call.query("actor")
            if let actor, EntityID(uuid: actor) == nil {
                throw Problem.invalidQuery("actor", rule: "format", "actor must be a user or API key id")
            }
            let filter = AuditLogStore.Filter(actor: actor, resourceType: call.query("resource_type"),
                                              resourceID: call.query("resource_id"), action: call.query("action"),
                                              from: try time(call, "from"), to: try time(call, "to"))
            return (page, try await AuditLogStore.list(connection, filter, before: page.after, limit: page.limit + 1))
        },
        encode: { _, listed in listed.page.response(listed.entries, cursor: \.id) { entry, json in entry.write(to: &json) } })

    private static func time(_ call: Call<NoBody>, _ name: String) throws -> String? {
        guard let text = call.query(name) else { return nil }
        guard Timestamps.parse(text) != nil else {
            throw Problem.invalidQuery(name, rule: "format", "\(name) must be an RFC 3339 time or a date (YYYY-MM-DD)")
        }
        return text
    }
}
