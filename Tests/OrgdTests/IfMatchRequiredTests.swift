// `Prefer: require-if-match` and the tenant setting require_if_match over HTTP: a client (or a
// whole tenant) that opts in gets 428 PRECONDITION_REQUIRED (and nothing changes) on every update
// that honours If-Match when it forgets the header, while others keep If-Match optional.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("org chart: If-Match required on request")
struct IfMatchRequiredTests {
    static let strict = ["Prefer": "return=representation, require-if-match"]

    @Test("regression (issue 9, defect 7): with Prefer require-if-match, updates without If-Match are 428 and change nothing")
    func requiredWhenPreferred() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("ifmatchreq", port: port)
            let unit = try org.unit("客服部", code: "SVC")
            let position = try org.position("客服专员", unit: unit, grade: "B+5")
            let person = try org.person("陈新", "E1")
            _ = try org.client.post("/v1/unit-kinds", json: ["name": "hub"])
            let changes: [(String, String, [String: Any])] = [
                ("PATCH", "/v1/units/\(unit)", ["name": "客服二部"]),
                ("PATCH", "/v1/positions/\(position)", ["title": "高级客服专员"]),
                ("PATCH", "/v1/people/\(person)", ["name": "陈欣"]),
                ("PATCH", "/v1/unit-kinds/hub", ["label": "枢纽"]),
                ("POST", "/v1/positions/\(position)/archive", [:]),
            ]
            for (method, path, body) in changes {
                let refused = try org.client.request(method, path, body: body, headers: Self.strict)
                #expect(refused.status == 428, "\(method) \(path): \(refused.status) \(refused.text)")
                #expect(refused.json["code"] as? String == "PRECONDITION_REQUIRED")
                #expect(refused.json["field"] as? String == "If-Match")
                #expect(refused.json["current_etag"] as? String == "\"1\"")
                #expect(refused.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            }
            #expect(try org.sql("SELECT revision FROM units")[0]["revision"] == "1")
            #expect(try org.sql("SELECT title FROM position_versions")[0]["title"] == "客服专员")

            var withTag = Self.strict
            withTag["If-Match"] = "\"1\""
            let accepted = try org.client.request("PATCH", "/v1/units/\(unit)", body: ["name": "客服二部"], headers: withTag)
            #expect(accepted.status == 200, "\(accepted.text)")
            #expect(try org.client.request("PATCH", "/v1/units/\(unit)", body: ["name": "客服三部"], headers: withTag).status == 412)
        }
    }

    @Test("the tenant setting require_if_match makes If-Match required for every client; only the board may change it")
    func tenantSetting() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("ifmatchtenant", port: port)
            let unit = try org.unit("客服部", code: "SVC")
            #expect(try org.client.get("/v1/tenant/settings").json["require_if_match"] as? Bool == false)
            let hr = try org.user("hr", grade: "B+3", role: "Administrator")
            #expect(try hr.patch("/v1/tenant/settings", json: ["require_if_match": true]).status == 403)
            let set = try org.client.patch("/v1/tenant/settings", json: ["require_if_match": true])
            #expect(set.status == 200, "\(set.text)")
            #expect(set.json["require_if_match"] as? Bool == true)

            let refused = try hr.patch("/v1/units/\(unit)", json: ["name": "客服二部"])
            #expect(refused.status == 428, "\(refused.text)")
            #expect(refused.json["code"] as? String == "PRECONDITION_REQUIRED")
            #expect(try hr.request("PATCH", "/v1/units/\(unit)", body: ["name": "客服二部"], headers: ["If-Match": "\"1\""]).status == 200)
            #expect(try org.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'tenant.settings.update'")[0]["n"] == "1")
            // The import changes many records in one request: it has no If-Match to require.
            let file = "code,name\r\nSVC,客服三部\r\n"
            let imported = try org.client.post("/v1/org/import?resource=units", bytes: Array(file.utf8), type: "text/csv")
            #expect(imported.json["changed"] as? Int == 1, "\(imported.text)")

            #expect(try org.client.patch("/v1/tenant/settings", json: ["require_if_match": false]).status == 200)
            #expect(try hr.patch("/v1/units/\(unit)", json: ["name": "客服四部"]).status == 200)
        }
    }

    @Test("without the preference If-Match stays optional")
    func optionalOtherwise() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("ifmatchopt", port: port)
            let unit = try org.unit("客服部", code: "SVC")
            #expect(try org.client.request("PATCH", "/v1/units/\(unit)", body: ["name": "客服二部"],
                                           headers: ["Prefer": "return=minimal"]).status == 200)
            #expect(ETag.requiresIfMatch("Require-If-Match; strict"))
            #expect(!ETag.requiresIfMatch("require-if-matches"))
            #expect(!ETag.requiresIfMatch(nil))
        }
    }
}
