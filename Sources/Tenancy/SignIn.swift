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
        package var cookie: Bool?          // true: sign a browser in with the orgd_session cookie
    }

    /// Signs in. Hand-written, not a declared Endpoint: it is not authenticated (it issues the
    /// credential) and it spans several transactions — the throttle, the lookup under the
    /// tenant's row-level security, the failure record, and the session with its audit row.
    package static func login(_ context: RequestContext, tokenTTL: Int, limits: Limits) async throws -> HTTPResponse {
        let body = try context.body(LoginBody.self)
        guard !body.login.isEmpty else { throw Problem.invalid("login", rule: "required", "login must not be empty") }
        let browser = body.cookie == true
        // Another site's page must not sign a browser in (to an account of the attacker's choosing).
        if browser { try BrowserSession.checkOrigin(context.request) }
        let accountKey = Crypto.sha256("account:\(body.tenant.lowercased()):\(body.login.lowercased())").hex
        let clientKey = Crypto.sha256("client:\(context.request.clientAddress)").hex
        try await throttle(context, keys: [(accountKey, limits.account), (clientKey, limits.client)])

        let tenant = try await TenantStore.bySlug(context.pool, body.tenant)
        var user: SignInAccount?
        if let tenant {
            user = try await context.pool.transaction(tenant: tenant.id) { connection in
                try await UserStore.signInAccount(connection, login: body.login)
            }
        }
        let stored = user?.passwordHash ?? PasswordHasher.decoy
        let password = body.password
        let matches = await HashingPool.shared.run { PasswordHasher().verify(password, against: stored) }
        guard let tenant, let user, matches, !user.disabled else {
            try await recordFailure(context, keys: [accountKey, clientKey], tenantID: tenant?.id, userID: user?.id)
            throw AuthProblem.badCredentials
        }
        guard tenant.status == "active" else { throw AuthProblem.tenantSuspended }

        let issued = Credential.issue(.session, tenantID: tenant.id)
        let expires = try await context.pool.transaction(tenant: tenant.id) { connection in
            let expires = try await SessionStore.create(connection, tenant: tenant.id, user: user.id, digest: issued.digest,
                                                        ttl: tokenTTL, clientAddress: context.request.clientAddress)
            try await SignInFailureStore.clear(connection, key: accountKey)
            try await Audit.record(connection, context, nil, action: "auth.login", resource: "user", id: user.id, tenantID: tenant.id)
            return expires
        }
        var response = JSONResponse.make { json in
            json.beginObject()
            if browser {
                json.field("csrf_token", BrowserSession.csrfToken(for: issued.text))
            } else {
                json.field("token", issued.text)
                json.field("token_type", "Bearer")
            }
            json.field("expires_at", expires)
            json.key("user"); json.beginObject()
            json.field("id", user.id)
            json.field("login", user.login)
            json.field("display_name", user.displayName)
            json.endObject()
            json.key("tenant"); json.beginObject()
            json.field("id", tenant.id)
            json.field("slug", body.tenant)
            json.endObject()
            json.endObject()
        }
        if browser {
            // The token goes only into the HttpOnly cookie: no script on the page ever holds it.
            response.headers.add("Set-Cookie", BrowserSession.setCookie(issued.text, maxAge: tokenTTL, secure: context.request.overHTTPS))
        }
        return response
    }

    /// 429 with Retry-After when any key has reached its limit in the window.
    private static func throttle(_ context: RequestContext, keys: [(String, Int)]) async throws {
        for row in try await SignInFailureStore.recent(context.pool, keys: keys.map(\.0), window: window) {
            let limit = keys.first { $0.0 == row.key }?.1 ?? 0
            if row.failures >= limit {
                let retry = max(1, row.retry ?? window)
                var problem = Problem(status: 429, code: "AUTH_THROTTLED", title: "Too Many Requests",
                                      detail: "too many failed sign-ins; wait before trying again")
                problem.extra = [("retry_after", .number(Double(retry)))]
                throw ThrottledResponse(problem: problem, retryAfter: retry)
            }
        }
    }

    private static func recordFailure(_ context: RequestContext, keys: [String], tenantID: String?, userID: String?) async throws {
        try await SignInFailureStore.record(context.pool, keys: keys)
        if let tenantID {
            try await context.pool.transaction(tenant: tenantID) { connection in
                try await Audit.record(connection, context, nil, action: "auth.login", resource: "user", id: userID,
                                       outcome: "failed", tenantID: tenantID)
            }
        }
    }

    // Logging out and reading one's session are self-service: no policy decision is taken, so
    // they are not declared Endpoints (a declared endpoint always decides an action).

    package static func logout(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        guard let session = caller.sessionID else {
            throw Problem.conflict("NOT_A_SESSION", "only a session token can be logged out; revoke an API key instead")
        }
        try await context.transaction(caller) { connection in
            try await SessionStore.revoke(connection, id: session)
            try await Audit.record(connection, context, caller, action: "auth.logout", resource: "session", id: session)
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return try signedOut(context)
    }

    package static func logoutAll(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        guard caller.kind == .user else {
            throw Problem.conflict("NOT_A_SESSION", "only a user signs out everywhere; revoke an API key instead")
        }
        try await context.transaction(caller) { connection in
            try await SessionStore.revokeAll(connection, user: caller.subjectID)
            try await Audit.record(connection, context, caller, action: "auth.logout_all", resource: "user", id: caller.subjectID)
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return try signedOut(context)
    }

    /// 204; a browser that signed out by its cookie is also told to drop it.
    private static func signedOut(_ context: RequestContext) throws -> HTTPResponse {
        var response = JSONResponse.noContent
        if try BrowserSession.cookieToken(context.request) != nil {
            response.headers.add("Set-Cookie", BrowserSession.clearCookie(secure: context.request.overHTTPS))
        }
        return response
    }

    package static func session(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.authenticate()
        // A console page that was reloaded has lost its CSRF token; it may read it again here.
        let cookieToken = try BrowserSession.cookieToken(context.request)
        return JSONResponse.make { json in
            json.beginObject()
            if let cookieToken { json.field("csrf_token", BrowserSession.csrfToken(for: cookieToken)) }
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
