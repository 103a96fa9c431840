// Tenants, sign-in, users, API keys, the audit log and isolation, over HTTP against a real
// Postgres.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Postgres
import Testing

@Suite("tenancy and sign-in")
struct TenancyTests {
    @Test("an administrator signs in with the setup secret and sees their session")
    func signIn() async throws {
        let tenant = try TestTenant.create("signin")
        try await TestEnvironment.withServer { port in
            let token = try tenant.login(port: port)
            #expect(token.hasPrefix("orgd_u_"))
            let session = try HTTPClient(port: port, token: token).get("/v1/auth/session")
            #expect(session.status == 200)
            #expect(session.json["login"] as? String == "admin")
            #expect(session.json["tenant_id"] as? String == tenant.id)
        }
    }

    @Test("wrong password, unknown user and unknown tenant get the same 401")
    func badCredentials() async throws {
        let tenant = try TestTenant.create("badcred")
        try await TestEnvironment.withServer { port in
            let client = HTTPClient(port: port)
            let attempts: [[String: String]] = [
                ["tenant": tenant.slug, "login": "admin", "password": "not-the-password"],
                ["tenant": tenant.slug, "login": "nobody", "password": "not-the-password"],
                ["tenant": "no-such-tenant-\(UUID().uuidString.prefix(6).lowercased())", "login": "admin", "password": "x-password-1"],
            ]
            var bodies: Set<String> = []
            for attempt in attempts {
                let response = try client.post("/v1/auth/login", json: attempt)
                #expect(response.status == 401)
                #expect(response.json["code"] as? String == "AUTH_BAD_CREDENTIALS")
                bodies.insert(response.json["detail"] as? String ?? "")
            }
            #expect(bodies.count == 1)
        }
    }

    @Test("the sixth wrong password within a minute for one account gets 429 with Retry-After")
    func throttling() async throws {
        let tenant = try TestTenant.create("throttle")
        try await TestEnvironment.withServer { port in
            let client = HTTPClient(port: port)
            for _ in 0..<5 {
                let response = try client.post("/v1/auth/login", json: ["tenant": tenant.slug, "login": "admin", "password": "wrong-password"])
                #expect(response.status == 401)
            }
            let sixth = try client.post("/v1/auth/login", json: ["tenant": tenant.slug, "login": "admin", "password": tenant.adminPassword])
            #expect(sixth.status == 429)
            #expect(Int(sixth.header("Retry-After") ?? "") ?? 0 > 0)
            #expect(sixth.json["code"] as? String == "AUTH_THROTTLED")
        }
    }

    @Test("missing, malformed, garbled and revoked tokens are refused with stable codes")
    func tokenRefusals() async throws {
        let tenant = try TestTenant.create("tokens")
        try await TestEnvironment.withServer { port in
            #expect(try HTTPClient(port: port).get("/v1/users").json["code"] as? String == "AUTH_MISSING")
            #expect(try HTTPClient(port: port, token: "nonsense").get("/v1/users").json["code"] as? String == "AUTH_MALFORMED")
            let token = try tenant.login(port: port)
            var garbled = Array(token)
            garbled[garbled.count - 1] = garbled[garbled.count - 1] == "A" ? "B" : "A"
            let garbledResponse = try HTTPClient(port: port, token: String(garbled)).get("/v1/users")
            #expect(garbledResponse.status == 401)
            #expect(garbledResponse.json["code"] as? String == "AUTH_INVALID")
            let client = HTTPClient(port: port, token: token)
            #expect(try client.get("/v1/users").status == 200)
            #expect(try client.post("/v1/auth/logout").status == 204)
            #expect(try client.get("/v1/users").json["code"] as? String == "AUTH_INVALID")
        }
    }

    @Test("users: create, read, update, disable revokes sessions, enable; logins are unique per tenant")
    func users() async throws {
        let tenant = try TestTenant.create("users")
        try await TestEnvironment.withServer { port in
            let admin = HTTPClient(port: port, token: try tenant.login(port: port))
            let created = try admin.post("/v1/users", json: ["login": "li.xiaoxian", "display_name": "李晓贤", "password": "correct horse battery", "grade": "B+3"])
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["display_name"] as? String == "李晓贤")
            let id = try #require(created.json["id"] as? String)
            #expect(try admin.post("/v1/users", json: ["login": "LI.XIAOXIAN", "display_name": "x"]).status == 409)
            let bad = try admin.post("/v1/users", json: ["login": "wu", "display_name": "吴翠婷", "grade": "Z9"])
            #expect(bad.status == 422)
            #expect(bad.json["field"] as? String == "grade")
            #expect(try admin.get("/v1/users/\(id)").json["grade"] as? String == "B+3")
            #expect(try admin.patch("/v1/users/\(id)", json: ["display_name": "李晓贤 (客户经理)"]).status == 200)
            #expect(try admin.get("/v1/users/\(id)").json["grade"] as? String == "B+3")     // absent: unchanged
            #expect(try admin.patch("/v1/users/\(id)", json: ["grade": NSNull()]).json["grade"] is NSNull)
            #expect(try admin.patch("/v1/users/\(id)", json: ["grade": "B+3"]).json["grade"] as? String == "B+3")

            let userToken = try tenant.login(port: port, login: "li.xiaoxian", password: "correct horse battery")
            #expect(try HTTPClient(port: port, token: userToken).get("/v1/auth/session").status == 200)
            #expect(try admin.post("/v1/users/\(id)/disable").status == 200)
            #expect(try HTTPClient(port: port, token: userToken).get("/v1/auth/session").status == 401)
            let relogin = try HTTPClient(port: port).post("/v1/auth/login", json: ["tenant": tenant.slug, "login": "li.xiaoxian", "password": "correct horse battery"])
            #expect(relogin.status == 401)
            #expect(try admin.post("/v1/users/\(id)/enable").status == 200)
            _ = try tenant.login(port: port, login: "li.xiaoxian", password: "correct horse battery")

            let list = try admin.get("/v1/users?limit=1")
            #expect((list.json["items"] as? [Any])?.count == 1)
            #expect(list.json["next_cursor"] is String)
        }
    }

    @Test("a user without tenant.admin cannot create users: 403 with the reason, audited as refused")
    func refusedAndAudited() async throws {
        let tenant = try TestTenant.create("refused")
        try await TestEnvironment.withServer { port in
            let admin = HTTPClient(port: port, token: try tenant.login(port: port))
            #expect(try admin.post("/v1/users", json: ["login": "plain", "display_name": "Plain", "password": "plain-password-1"]).status == 201)
            let plain = HTTPClient(port: port, token: try tenant.login(port: port, login: "plain", password: "plain-password-1"))
            let refused = try plain.post("/v1/users", json: ["login": "other", "display_name": "Other"])
            #expect(refused.status == 403)
            #expect(refused.json["code"] as? String == "PERMISSION_MISSING")
            let audit = try admin.get("/v1/audit?action=user.create")
            let outcomes = (audit.json["items"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
            #expect(outcomes.contains("refused"))
            #expect(outcomes.contains("ok"))
        }
    }

    @Test("API keys are shown once, work as bearer tokens and stop working when revoked")
    func apiKeys() async throws {
        let tenant = try TestTenant.create("keys")
        try await TestEnvironment.withServer { port in
            let admin = HTTPClient(port: port, token: try tenant.login(port: port))
            let created = try admin.post("/v1/api-keys", json: ["name": "erp sync"])
            #expect(created.status == 201)
            let key = try #require(created.json["key"] as? String)
            let id = try #require(created.json["id"] as? String)
            let listed = try admin.get("/v1/api-keys").text
            #expect(!listed.contains(key))
            let keyClient = HTTPClient(port: port, token: key)
            #expect(try keyClient.get("/v1/auth/session").json["kind"] as? String == "api_key")
            #expect(try admin.delete("/v1/api-keys/\(id)").status == 204)
            #expect(try keyClient.get("/v1/auth/session").status == 401)
        }
    }

    @Test("another tenant's user is 404, exactly like a missing one")
    func isolation() async throws {
        let first = try TestTenant.create("iso-a")
        let second = try TestTenant.create("iso-b")
        try await TestEnvironment.withServer { port in
            let a = HTTPClient(port: port, token: try first.login(port: port))
            let b = HTTPClient(port: port, token: try second.login(port: port))
            let created = try b.post("/v1/users", json: ["login": "admin2", "display_name": "B's user"])
            let id = try #require(created.json["id"] as? String)
            let foreign = try a.get("/v1/users/\(id)")
            let missing = try a.get("/v1/users/\(UUID().uuidString.lowercased())")
            #expect(foreign.status == 404)
            #expect(foreign.json["code"] as? String == missing.json["code"] as? String)
            #expect(try a.patch("/v1/users/\(id)", json: ["display_name": "hijack"]).status == 404)
            #expect(try a.post("/v1/users/\(id)/disable").status == 404)
            let listed = try a.get("/v1/users").text
            #expect(!listed.contains(id))
        }
    }

    @Test("the audit log refuses UPDATE and DELETE from the server's role")
    func auditAppendOnly() async throws {
        try TestEnvironment.migrate()
        let url = try TestEnvironment.databaseURL
        for statement in ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
            let (status, output) = try Subprocess.run("/usr/bin/psql", [url, "-v", "ON_ERROR_STOP=1", "-c", statement])
            #expect(status != 0, "\(statement) succeeded")
            #expect(output.contains("permission denied"), "\(output)")
        }
    }

    @Test("a platform key creates, lists, suspends and reactivates tenants")
    func platform() async throws {
        try TestEnvironment.migrate()
        var configuration = Configuration()
        configuration.adminDatabaseURL = try TestEnvironment.adminDatabaseURL
        let issued = Credential.issue(.platform, tenantID: nil)
        let digest = "\\x" + issued.digest.hex
        #expect(AdminCommands.onLoop(configuration) { pool in
            _ = try await pool.transaction { connection in
                _ = try await connection.query("SELECT set_config('orgd.platform', 'on', true)")
                _ = try await connection.query("INSERT INTO platform_keys (name, digest) VALUES ('test', $1::bytea)", [digest])
            }
        } == 0)
        try await TestEnvironment.withServer { port in
            let operator_ = HTTPClient(port: port, token: issued.text)
            let slug = "plat-\(UUID().uuidString.prefix(8).lowercased())"
            let created = try operator_.post("/v1/platform/tenants", json: ["slug": slug, "name": "华南售后服务中心"])
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            let secret = try #require((created.json["administrator"] as? [String: Any])?["setup_secret"] as? String)
            #expect(try operator_.post("/v1/platform/tenants", json: ["slug": slug, "name": "again"]).status == 409)
            let bad = try operator_.post("/v1/platform/tenants", json: ["slug": "Bad Slug", "name": "x"])
            #expect(bad.status == 422)
            #expect(bad.json["field"] as? String == "slug")

            let tenant = TestTenant(id: id, slug: slug, adminLogin: "admin", adminPassword: secret)
            let admin = HTTPClient(port: port, token: try tenant.login(port: port))
            #expect(try admin.get("/v1/users").status == 200)
            #expect(try admin.get("/v1/platform/tenants").json["code"] as? String == "PLATFORM_KEY_REQUIRED")
            #expect(try operator_.get("/v1/users").json["code"] as? String == "TENANT_CREDENTIAL_REQUIRED")

            #expect(try operator_.post("/v1/platform/tenants/\(id)/suspend").json["status"] as? String == "suspended")
            let suspended = try admin.get("/v1/users")
            #expect(suspended.status == 403)
            #expect(suspended.json["code"] as? String == "TENANT_SUSPENDED")
            #expect(try operator_.post("/v1/platform/tenants/\(id)/reactivate").status == 200)
            #expect(try admin.get("/v1/users").status == 200)
            #expect(try operator_.patch("/v1/platform/tenants/\(id)", json: ["name": "华南售后"]).json["name"] as? String == "华南售后")
        }
    }
}
