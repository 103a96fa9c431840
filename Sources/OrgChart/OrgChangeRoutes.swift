// GET /v1/org/changes?from=&to=: what changed in the org chart between two days (inclusive), by
// effective date, oldest first; each with the state before and after. Reading it needs org.read
// over the whole tenant, since it spans every unit.

import App
import HTTP
import Policy
import Postgres

package enum OrgChangeRoutes {
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let from = try OrgDate.asOf(context, parameter: "from")
        let to = try OrgDate.asOf(context, parameter: "to")
        if to < from {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "to (\(to)) is before from (\(from))",
                          field: "to", rule: "not_before_from")
        }
        let page = try Page(context) { Int($0) != nil }
        try await context.authorize(caller, .unitRead, .tenantWide(caller.tenant), resource: "org_change", id: nil)
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT id::text AS id, effective_on::text AS effective_on,
                       to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS recorded_at,
                       actor_id::text AS actor_id, action, resource_type, resource_id::text AS resource_id,
                       before::text AS before, after::text AS after
                FROM org_changes
                WHERE effective_on BETWEEN $1::date AND $2::date
                  AND ($3::bigint IS NULL OR (effective_on, id) > ((SELECT effective_on FROM org_changes WHERE id = $3::bigint), $3::bigint))
                ORDER BY org_changes.effective_on, org_changes.id LIMIT $4
                """, [from, to, page.after, page.limit + 1])
        }
        return page.response(rows) { row, json in
            json.beginObject()
            json.field("id", row.string("id"))
            json.field("effective_on", row.string("effective_on"))
            json.field("recorded_at", row.string("recorded_at"))
            json.field("actor_id", row.string("actor_id"))
            json.field("action", row.string("action"))
            json.field("resource_type", row.string("resource_type"))
            json.field("resource_id", row.string("resource_id"))
            json.key("before"); json.raw(Array((row.string("before") ?? "null").utf8))
            json.key("after"); json.raw(Array((row.string("after") ?? "null").utf8))
            json.endObject()
        }
    }
}
