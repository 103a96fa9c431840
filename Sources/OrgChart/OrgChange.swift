// Recording an org-chart change: the audit row (who, when, before/after) and the org_changes
// row (the day it takes effect), both in the change's own transaction.

import App
import HTTP
import Postgres

package enum OrgChange {
    package static func record(_ connection: PGConnection, _ context: RequestContext, _ caller: Caller,
                               action: String, resource: String, id: String, effective: String,
                               before: [UInt8]? = nil, after: [UInt8]? = nil) async throws {
        try await Audit.record(connection, context, caller, action: action, resource: resource, id: id,
                               before: before, after: after)
        _ = try await connection.query("""
            INSERT INTO org_changes (tenant_id, effective_on, actor_id, action, resource_type, resource_id, before, after)
            VALUES ($1::uuid, $2::date, $3::uuid, $4, $5, $6::uuid, $7::jsonb, $8::jsonb)
            """, [caller.tenantID!, effective, caller.kind == .user ? caller.subjectID : nil, action, resource, id,
                  before.map { PGJSON($0) }, after.map { PGJSON($0) }])
    }

    /// Serialises structural changes of one tenant's trees (unit moves and merges, reporting
    /// lines) until the transaction ends, so two racing moves cannot build a cycle between them:
    /// the second sees the first's result and is refused.
    package static func lockTree(_ connection: PGConnection, _ caller: Caller, _ tree: String) async throws {
        _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                                       ["orgd.\(tree).\(caller.tenantID!)"])
    }
}
