// The grade scenarios end to end over HTTP: authority follows grade, scope and region,
// decided by the policy module and answered with its reason.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("authority follows grade, over HTTP")
struct GradeScenarioTests {
    @Test("a B+3 manager cannot appoint an A2 director: 403 with the rule and the grades compared")
    func managerCannotAppointDirector() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("b3-a2", port: port)
            let office = try org.unit("总裁办公室", code: "PO", kind: "office")
            let director = try org.position("财务总监", unit: office, grade: "A2")
            let person = try org.person("张敏", "E-1001")
            let manager = try org.user("manager.b3", grade: "B+3", role: "HR")
            let refused = try manager.post("/v1/assignments", json: ["person_id": person, "position_id": director, "kind": "primary"])
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.json["code"] as? String == "GRADE_NOT_ABOVE_TARGET")
            let values = refused.json["values"] as? [String: String]
            #expect(values?["actor"] == "B+3")
            #expect(values?["target"] == "A2")
            // Nothing was written, and the refusal is in the audit log with its reason.
            #expect(try org.sql("SELECT count(*) AS n FROM assignments").first?["n"] == "0")
            let audit = try org.client.get("/v1/audit?action=assignment.create")
            let refusal = (audit.json["items"] as? [[String: Any]])?.first { $0["outcome"] as? String == "refused" }
            #expect((refusal?["reason"] as? [String: Any])?["code"] as? String == "GRADE_NOT_ABOVE_TARGET")
        }
    }

    @Test("an A1 president can appoint an a1 manager")
    func presidentAppointsManager() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("a1-a1", port: port)
            let legal = try org.unit("法务部", code: "LEGAL", kind: "department")
            let manager = try org.position("法务经理", unit: legal, grade: "a1")
            let person = try org.person("李律", "E-2001")
            let president = try org.user("president", grade: "A1", role: "HR")
            let appointed = try president.post("/v1/assignments", json: ["person_id": person, "position_id": manager, "kind": "primary"])
            #expect(appointed.status == 201, "\(appointed.text)")
        }
    }

    @Test("only A+ creates a top-level unit")
    func onlyBoardRestructures() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("aplus", port: port)
            let president = try org.user("president.a1", grade: "A1", role: "Administrator")
            let refused = try president.post("/v1/units", json: ["name": "新事业部", "code": "NEW", "kind": "department"])
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.json["code"] as? String == "RESTRUCTURE_REQUIRES_TIER")
            let chairman = try org.user("chairman.aplus1", grade: "A+1", role: "Administrator")
            #expect(try chairman.post("/v1/units", json: ["name": "新事业部", "code": "NEW", "kind": "department"]).status == 201)
        }
    }

    @Test("a vice-director of region East cannot change a position in region West")
    func regionScope() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("east-west", port: port)
            let east = try #require(try org.client.post("/v1/regions", json: ["name": "华东", "code": "EAST"]).json["id"] as? String)
            let west = try #require(try org.client.post("/v1/regions", json: ["name": "华西", "code": "WEST"]).json["id"] as? String)
            let sales = try org.unit("售后服务部", code: "AS", kind: "department")
            let eastOffice = try org.unit("华东驻外办事处", code: "AS-E", kind: "regional_office", parent: sales, extra: ["region_id": east])
            let westOffice = try org.unit("华西驻外办事处", code: "AS-W", kind: "regional_office", parent: sales, extra: ["region_id": west])
            let eastPost = try org.position("维修主管", unit: eastOffice, grade: "B+4")
            let westPost = try org.position("维修主管", unit: westOffice, grade: "B+4")
            // The vice-director of East: B+2 with HR rights over the East region only.
            let created = try org.client.post("/v1/users", json: ["login": "vice.east", "display_name": "华东副总监", "password": "long-enough-password", "grade": "B+2"])
            let userID = try #require(created.json["id"] as? String)
            _ = try OrgSQL.run(tenant: org.tenant.id, """
                INSERT INTO grants (tenant_id, subject_kind, subject_id, role_id, scope_kind, scope_id, scope_path)
                SELECT $1::uuid, 'user', $2::uuid, r.id, 'region', $3::uuid, orgd_region_path($3::uuid)::text[]
                FROM roles r WHERE r.name = 'HR'
                """, [org.tenant.id, userID, east])
            let vice = HTTPClient(port: port, token: try org.tenant.login(port: port, login: "vice.east", password: "long-enough-password"))
            let allowed = try vice.patch("/v1/positions/\(eastPost)", json: ["title": "维修主管 (华东)"])
            #expect(allowed.status == 200, "\(allowed.text)")
            let refused = try vice.patch("/v1/positions/\(westPost)", json: ["title": "维修主管 (华西)"])
            #expect([403, 404].contains(refused.status), "\(refused.text)")
            #expect(refused.json["code"] as? String != nil)
            #expect(try org.client.get("/v1/positions/\(westPost)").json["title"] as? String == "维修主管")
        }
    }
}
