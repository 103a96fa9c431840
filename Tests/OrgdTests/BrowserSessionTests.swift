// Signing a browser in with the orgd_session cookie (BrowserSession) against a live orgd and a
// real Postgres: the cookie's attributes, the CSRF token and Origin check on every change, and
// that bearer requests behave exactly as before.

import Foundation
import HTTP
@testable import OrgdApp
import Testing

@Suite("browser sessions")
struct BrowserSessionTests {
    /// A browser: sends the cookie it was given (and the CSRF token and Origin it is told to),
    /// the way the console's fetch calls do.
    struct Browser {
        let port: Int
        var cookie: String
        var csrf: String?

        func request(_ method: String, _ path: String, body: Any? = nil, headers: [String: String] = [:]) throws -> RawResponse {
            var headers = headers
            headers["Cookie"] = headers["Cookie"] ?? "theme=dark; orgd_session=\(cookie)"
            if let csrf, headers["X-CSRF-Token"] == nil { headers["X-CSRF-Token"] = csrf }
            return try HTTPClient(port: port).request(method, path, body: body, headers: headers)
        }
    }

    static let ttl = 3_600

    /// Signs the tenant's administrator in with `"cookie": true`.
    static func signIn(_ tenant: TestTenant, port: Int, headers: [String: String] = [:]) throws -> (RawResponse, Browser) {
        let response = try HTTPClient(port: port).request("POST", "/v1/auth/login", body: [
            "tenant": tenant.slug, "login": tenant.adminLogin, "password": tenant.adminPassword, "cookie": true,
        ], headers: headers)
        let setCookie = response.header("Set-Cookie") ?? ""
        let value = setCookie.split(separator: ";").first.map { String($0.dropFirst("orgd_session=".count)) } ?? ""
        return (response, Browser(port: port, cookie: value, csrf: response.json["csrf_token"] as? String))
    }

    static func withServer(_ adjust: @escaping (inout Configuration) -> Void = { _ in },
                           _ body: (Int) async throws -> Void) async throws {
        try await TestEnvironment.withServer({ configuration in
            configuration.tokenTTLSeconds = ttl
            adjust(&configuration)
        }, body)
    }

    static func unit(_ code: String) -> [String: Any] { ["name": "客服中心 \(code)", "code": code, "kind": "department"] }

    static func unitCodes(_ port: Int, token: String) throws -> [String] {
        let list = try HTTPClient(port: port, token: token).get("/v1/units?limit=200")
        return (list.json["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test("cookie sign-in sets an HttpOnly, SameSite=Strict cookie and answers the CSRF token, not the session token")
    func signInSetsCookie() async throws {
        let tenant = try TestTenant.create("cookie")
        try await Self.withServer { port in
            let (response, browser) = try Self.signIn(tenant, port: port)
            #expect(response.status == 200)
            let setCookie = try #require(response.header("Set-Cookie"))
            #expect(setCookie == "orgd_session=\(browser.cookie); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Self.ttl)")
            #expect(browser.cookie.hasPrefix("orgd_u_"))
            #expect(response.json["token"] == nil && response.json["token_type"] == nil)
            #expect(!response.text.contains(browser.cookie))
            let csrf = try #require(browser.csrf)
            #expect(csrf.utf8.count == 43 && csrf != browser.cookie)
            #expect(response.json["expires_at"] is String)
            #expect((response.json["user"] as? [String: Any])?["login"] as? String == tenant.adminLogin)
            #expect((response.json["tenant"] as? [String: Any])?["slug"] as? String == tenant.slug)

            // The cookie is an ordinary session: it reads, and the session endpoint gives the token again.
            let session = try browser.request("GET", "/v1/auth/session")
            #expect(session.status == 200)
            #expect(session.json["csrf_token"] as? String == csrf)
            #expect(session.json["login"] as? String == tenant.adminLogin)
            #expect(try browser.request("GET", "/v1/units").status == 200)
            // Two sign-ins are two sessions with two CSRF tokens.
            let (_, other) = try Self.signIn(tenant, port: port)
            #expect(other.cookie != browser.cookie && other.csrf != csrf)
        }
    }

    @Test("the cookie is Secure when a trusted proxy says the client came over HTTPS, and only then")
    func secureBehindProxy() async throws {
        let tenant = try TestTenant.create("secure")
        try await Self.withServer({ $0.trustedProxies = try! TrustedProxies(parsing: "127.0.0.1") }) { port in
            let (https, _) = try Self.signIn(tenant, port: port, headers: ["X-Forwarded-Proto": "https"])
            #expect(https.header("Set-Cookie")?.hasSuffix("; Secure") == true, "\(https.header("Set-Cookie") ?? "")")
            let (plain, _) = try Self.signIn(tenant, port: port, headers: ["X-Forwarded-Proto": "http"])
            #expect(plain.header("Set-Cookie")?.contains("Secure") == false)
        }
        try await Self.withServer { port in
            // Not a trusted proxy: the header is the client's own word.
            let (direct, _) = try Self.signIn(tenant, port: port, headers: ["X-Forwarded-Proto": "https"])
            #expect(direct.header("Set-Cookie")?.contains("Secure") == false)
        }
    }

    @Test("a change by cookie needs the session's X-CSRF-Token: missing or wrong is 403 and changes nothing")
    func csrfToken() async throws {
        let tenant = try TestTenant.create("csrf")
        try await Self.withServer { port in
            let admin = try tenant.login(port: port)
            var (_, browser) = try Self.signIn(tenant, port: port)
            let csrf = try #require(browser.csrf)

            browser.csrf = nil
            let missing = try browser.request("POST", "/v1/units", body: Self.unit("NOCSRF"))
            #expect(missing.status == 403)
            #expect(missing.header("Content-Type") == "application/problem+json")
            #expect(missing.json["code"] as? String == "CSRF_TOKEN_INVALID")
            #expect(missing.json["field"] as? String == "X-CSRF-Token")

            browser.csrf = String(csrf.reversed())
            let wrong = try browser.request("POST", "/v1/units", body: Self.unit("WRONGCSRF"))
            #expect(wrong.status == 403)
            #expect(wrong.json["code"] as? String == "CSRF_TOKEN_INVALID")

            // Another session's token is not this one's.
            let (_, other) = try Self.signIn(tenant, port: port)
            browser.csrf = other.csrf
            #expect(try browser.request("POST", "/v1/units", body: Self.unit("OTHERCSRF")).status == 403)
            browser.csrf = nil
            #expect(try browser.request("DELETE", "/v1/api-keys/\(UUID().uuidString.lowercased())").json["code"] as? String == "CSRF_TOKEN_INVALID")

            let codes = try Self.unitCodes(port, token: admin)
            #expect(!codes.contains("NOCSRF") && !codes.contains("WRONGCSRF") && !codes.contains("OTHERCSRF"), "\(codes)")

            browser.csrf = csrf
            let created = try browser.request("POST", "/v1/units", body: Self.unit("WITHCSRF"))
            #expect(created.status == 201, "\(created.text)")
            #expect(try Self.unitCodes(port, token: admin).contains("WITHCSRF"))
        }
    }

    @Test("a change by cookie from a foreign Origin is 403 even with the right token; the server's own Origin is fine")
    func origin() async throws {
        let tenant = try TestTenant.create("origin")
        try await Self.withServer { port in
            let admin = try tenant.login(port: port)
            let (_, browser) = try Self.signIn(tenant, port: port)
            for origin in ["http://evil.example", "null", "http://test.evil.example", "https://test:8443"] {
                let foreign = try browser.request("POST", "/v1/units", body: Self.unit("FOREIGN"), headers: ["Origin": origin])
                #expect(foreign.status == 403, "\(origin)")
                #expect(foreign.json["code"] as? String == "CSRF_TOKEN_INVALID", "\(origin)")
                #expect(foreign.json["field"] as? String == "Origin", "\(origin)")
            }
            #expect(try !Self.unitCodes(port, token: admin).contains("FOREIGN"))
            // HTTPClient sends Host: test.
            let own = try browser.request("POST", "/v1/units", body: Self.unit("OWNORIGIN"), headers: ["Origin": "http://test"])
            #expect(own.status == 201, "\(own.text)")
            // A read needs neither token nor origin.
            #expect(try browser.request("GET", "/v1/units", headers: ["Origin": "http://evil.example", "X-CSRF-Token": "x"]).status == 200)

            // Nor may another site sign a browser in; a bearer sign-in is unchanged.
            let (planted, _) = try Self.signIn(tenant, port: port, headers: ["Origin": "http://evil.example"])
            #expect(planted.status == 403)
            #expect(planted.json["code"] as? String == "CSRF_TOKEN_INVALID")
            #expect(planted.header("Set-Cookie") == nil)
            let bearer = try HTTPClient(port: port).request("POST", "/v1/auth/login", body: [
                "tenant": tenant.slug, "login": tenant.adminLogin, "password": tenant.adminPassword,
            ], headers: ["Origin": "http://evil.example"])
            #expect(bearer.status == 200)
            #expect(bearer.json["token"] is String)
            #expect(bearer.header("Set-Cookie") == nil)
        }
    }

    @Test("a bearer header always wins: cookies change nothing for API clients")
    func bearerWins() async throws {
        let tenant = try TestTenant.create("bearer")
        try await Self.withServer { port in
            let admin = try tenant.login(port: port)
            let (_, browser) = try Self.signIn(tenant, port: port)
            // Bearer with the console's cookie beside it: no CSRF token needed.
            let created = try HTTPClient(port: port, token: admin).request("POST", "/v1/units", body: Self.unit("BEARER"),
                                                                          headers: ["Cookie": "orgd_session=\(browser.cookie)"])
            #expect(created.status == 201, "\(created.text)")
            // A bad bearer is not rescued by a good cookie.
            let bad = try HTTPClient(port: port, token: "orgd_u_nonsense").request("GET", "/v1/units",
                                                                                   headers: ["Cookie": "orgd_session=\(browser.cookie)"])
            #expect(bad.status == 401)
            #expect(bad.json["code"] as? String == "AUTH_MALFORMED")
            // The session endpoint by bearer has no csrf_token; logout by bearer sets no cookie.
            let session = try HTTPClient(port: port, token: admin).request("GET", "/v1/auth/session",
                                                                          headers: ["Cookie": "orgd_session=\(browser.cookie)"])
            #expect(session.status == 200)
            #expect(session.json["csrf_token"] == nil)
            let logout = try HTTPClient(port: port, token: admin).post("/v1/auth/logout")
            #expect(logout.status == 204)
            #expect(logout.header("Set-Cookie") == nil)
            // …and revoked only the bearer session.
            #expect(try browser.request("GET", "/v1/units").status == 200)
        }
    }

    @Test("only one well-formed session token is accepted as the cookie")
    func malformedCookies() async throws {
        let tenant = try TestTenant.create("badcookie")
        try await Self.withServer { port in
            let (_, browser) = try Self.signIn(tenant, port: port)
            let key = try HTTPClient(port: port, token: try tenant.login(port: port)).post("/v1/api-keys", json: ["name": "robot"])
            let apiKey = try #require(key.json["key"] as? String, "\(key.text)")
            for cookie in ["orgd_session=nonsense", "orgd_session=\(apiKey)",
                           "orgd_session=\(browser.cookie); orgd_session=\(browser.cookie)"] {
                let response = try browser.request("GET", "/v1/units", headers: ["Cookie": cookie])
                #expect(response.status == 401, "\(cookie)")
                #expect(response.json["code"] as? String == "AUTH_MALFORMED", "\(cookie)")
            }
            let none = try browser.request("GET", "/v1/units", headers: ["Cookie": "theme=dark"])
            #expect(none.json["code"] as? String == "AUTH_MISSING")
        }
    }

    @Test("logout by cookie revokes the session and clears the cookie; the old cookie is then 401")
    func logout() async throws {
        let tenant = try TestTenant.create("cookieout")
        try await Self.withServer { port in
            let (_, browser) = try Self.signIn(tenant, port: port)
            #expect(try browser.request("POST", "/v1/auth/logout", headers: ["X-CSRF-Token": "forged"]).status == 403)
            #expect(try browser.request("GET", "/v1/units").status == 200, "a refused logout changes nothing")
            let logout = try browser.request("POST", "/v1/auth/logout")
            #expect(logout.status == 204)
            #expect(logout.header("Set-Cookie") == "orgd_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
            let after = try browser.request("GET", "/v1/auth/session")
            #expect(after.status == 401)
            #expect(after.json["code"] as? String == "AUTH_INVALID")
            // Revoked is 401 whatever the request carries, not a CSRF refusal.
            #expect(try browser.request("POST", "/v1/units", body: Self.unit("AFTERLOGOUT")).json["code"] as? String == "AUTH_INVALID")
        }
    }

    @Test("a session revoked elsewhere (logout-all by bearer) stops its cookie: 401")
    func revokedElsewhere() async throws {
        let tenant = try TestTenant.create("revoked")
        try await Self.withServer { port in
            let (_, browser) = try Self.signIn(tenant, port: port)
            #expect(try browser.request("GET", "/v1/units").status == 200)
            let admin = try tenant.login(port: port)
            let all = try HTTPClient(port: port, token: admin).post("/v1/auth/logout-all")
            #expect(all.status == 204)
            #expect(all.header("Set-Cookie") == nil)
            let after = try browser.request("GET", "/v1/units")
            #expect(after.status == 401)
            #expect(after.json["code"] as? String == "AUTH_INVALID")
        }
    }
}
