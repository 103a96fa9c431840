// The serving-role check: row-level security keeps tenants apart only if the role orgd serves as
// is subject to it. A superuser or a BYPASSRLS role skips every policy, and the owner of a table
// can switch its policies off, so orgd refuses to serve as such a role, and refuses a schema in
// which a tenant table (one with a tenant_id column) lacks ENABLE and FORCE ROW LEVEL SECURITY.
// It runs on every new pooled connection (PGPool's connection check) and so also at start-up,
// where a refusal stops `orgd serve` with a non-zero exit. `orgd migrate` and the admin commands
// use the owner's URL and never run it.

import Postgres

package enum ServingRoleCheck {
    /// One row, read by position in `problems`: the role, its two bypasses, the tenant tables it owns (directly or through a role
    /// it belongs to) and the tenant tables without enabled and forced row-level security.
    package static let sql = """
        WITH tenant_tables AS (
            SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name, c.relowner,
                   c.relrowsecurity AND c.relforcerowsecurity AS protected
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_%'
              AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                                                      AND a.attnum > 0 AND NOT a.attisdropped))
        SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls,
               (SELECT string_agg(t.name, ', ' ORDER BY t.name) FROM tenant_tables t
                WHERE pg_has_role(r.oid, t.relowner, 'MEMBER')) AS owned,
               (SELECT string_agg(t.name, ', ' ORDER BY t.name) FROM tenant_tables t WHERE NOT t.protected) AS unprotected
        FROM pg_roles r WHERE r.rolname = current_user
        """

    /// What is unsafe about serving on `connection`, one phrase each; empty when it is safe.
    package static func problems(_ connection: PGConnection) async throws(PGError) -> [String] {
        let result = try await connection.query(sql)
        let found: (String?, Bool?, Bool?, String?, String?)?
        do {
            found = try result.decodeFirst(String?.self, Bool?.self, Bool?.self, String?.self, String?.self)
        } catch {
            throw PGError(kind: .protocolError, message: "the serving-role check's row: \(error)")
        }
        guard let (name, superuser, bypassRLS, owned, unprotected) = found else { return ["the current role is not in pg_roles"] }
        let role = name ?? "?"
        var problems: [String] = []
        if superuser == true { problems.append("role \(role) is a superuser") }
        if bypassRLS == true { problems.append("role \(role) has BYPASSRLS") }
        if let owned { problems.append("role \(role) owns tenant tables (\(owned))") }
        if let unprotected {
            problems.append("row-level security is not enabled and forced on \(unprotected)")
        }
        return problems
    }

    /// Throws `.refused` naming every problem and the fix; returns when serving is safe.
    @Sendable package static func verify(_ connection: PGConnection) async throws(PGError) {
        let found = try await problems(connection)
        guard !found.isEmpty else { return }
        throw PGError(kind: .refused, message: message(found))
    }

    package static func message(_ problems: [String]) -> String {
        "refusing to serve: row-level security would not keep tenants apart: " + problems.joined(separator: "; ")
            + ". Serve as orgd_app (NOSUPERUSER NOBYPASSRLS, owning nothing) with --database-url and migrate as"
            + " orgd_owner with --admin-database-url: see deploy/README.md, \"Roles and database\""
    }
}
