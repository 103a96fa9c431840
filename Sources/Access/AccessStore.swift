// The access area's questions that span its tables (ladder, roles, grants, users and keys), for
// the other areas and for the answers that look at the whole tenant. Every function runs inside
// the caller's transaction, whose tenant row-level security has already set; each table's own
// statements are in its store (GrantStore, RoleStore, LadderStore, Tenancy's UserStore).

import App
import Policy
import Postgres

package enum AccessStore {
    /// The grants held by one user or API key.
    package static func grants(of subject: String, _ connection: PGConnection) async throws -> [StoredGrant] {
        try await GrantStore.of(subject, connection)
    }

    /// The tenant's ladder and restructuring rule; the standard ladder if none is stored.
    package static func ladder(_ connection: PGConnection) async throws -> (GradeLadder, RestructureRule) {
        try await LadderStore.current(connection)
    }

    /// Serialises changes to one tenant's access (grants, roles, ladder) for the rest of the
    /// transaction, so that two revocations cannot each count the other administrator and leave none.
    package static func lockTenantAccess(_ connection: PGConnection) async throws {
        _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtext('orgd_access:' || orgd_current_tenant()::text))" as PGQuery)
    }

    /// Tells every orgd instance to drop the tenant's cached callers at commit. The triggers of
    /// sql/0006 do this for updates and deletes; this covers inserts they do not watch.
    package static func notifyAccessChanged(_ connection: PGConnection) async throws {
        _ = try await connection.query("SELECT pg_notify('orgd_access', orgd_current_tenant()::text)" as PGQuery)
    }

    /// True when the database has the relation (`positions`) — the org chart arrives in later migrations.
    package static func relationExists(_ name: String, _ connection: PGConnection) async throws -> Bool {
        try await connection.query("SELECT to_regclass(\(name)) IS NOT NULL" as PGQuery).decodeFirst(Bool.self) ?? false
    }

    /// True when the database has the function, given with its argument types ("orgd_unit_path(uuid)").
    package static func functionExists(_ signature: String, _ connection: PGConnection) async throws -> Bool {
        try await connection.query("SELECT to_regprocedure(\(signature)) IS NOT NULL" as PGQuery).decodeFirst(Bool.self) ?? false
    }
}
