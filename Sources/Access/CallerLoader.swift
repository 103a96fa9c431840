// Loads the Caller behind a checked credential: the tenant's status, the user or key, its
// effective grade (its own or its linked person's highest post today), the ladder and grants.
// The kernel's Authenticator calls it on a cache miss; it lives here because grades and grants do.

import App
import Policy
import Postgres
import Tenancy

package enum CallerLoader {
    package static func load(_ credential: Credential, _ pool: PGPool) async throws -> Caller {
        switch credential.kind {
        case .platform:
            let found: String?? = try await pool.query("""
                SELECT id::text FROM orgd_platform_key(\("\\x" + credential.digest.hex)::bytea)
                """ as PGQuery).decodeFirst(String?.self)
            guard let id = found ?? nil, let subject = EntityID(uuid: id) else { throw AuthProblem.invalid }
            return Caller(kind: .platform, tenantID: nil, subjectID: id, login: nil, sessionID: nil,
                          principal: .platform(subject: subject), grades: EffectiveGrade(account: nil, post: nil), ladder: .standard,
                          restructure: RestructureRule(ladder: .standard), expiresAt: .max)
        case .session, .apiKey:
            let tenantID = credential.tenantID!
            return try await pool.transaction(tenant: tenantID) { connection in
                guard let tenantStatus = try await TenantStore.status(connection, id: tenantID) else { throw AuthProblem.invalid }
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
        var id: String
        var login: String?
        var sessionID: String?
        var grade: String?
        var founder: Bool
        var expiresAt: Int64
        var postGrades: [String] = []   // grades of the posts the linked person holds today
    }

    private static func loadSubject(_ credential: Credential, _ connection: PGConnection) async throws -> Subject {
        if credential.kind == .session {
            guard let session = try await SessionStore.holder(connection, digest: credential.digest) else { throw AuthProblem.invalid }
            return Subject(id: session.userID, login: session.login, sessionID: session.sessionID, grade: session.grade,
                           founder: session.founder, expiresAt: session.expiresAt, postGrades: session.postGrades)
        }
        guard let key = try await APIKeyStore.live(connection, digest: credential.digest) else { throw AuthProblem.invalid }
        return Subject(id: key.id, login: nil, sessionID: nil, grade: nil, founder: false, expiresAt: key.expiresAt)
    }
}
