// Sign-in for the browser console: the session token travels in an HttpOnly cookie instead of an
// Authorization header, so no script on the page can read it. A cookie is sent by the browser on
// its own, so a request it authenticates must also prove it was written by the console: a
// state-changing request carries X-CSRF-Token, derived from the session token, which only a page
// that signed in (or read GET /v1/auth/session) knows; and an Origin header, when present, must
// be the server's own. SameSite=Strict already keeps other sites' requests from carrying the
// cookie in current browsers; the token and the Origin check hold where it does not.
//
// The session itself is the one bearer sign-in issues (same table, TTL and revocation): the
// cookie is only another way to present it. Every failure of the proof is 403
// CSRF_TOKEN_INVALID, and is checked before the handler runs, so nothing has changed.

import HTTP

package enum BrowserSession {
    package static let cookieName = "orgd_session"
    package static let csrfHeader = "X-CSRF-Token"

    /// 403 CSRF_TOKEN_INVALID, naming the header that failed and how.
    static func forged(_ field: String, rule: String, _ detail: String) -> Problem {
        Problem(status: 403, code: "CSRF_TOKEN_INVALID", title: "Forbidden", detail: detail, field: field, rule: rule)
    }

    /// The session token of the `orgd_session` cookie when the request is authenticated by it:
    /// nil when an Authorization header is present (a bearer header always wins) or there is no
    /// such cookie. More than one `orgd_session` cookie (one planted for a parent domain beside
    /// ours) is refused as malformed rather than guessed between.
    package static func cookieToken(_ request: HTTPRequest) throws -> String? {
        guard request.headers["Authorization"] == nil else { return nil }
        var found: String?
        for header in request.headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, Authenticator.trimmed(parts[0]) == cookieName else { continue }
                guard found == nil else { throw AuthProblem.malformedCookie }
                found = Authenticator.trimmed(parts[1])
            }
        }
        return found
    }

    /// The CSRF token of a session: base64url(SHA-256(label, token)). Nothing is stored: it can be
    /// computed only from the token, which the browser keeps HttpOnly; the digest kept in the
    /// sessions table is of the token alone, so a reader of the database cannot derive it either.
    package static func csrfToken(for sessionToken: String) -> String {
        Base64URL.encode(Crypto.sha256("orgd-csrf-v1\n" + sessionToken))
    }

    /// Throws CSRF_TOKEN_INVALID unless a cookie-authenticated request is safe (GET, HEAD,
    /// OPTIONS) or carries the session's X-CSRF-Token (compared in constant time) from no origin
    /// or our own.
    package static func checkRequest(_ request: HTTPRequest, sessionToken: String) throws {
        switch request.method {
        case .GET, .HEAD, .OPTIONS: return
        default: break
        }
        try checkOrigin(request)
        let presented = request.headers.values(csrfHeader)
        guard presented.count == 1 else {
            throw forged(csrfHeader, rule: "required", "a \(request.method.rawValue) signed in by the orgd_session cookie needs one X-CSRF-Token header (csrf_token from sign-in or GET /v1/auth/session)")
        }
        guard Crypto.constantTimeEquals(Array(Authenticator.trimmed(presented[0][...]).utf8), Array(csrfToken(for: sessionToken).utf8)) else {
            throw forged(csrfHeader, rule: "session_csrf_token", "X-CSRF-Token is not this session's csrf_token")
        }
    }

    /// Throws CSRF_TOKEN_INVALID when an Origin header is present and does not name the host the
    /// request was sent to (scheme://host[:port] against Host). "null" (a sandboxed frame, a
    /// file:// page) never matches. Behind a proxy, Host must be passed through unchanged.
    package static func checkOrigin(_ request: HTTPRequest) throws {
        guard let origin = request.headers["Origin"] else { return }
        guard let host = request.headers["Host"], let schemeEnd = origin.range(of: "://"),
              origin[schemeEnd.upperBound...].lowercased() == host.lowercased() else {
            throw forged("Origin", rule: "same_origin", "Origin \(origin) is not this server's (\(request.headers["Host"] ?? "no Host header")); the console signs in and changes things only from its own pages")
        }
    }

    /// The cookie that signs a browser in for `maxAge` seconds. Secure when the client's hop was
    /// HTTPS (a trusted proxy said so); over plain HTTP (development on 127.0.0.1) a Secure cookie
    /// would be dropped by the browser.
    package static func setCookie(_ token: String, maxAge: Int, secure: Bool) -> String {
        "\(cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)\(secure ? "; Secure" : "")"
    }

    /// The cookie that signs a browser out: empty, expired now.
    package static func clearCookie(secure: Bool) -> String {
        setCookie("", maxAge: 0, secure: secure)
    }
}
