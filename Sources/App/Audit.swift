// Writing the audit log: one row per mutation, in the mutation's own transaction (so a change
// and its record commit or vanish together), and one per refused attempt.

import HTTP
import Policy
import Postgres

package enum Audit {
    /// Appends one row. `before` and `after` are JSON documents of the resource, when it has them.
    /// Without a caller the actor is `anonymous`, or `system` for orgd's own work (`system: true`,
    /// the scenario scheduler).
    package static func record(_ connection: PGConnection, _ context: RequestContext, _ caller: Caller?,
                               action: String, resource: String, id: String?, outcome: String = "ok",
                               reason: Denial? = nil, before: [UInt8]? = nil, after: [UInt8]? = nil,
                               tenantID: String? = nil, system: Bool = false) async throws {
        var reasonJSON: String?
        if let reason {
            var json = JSONWriter()
            json.beginObject()
            json.key("code"); json.string(reason.code.rawValue)
            json.key("rule"); json.string(reason.rule)
            json.key("values"); json.beginObject()
            for (key, value) in reason.values.sorted(by: { $0.key < $1.key }) { json.key(key); json.string(value) }
            json.endObject()
            json.endObject()
            reasonJSON = String(decoding: json.bytes, as: UTF8.self)
        }
        let tenant = tenantID ?? caller?.tenantID
        let actorKind = caller?.kind.rawValue ?? (system ? "system" : "anonymous")
        let before = before.map { PGJSONBytes($0) }
        let after = after.map { PGJSONBytes($0) }
        let request = context.request
        _ = try await connection.query("""
            INSERT INTO audit_log (tenant_id, actor_kind, actor_id, action, resource_type, resource_id, outcome,
                                   reason, before, after, request_id, client_addr)
            VALUES (\(tenant)::uuid, \(actorKind), \(caller?.subjectID)::uuid, \(action), \(resource), \(id), \(outcome),
                    \(reasonJSON)::jsonb, \(before)::jsonb, \(after)::jsonb, \(request.requestID), \(request.clientAddress))
            """ as PGQuery)
    }
}
