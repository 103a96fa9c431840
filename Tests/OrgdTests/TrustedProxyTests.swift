// Behind a load balancer: whose address orgd throttles and audits, over HTTP against a real
// Postgres. The balancer is played by the test client on 127.0.0.1.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("behind a load balancer")
struct TrustedProxyTests {
    /// A client address of the benchmarking range 198.18.0.0/15, new for each run, so that failures
    /// a previous run left in the (shared) throttle table do not count.
    static func freshAddress() -> String { "198.18.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))" }

    @Test("a trusted proxy's X-Forwarded-For names the client: offices are throttled apart and audited by address")
    func trustedProxy() async throws {
        let tenant = try TestTenant.create("proxy")
        let office = Self.freshAddress()
        var other = Self.freshAddress()
        while other == office { other = Self.freshAddress() }
        try await TestEnvironment.withServer({ configuration in
            configuration.trustedProxies = try! TrustedProxies(parsing: "127.0.0.1, 10.0.0.0/8")
            configuration.signInClientLimit = 3
        }) { port in
            let balancer = HTTPClient(port: port)
            func signIn(from client: String, login: String, password: String = "wrong-password-1") throws -> RawResponse {
                // What the client sent first is not believed; the balancer appended the client's
                // address, and an inner proxy (10.1.2.3) its own.
                try balancer.request("POST", "/v1/auth/login", body: ["tenant": tenant.slug, "login": login, "password": password],
                                     headers: ["X-Forwarded-For": "192.0.2.99, \(client), 10.1.2.3"])
            }
            // Distinct unknown logins keep under the per-account limit: only the client's counts.
            for index in 0..<3 { #expect(try signIn(from: office, login: "nobody-\(index)").status == 401) }
            let fourth = try signIn(from: office, login: "nobody-3")
            #expect(fourth.status == 429)
            #expect(fourth.json["code"] as? String == "AUTH_THROTTLED")
            // Another office behind the same balancer signs in as usual, and is audited by its address.
            let welcome = try signIn(from: other, login: tenant.adminLogin, password: tenant.adminPassword)
            #expect(welcome.status == 200)
            let token = try #require(welcome.json["token"] as? String)
            let audit = try HTTPClient(port: port, token: token).get("/v1/audit?action=auth.login")
            let addresses = (audit.json["items"] as? [[String: Any]] ?? []).compactMap { $0["client_addr"] as? String }
            #expect(addresses.contains(other), "\(addresses)")
            #expect(!addresses.contains("127.0.0.1"), "\(addresses)")
        }
    }

    @Test("without trusted proxies X-Forwarded-For is ignored: a client cannot pick its address")
    func untrustedPeer() async throws {
        let tenant = try TestTenant.create("noproxy")
        try await TestEnvironment.withServer { port in
            let welcome = try HTTPClient(port: port).request(
                "POST", "/v1/auth/login", body: ["tenant": tenant.slug, "login": tenant.adminLogin, "password": tenant.adminPassword],
                headers: ["X-Forwarded-For": "203.0.113.9"])
            #expect(welcome.status == 200)
            let token = try #require(welcome.json["token"] as? String)
            let audit = try HTTPClient(port: port, token: token).get("/v1/audit?action=auth.login")
            let addresses = (audit.json["items"] as? [[String: Any]] ?? []).compactMap { $0["client_addr"] as? String }
            #expect(addresses == ["127.0.0.1"], "\(addresses)")
        }
    }
}
