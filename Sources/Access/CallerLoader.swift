// Loads the Caller behind a checked credential: the tenant's status, the user or key, its
// effective grade (its own or its linked person's highest post today), the ladder and grants.
// The kernel's Authenticator calls it on a cache miss; it lives here because grades and grants do.

import App
import Policy
import Postgres

package enum CallerLoader {
    package static func load(_ credential: Credential, _ pool: PGPool) async throws -> Caller {
        let digest = "\\x" + credential.digest.hex
        switch credential.kind {
        case .platform:
            let result = try await pool.query("SELECT id::text AS id FROM orgd_platform_key($1::bytea)", [digest])
            guard let id = result.string(0, "id"), let subject = EntityID(uuid: id) else { throw AuthProblem.invalid }
            return Caller(kind: .platform, tenantID: nil, subjectID: id, login: nil, sessionID: nil,
                          principal: .platform(subject: subject), grades: EffectiveGrade(account: nil, post: nil), ladder: .standard,
                          restructure: RestructureRule(ladder: .standard), expiresAt: .max)
        case .session, .apiKey:
            let tenantID = credential.tenantID!
            return try await pool.transaction(tenant: tenantID) { connection in
                let status = try await connection.query("SELECT orgd_tenant_status($1::uuid) AS status", [tenantID])
                guard let tenantStatus = status.string(0, "status") else { throw AuthProblem.invalid }
                let subject = try await loadSubject(credential, connection)
                guard tenantStatus == "active" else { throw AuthProblem.tenantSuspended }
                let (ladder, restructure) = try await AccessStore.ladder(connection)
                let grants = try await AccessStore.grants(of: subject.id, connection)
                let grades = EffectiveGrade(account: subject.grade, founder: subject.founder,
                                            postGrades: subject.postGrades, ladder: ladder)
                let principal = Principal(tenant: EntityID(uuid: tenantID)!, subject: EntityID(uuid: subject.id)!,
                                          kind: credential.kind == .session ? .user : .apiKey,
                                          grade: grades.grade, grants: grants.map { $0.policyGrant(ladder: ladder) })
                return Caller(kind: credential.kind == .session ? .user : .apiKey, tenantID: tenantID,
                              subjectID: subject.id, login: subject.login, sessionID: subject.sessionID,
                              principal: principal, grades: grades, ladder: ladder, restructure: restructure,
                              expiresAt: subject.expiresAt)
            }
        }
    }

    private struct Subject {
        package var id: String
        package var login: String?
        package var sessionID: String?
        package var grade: String?
        package var founder: Bool
        package var expiresAt: Int64
        package var postGrades: [String] = []   // grades of the posts the linked person holds today
    }

    private static func loadSubject(_ credential: Credential, _ connection: PGConnection) async throws -> Subject {
        let digest = "\\x" + credential.digest.hex
        if credential.kind == .session {
            let rows = try await connection.query("""
                SELECT s.id::text AS session_id, u.id::text AS user_id, u.login, u.grade, u.is_founder,
                       extract(epoch FROM s.expires_at)::bigint AS expires,
                       \(EffectiveGrade.postGradesSQL(person: "u.person_id")) AS post_grades
                FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
                WHERE s.digest = $1::bytea AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled
                """, [digest])
            guard let row = rows.first, let id = row.string("user_id") else { throw AuthProblem.invalid }
            return Subject(id: id, login: row.string("login"), sessionID: row.string("session_id"), grade: row.string("grade"),
                           founder: row.bool("is_founder") ?? false, expiresAt: Int64(row.int("expires") ?? 0),
                           postGrades: StoredValues.array(row.string("post_grades")))
        }
        let rows = try await connection.query("""
            SELECT k.id::text AS key_id, coalesce(extract(epoch FROM k.expires_at)::bigint, 9223372036854775807) AS expires
            FROM api_keys k
            WHERE k.digest = $1::bytea AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
            """, [digest])
        guard let row = rows.first, let id = row.string("key_id") else { throw AuthProblem.invalid }
        return Subject(id: id, login: nil, sessionID: nil, grade: nil, founder: false,
                       expiresAt: Int64(row.string("expires") ?? "0") ?? 0)
    }
}
