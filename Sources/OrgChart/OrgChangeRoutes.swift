// GET /v1/org/changes?from=&to=: what changed in the org chart between two days (inclusive), by
// effective date, oldest first; each with the state before and after. Reading it needs org.read
// over the whole tenant, since it spans every unit.

import App
import HTTP
import Policy
import Postgres

package enum OrgChangeRoutes {
    package static let list = Endpoint<NoBody, (from: String, to: String, page: Page), (page: Page, changes: [OrgChangeEntry])>(
        action: .unitRead, resource: "org_change",
        load: { call, _ in
            let from = try OrgDate.asOf(call.context, parameter: "from")
            let to = try OrgDate.asOf(call.context, parameter: "to")
            if to < from {
                throw Problem.invalidQuery("to", rule: "not_before_from", "to (\(to)) is before from (\(from))")
            }
            return (from, to, try Page(call.context) { Int($0) != nil })
        },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, query, connection in
            (query.page, try await OrgChangeStore.list(connection, from: query.from, to: query.to, after: query.page.after,
                                                       limit: query.page.limit + 1))
        },
        encode: { _, listed in listed.page.response(listed.changes, cursor: \.id) { change, json in change.write(to: &json) } })
}
