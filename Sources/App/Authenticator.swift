// From `Authorization: Bearer …` (or the console's session cookie) to a Caller: the loop's cache
// first, on a miss the loader the wiring gave the loop's resources (Access's CallerLoader: grades
// and grants live there).
// Every failure is a 401 (or 403 for a suspended tenant) with a stable code; none says whether
// a tenant, user or key exists.

import Foundation
import HTTP
import Policy
import Postgres

package enum Authenticator {
    /// `text` without the white space around it. ASCII text (every well-formed header) is
    /// trimmed of spaces and tabs, the only ASCII characters in `.whitespaces`, without
    /// Foundation's NSString bridge, which cost 7 % of a cached access check's CPU.
    static func trimmed(_ text: Substring) -> String {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return String(text).trimmingCharacters(in: .whitespaces) }
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        return String(text[first...last])
    }

    /// The caller of a request presenting `Authorization: Bearer …` or, without that header, the
    /// browser console's `orgd_session` cookie (BrowserSession), whose state-changing requests
    /// must also prove they came from the console (403 CSRF_TOKEN_INVALID otherwise). The proof
    /// is checked after the session: a revoked or expired cookie is 401 whatever it carries.
    package static func authenticate(_ request: HTTPRequest, _ resources: LoopResources) async throws -> Caller {
        let credential: Credential
        var cookieToken: String?
        if let header = request.headers["Authorization"] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                  let parsed = Credential.parse(bearer: trimmed(parts[1])) else {
                throw AuthProblem.malformed
            }
            credential = parsed
        } else if let token = try BrowserSession.cookieToken(request) {
            guard let parsed = Credential.parse(bearer: token), parsed.kind == .session else { throw AuthProblem.malformedCookie }
            credential = parsed
            cookieToken = token
        } else {
            throw AuthProblem.missing
        }
        let caller = try await caller(credential, resources)
        if let cookieToken { try BrowserSession.checkRequest(request, sessionToken: cookieToken) }
        return caller
    }

    private static func caller(_ credential: Credential, _ resources: LoopResources) async throws -> Caller {
        let now = Timestamp.now.secondsSinceEpoch
        if let cached = resources.callers.lookup(credential.digest, now: now) { return cached }
        let generation = CallerCache.currentGeneration
        let caller = try await resources.loadCaller(credential, resources.pool)
        resources.callers.store(caller, digest: credential.digest, now: now, loadedSince: generation)
        return caller
    }
}

/// Authentication failures, each with its stable code.
package enum AuthProblem {
    package static let missing = Problem(status: 401, code: "AUTH_MISSING", title: "Unauthorized",
                                         detail: "this endpoint needs an Authorization: Bearer header with a token or API key, or the console's session cookie")
    package static let malformed = Problem(status: 401, code: "AUTH_MALFORMED", title: "Unauthorized",
                                           detail: "the Authorization header is not a Bearer orgd token or key")
    package static let malformedCookie = Problem(status: 401, code: "AUTH_MALFORMED", title: "Unauthorized",
                                                 detail: "the orgd_session cookie is not one orgd session token")
    package static let invalid = Problem(status: 401, code: "AUTH_INVALID", title: "Unauthorized",
                                         detail: "the token or key is unknown, expired or revoked")
    package static let tenantSuspended = Problem(status: 403, code: "TENANT_SUSPENDED", title: "Forbidden",
                                                 detail: "this tenant is suspended; its data is kept but no requests are served")
    package static let badCredentials = Problem(status: 401, code: "AUTH_BAD_CREDENTIALS", title: "Unauthorized",
                                                detail: "the tenant, login or password is wrong")
    package static let platformOnly = Problem(status: 403, code: "PLATFORM_KEY_REQUIRED", title: "Forbidden",
                                              detail: "this endpoint is for platform operators and needs a platform key")
    package static let userOnly = Problem(status: 403, code: "USER_REQUIRED", title: "Forbidden",
                                          detail: "this action needs a user's token, not an API key")
    package static let tenantOnly = Problem(status: 403, code: "TENANT_CREDENTIAL_REQUIRED", title: "Forbidden",
                                            detail: "this endpoint needs a user token or API key of a tenant")
}
