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
        try await OrgChangeStore.insert(connection, tenant: caller.tenantID!, effective: effective,
                                        actor: caller.kind == .user ? caller.subjectID : nil, action: action, resource: resource,
                                        id: id, before: before, after: after)
    }

    /// A declared endpoint's audit writer for org-chart changes: the audit row and the
    /// org_changes row, effective on `Audited.effective`.
    package static let writer: AuditWriter = { entry, context, caller, connection in
        try await record(connection, context, caller, action: entry.action, resource: entry.resource, id: entry.id ?? "",
                         effective: entry.effective ?? OrgDate.today, before: entry.before, after: entry.after)
    }

    /// Serialises structural changes of one tenant's trees (unit moves and merges, reporting
    /// lines) until the transaction ends, so two racing moves cannot build a cycle between them:
    /// the second sees the first's result and is refused.
    package static func lockTree(_ connection: PGConnection, _ caller: Caller, _ tree: String) async throws {
        let key = "orgd.\(tree).\(caller.tenantID!)"
        _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))" as PGQuery)
    }
}
