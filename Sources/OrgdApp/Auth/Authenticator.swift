// From `Authorization: Bearer …` to a Caller: the loop's cache first, the database on a miss.
// A user's grade is its effective grade: its own or its linked person's highest post today.
// Every failure is a 401 (or 403 for a suspended tenant) with a stable code; none says whether
// a tenant, user or key exists.

import Foundation
import HTTP
import Policy
import Postgres

enum Authenticator {
    static func authenticate(_ request: HTTPRequest, _ resources: LoopResources) async throws -> Caller {
        guard let header = request.headers["Authorization"] else {
            throw AuthProblem.missing
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let credential = Credential.parse(bearer: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw AuthProblem.malformed
        }
        let now = Int64(UTCClock.seconds())
        if let cached = resources.callers.lookup(credential.digest, now: now) { return cached }
        let generation = CallerCache.currentGeneration
        let caller = try await load(credential, resources.pool, now: now)
        resources.callers.store(caller, digest: credential.digest, now: now, loadedSince: generation)
        return caller
    }

    private static func load(_ credential: Credential, _ pool: PGPool, now: Int64) async throws -> Caller {
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
        var id: String
        var login: String?
        var sessionID: String?
        var grade: String?
        var founder: Bool
        var expiresAt: Int64
        var postGrades: [String] = []   // grades of the posts the linked person holds today
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
                           postGrades: AccessStore.parseArray(row.string("post_grades")))
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

/// Authentication failures, each with its stable code.
enum AuthProblem {
    static let missing = Problem(status: 401, code: "AUTH_MISSING", title: "Unauthorized",
                                 detail: "this endpoint needs an Authorization: Bearer header with a token or API key")
    static let malformed = Problem(status: 401, code: "AUTH_MALFORMED", title: "Unauthorized",
                                   detail: "the Authorization header is not a Bearer orgd token or key")
    static let invalid = Problem(status: 401, code: "AUTH_INVALID", title: "Unauthorized",
                                 detail: "the token or key is unknown, expired or revoked")
    static let tenantSuspended = Problem(status: 403, code: "TENANT_SUSPENDED", title: "Forbidden",
                                         detail: "this tenant is suspended; its data is kept but no requests are served")
    static let badCredentials = Problem(status: 401, code: "AUTH_BAD_CREDENTIALS", title: "Unauthorized",
                                        detail: "the tenant, login or password is wrong")
    static let platformOnly = Problem(status: 403, code: "PLATFORM_KEY_REQUIRED", title: "Forbidden",
                                      detail: "this endpoint is for platform operators and needs a platform key")
    static let tenantOnly = Problem(status: 403, code: "TENANT_CREDENTIAL_REQUIRED", title: "Forbidden",
                                    detail: "this endpoint needs a user token or API key of a tenant")
}
