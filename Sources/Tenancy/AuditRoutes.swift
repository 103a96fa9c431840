// GET /v1/audit: the tenant's audit log, newest first, filtered by actor, resource, action and
// time range, paginated by cursor (the last id seen).

import App
import HTTP
import Policy
import Postgres

package enum AuditRoutes {
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        try await context.authorize(caller, .auditRead, .tenantWide(caller.tenant), resource: "audit", id: nil)
        let page = try Page(context) { Int64($0) != nil }
        let actor = context.query("actor")
        if let actor, EntityID(uuid: actor) == nil {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "actor must be a user or API key id",
                          field: "actor", rule: "format")
        }
        let from = try time(context, "from")
        let to = try time(context, "to")
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT id::text AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
                       actor_kind, actor_id::text AS actor_id, action, resource_type, resource_id, outcome,
                       reason::text AS reason, before::text AS before, after::text AS after, request_id, client_addr
                FROM audit_log
                WHERE ($1::bigint IS NULL OR id < $1::bigint)
                  AND ($2::uuid IS NULL OR actor_id = $2::uuid)
                  AND ($3::text IS NULL OR resource_type = $3)
                  AND ($4::text IS NULL OR resource_id = $4)
                  AND ($5::text IS NULL OR action = $5)
                  AND ($6::timestamptz IS NULL OR at >= $6::timestamptz)
                  AND ($7::timestamptz IS NULL OR at < $7::timestamptz)
                ORDER BY audit_log.id DESC LIMIT $8
                """, [page.after, actor, context.query("resource_type"), context.query("resource_id"),
                      context.query("action"), from, to, page.limit + 1])
        }
        return page.response(rows) { row, json in
            json.beginObject()
            json.field("id", row.string("id"))
            json.field("at", row.string("at"))
            json.key("actor"); json.beginObject()
            json.field("kind", row.string("actor_kind"))
            json.field("id", row.string("actor_id"))
            json.endObject()
            json.field("action", row.string("action"))
            json.key("resource"); json.beginObject()
            json.field("type", row.string("resource_type"))
            json.field("id", row.string("resource_id"))
            json.endObject()
            json.field("outcome", row.string("outcome"))
            for name in ["reason", "before", "after"] {
                json.key(name)
                if let text = row.string(name) { json.raw(Array(text.utf8)) } else { json.null() }
            }
            json.field("request_id", row.string("request_id"))
            json.field("client_addr", row.string("client_addr"))
            json.endObject()
        }
    }

    private static func time(_ context: RequestContext, _ name: String) throws -> String? {
        guard let text = context.query(name) else { return nil }
        guard Timestamps.parse(text) != nil else {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request",
                          detail: "\(name) must be an RFC 3339 time or a date (YYYY-MM-DD)", field: name, rule: "format")
        }
        return text
    }
}
