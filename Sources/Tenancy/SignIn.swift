// POST /v1/auth/login and the session endpoints. Sign-in answers the same 401 for an unknown
// tenant, an unknown login, a disabled user and a wrong password, and spends the same scrypt
// time on each (an unknown login is checked against a decoy hash). Failures are throttled per
// account and per client address across every orgd instance (the table sign_in_failures).

import App
import Foundation
import HTTP
import Policy
import Postgres

package enum SignIn {
    package static let window = 60               // seconds

    /// How many failures per window an account and a client address may have before sign-in
    /// answers 429 (the sixth wrong password within a minute, by default).
    package struct Limits: Sendable {
        package init(account: Int = 5, client: Int = 30) {
            self.account = account
            self.client = client
        }

        package var account = 5
        package var client = 30
    }

    package struct LoginBody: Decodable {
        package var tenant: String
        package var login: String
        package var password: String
    }

    package static func login(_ context: RequestContext, tokenTTL: Int, limits: Limits) async throws -> HTTPResponse {
        let body = try context.body(LoginBody.self)
        guard !body.login.isEmpty else { throw Problem.invalid("login", rule: "required", "login must not be empty") }
        let accountKey = Crypto.sha256("account:\(body.tenant.lowercased()):\(body.login.lowercased())").hex
        let clientKey = Crypto.sha256("client:\(context.request.clientAddress)").hex
        try await throttle(context, keys: [(accountKey, limits.account), (clientKey, limits.client)])

        let tenant = try await context.pool.query("SELECT id::text AS id, status FROM orgd_tenant_by_slug($1)", [body.tenant])
        let tenantID = tenant.string(0, "id")
        var user: PGRow?
        if let tenantID {
            user = try await context.pool.transaction(tenant: tenantID) { connection in
                try await connection.query("""
                    SELECT id::text AS id, login, display_name, password_hash, disabled
                    FROM users WHERE lower(login) = lower($1)
                    """, [body.login]).first
            }
        }
        let stored = user?.string("password_hash") ?? PasswordHasher.decoy
        let password = body.password
        let matches = await HashingPool.shared.run { PasswordHasher().verify(password, against: stored) }
        guard let tenantID, let user, matches, user.bool("disabled") == false else {
            try await recordFailure(context, keys: [accountKey, clientKey], tenantID: tenantID, userID: user?.string("id"))
            throw AuthProblem.badCredentials
        }
        guard tenant.string(0, "status") == "active" else { throw AuthProblem.tenantSuspended }

        let userID = user.string("id")!
        let issued = Credential.issue(.session, tenantID: tenantID)
        let expires = try await context.pool.transaction(tenant: tenantID) { connection in
            let row = try await connection.query("""
                INSERT INTO sessions (tenant_id, user_id, digest, expires_at, client_addr)
                VALUES ($1::uuid, $2::uuid, $3::bytea, now() + make_interval(secs => $4), $5)
                RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires
                """, [tenantID, userID, "\\x" + issued.digest.hex, tokenTTL, context.request.clientAddress])
            _ = try await connection.query("DELETE FROM sign_in_failures WHERE throttle_key = $1", [accountKey])
            try await Audit.record(connection, context, nil, action: "auth.login", resource: "user", id: userID, tenantID: tenantID)
            return row.string(0, "expires") ?? ""
        }
        return JSONResponse.make { json in
            json.beginObject()
            json.field("token", issued.text)
            json.field("token_type", "Bearer")
            json.field("expires_at", expires)
            json.key("user"); json.beginObject()
            json.field("id", userID)
            json.field("login", user.string("login"))
            json.field("display_name", user.string("display_name"))
            json.endObject()
            json.key("tenant"); json.beginObject()
            json.field("id", tenantID)
            json.field("slug", body.tenant)
            json.endObject()
            json.endObject()
        }
    }

    /// 429 with Retry-After when any key has reached its limit in the window.
    private static func throttle(_ context: RequestContext, keys: [(String, Int)]) async throws {
        let rows = try await context.pool.query("""
            SELECT throttle_key, count(*) AS failures,
                   ceil(extract(epoch FROM min(failed_at) + make_interval(secs => $2) - now()))::int AS retry
            FROM sign_in_failures
            WHERE throttle_key = ANY($1::text[]) AND failed_at > now() - make_interval(secs => $2)
            GROUP BY throttle_key
            """, [keys.map(\.0), window])
        for row in rows {
            let limit = keys.first { $0.0 == row.string("throttle_key") }?.1 ?? 0
            if (row.int("failures") ?? 0) >= limit {
                var problem = Problem(status: 429, code: "AUTH_THROTTLED", title: "Too Many Requests",
                                      detail: "too many failed sign-ins; wait before trying again")
                problem.extra = [("retry_after", .number(Double(max(1, row.int("retry") ?? window))))]
                throw ThrottledResponse(problem: problem, retryAfter: max(1, row.int("retry") ?? window))
            }
        }
    }

    private static func recordFailure(_ context: RequestContext, keys: [String], tenantID: String?, userID: String?) async throws {
        _ = try await context.pool.query("INSERT INTO sign_in_failures (throttle_key) SELECT unnest($1::text[])", [keys])
        _ = try await context.pool.query("DELETE FROM sign_in_failures WHERE failed_at < now() - interval '1 hour'")
        if let tenantID {
            try await context.pool.transaction(tenant: tenantID) { connection in
                try await Audit.record(connection, context, nil, action: "auth.login", resource: "user", id: userID,
                                       outcome: "failed", tenantID: tenantID)
            }
        }
    }

    package static func logout(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        guard let session = caller.sessionID else {
            throw Problem.conflict("NOT_A_SESSION", "only a session token can be logged out; revoke an API key instead")
        }
        try await context.transaction(caller) { connection in
            _ = try await connection.query("UPDATE sessions SET revoked_at = now() WHERE id = $1::uuid AND revoked_at IS NULL", [session])
            try await Audit.record(connection, context, caller, action: "auth.logout", resource: "session", id: session)
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return JSONResponse.noContent
    }

    package static func logoutAll(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        guard caller.kind == .user else {
            throw Problem.conflict("NOT_A_SESSION", "only a user signs out everywhere; revoke an API key instead")
        }
        try await context.transaction(caller) { connection in
            _ = try await connection.query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1::uuid AND revoked_at IS NULL", [caller.subjectID])
            try await Audit.record(connection, context, caller, action: "auth.logout_all", resource: "user", id: caller.subjectID)
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return JSONResponse.noContent
    }

    package static func session(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.authenticate()
        return JSONResponse.make { json in
            json.beginObject()
            json.field("kind", caller.kind.rawValue)
            json.field("tenant_id", caller.tenantID)
            json.field("subject_id", caller.subjectID)
            json.field("login", caller.login)
            json.field("grade", caller.principal.grade.map { $0 == .founder ? "founder" : caller.ladder.name(of: $0) })
            json.endObject()
        }
    }
}

/// A problem that also sets Retry-After.
