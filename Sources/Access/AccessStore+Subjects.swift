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
    package var grants: [StoredGrant]
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
            SELECT u.id::text, 'user', u.login, u.grade, u.is_founder, NOT u.disabled,
                   \(unescaped: PGQuery(unsafeSQL: EffectiveGrade.postGradesSQL(person: "u.person_id")))
            FROM users u
            UNION ALL
            SELECT id::text, 'api_key', name, NULL, false,
                   revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()), NULL
            FROM api_keys
            ORDER BY 1
            """).decode(String.self, String.self, String.self, String?.self, Bool.self, Bool.self, String?.self)
        var bySubject: [String: [StoredGrant]] = [:]
        for grant in try await GrantStore.all(connection) { bySubject[grant.subjectID, default: []].append(grant) }
        return rows.map { id, kind, label, grade, founder, active, postGrades in
            SubjectRecord(id: id, kind: kind == "api_key" ? .apiKey : .user, label: label, grade: grade, founder: founder,
                          active: active, grants: bySubject[id] ?? [], postGrades: StoredValues.array(postGrades))
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
}
