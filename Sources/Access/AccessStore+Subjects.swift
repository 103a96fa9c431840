// Every user and API key of a tenant with its grants, as stored, for the answers that look at the
// whole tenant at once: who-can, previews, exceeding grants and the last-administrator count.
// Mutations and these reads are rare next to decisions, which never come here (they use the cache).

import App
import Policy
import Postgres

/// A user or API key with its grants as rows, so that it can be rebuilt as a `Principal` under any
/// ladder and with any hypothetical change applied (a preview, a revocation being decided).
package struct SubjectRecord: Sendable {
    package var id: String
    package var kind: Principal.Kind            // .user or .apiKey
    package var label: String                   // login or key name
    package var grade: String?                  // stored grade text; nil for keys and ungraded users
    package var founder: Bool
    package var active: Bool                    // user enabled / key neither revoked nor expired
    package var grants: [AccessStore.GrantRow]
    package var postGrades: [String] = []       // grades of the posts the linked person holds today (users only)

    /// The subject's own and post grades under `ladder` (texts the ladder does not define are passed over).
    package func grades(under ladder: GradeLadder) -> EffectiveGrade {
        EffectiveGrade(account: grade, founder: founder, postGrades: postGrades, ladder: ladder)
    }

    /// The grade the subject's decisions use under `ladder`: the founder's rank, else the higher of
    /// its own grade and its linked person's posts today (see EffectiveGrade); nil when it has neither.
    package func grade(under ladder: GradeLadder) -> Grade? {
        grades(under: ladder).grade
    }

    package func principal(tenant: TenantID, ladder: GradeLadder) -> Principal {
        Principal(tenant: tenant, subject: EntityID(uuid: id) ?? EntityID(0), kind: kind,
                  grade: grade(under: ladder), grants: grants.map { $0.policyGrant(ladder: ladder) })
    }
}

extension AccessStore {
    /// Every user and API key of the caller's tenant, with all their grants and the grades of the
    /// posts linked users hold today: two queries.
    package static func subjects(_ connection: PGConnection) async throws -> [SubjectRecord] {
        let rows = try await connection.query("""
            SELECT u.id::text AS id, 'user' AS kind, u.login AS label, u.grade, u.is_founder, NOT u.disabled AS active,
                   \(EffectiveGrade.postGradesSQL(person: "u.person_id")) AS post_grades
            FROM users u
            UNION ALL
            SELECT id::text, 'api_key', name, NULL, false,
                   revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()), NULL
            FROM api_keys
            ORDER BY 1
            """)
        let grantRows = try await connection.query("""
            SELECT \(grantColumns)
            FROM grants g JOIN roles r ON r.tenant_id = g.tenant_id AND r.id = g.role_id
            ORDER BY g.created_at, g.id
            """).map(grantRow)
        var bySubject: [String: [GrantRow]] = [:]
        for grant in grantRows { bySubject[grant.subjectID, default: []].append(grant) }
        return rows.map { row in
            let id = row.string("id") ?? ""
            return SubjectRecord(id: id, kind: row.string("kind") == "api_key" ? .apiKey : .user,
                                 label: row.string("label") ?? "", grade: row.string("grade"),
                                 founder: row.bool("is_founder") ?? false, active: row.bool("active") ?? false,
                                 grants: bySubject[id] ?? [], postGrades: StoredValues.array(row.string("post_grades")))
        }
    }

    /// How many enabled users hold tenant.admin over the whole tenant through an active grant
    /// (minimum grade met, not expired) — the count the last-administrator rule protects.
    package static func tenantAdminCount(_ subjects: [SubjectRecord], tenant: TenantID, ladder: GradeLadder,
                                         now: Timestamp) -> Int {
        subjects.reduce(0) { count, subject in
            guard subject.kind == .user, subject.active else { return count }
            return count + (subject.principal(tenant: tenant, ladder: ladder).isTenantAdmin(at: now) ? 1 : 0)
        }
    }

    /// Serialises changes to one tenant's access (grants, roles, ladder) for the rest of the
    /// transaction, so that two revocations cannot each count the other administrator and leave none.
    package static func lockTenantAccess(_ connection: PGConnection) async throws {
        _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtext('orgd_access:' || orgd_current_tenant()::text))")
    }

    /// Tells every orgd instance to drop the tenant's cached callers at commit. The triggers of
    /// sql/0006 do this for updates and deletes; this covers inserts they do not watch.
    package static func notifyAccessChanged(_ connection: PGConnection) async throws {
        _ = try await connection.query("SELECT pg_notify('orgd_access', orgd_current_tenant()::text)")
    }

    /// True when the database has the relation (`positions`) — the org chart arrives in later migrations.
    package static func relationExists(_ name: String, _ connection: PGConnection) async throws -> Bool {
        try await connection.query("SELECT to_regclass($1) IS NOT NULL AS present", [name]).bool(0, "present") ?? false
    }

    /// True when the database has the function, given with its argument types ("orgd_unit_path(uuid)").
    package static func functionExists(_ signature: String, _ connection: PGConnection) async throws -> Bool {
        try await connection.query("SELECT to_regprocedure($1) IS NOT NULL AS present", [signature]).bool(0, "present") ?? false
    }
}
