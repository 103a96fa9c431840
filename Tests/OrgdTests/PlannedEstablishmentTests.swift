// A unit's planned establishment (满额配置 21) over HTTP: a dated, optional, non-negative field of
// units on create, PATCH, import and export, set against the sum of the posts and their holders
// in the headcount report.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("org chart: planned establishment")
struct PlannedEstablishmentTests {
    @Test("regression (issue 9, defect 7): a unit states 满额配置 21, dated like its other fields, refused when negative")
    func field() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("planfield", port: port)
            let center = try org.unit("客服中心", code: "CC", kind: "center", extra: ["planned_establishment": 21])
            #expect(try org.client.get("/v1/units/\(center)").json["planned_establishment"] as? Int == 21)
            let negative = try org.client.post("/v1/units", json: ["name": "x", "code": "X", "kind": "group", "planned_establishment": -1])
            #expect(negative.status == 422)
            #expect(negative.json["field"] as? String == "planned_establishment")
            #expect(try org.client.patch("/v1/units/\(center)", json: ["planned_establishment": -3]).status == 422)

            let later = orgDay(30)
            #expect(try org.client.patch("/v1/units/\(center)", json: ["planned_establishment": 25, "effective_date": later]).status == 200)
            #expect(try org.client.get("/v1/units/\(center)").json["planned_establishment"] as? Int == 21)
            #expect(try org.client.get("/v1/units/\(center)?as_of=\(later)").json["planned_establishment"] as? Int == 25)
            let plain = try org.unit("回访组", code: "FU", kind: "group")
            #expect(try org.client.get("/v1/units/\(plain)").json["planned_establishment"] is NSNull)
        }
    }

    @Test("the headcount report sets the plan against the posts' establishment and the holders")
    func report() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("planreport", port: port)
            let center = try org.unit("客服中心", code: "CC", kind: "center", extra: ["planned_establishment": 21])
            let group = try org.unit("咨询受理组", code: "CC-ASK", kind: "group", parent: center)
            let agents = try org.position("话务员", unit: group, grade: "B+5", headcount: ["kind": "exact", "n": 15])
            _ = try org.position("客户经理", unit: center, grade: "B+3", headcount: ["kind": "exact", "n": 4])
            #expect(try org.assign(try org.person("李一", "A1"), to: agents).status == 201)
            let units = try org.client.get("/v1/units/\(center)/headcount").json["units"] as? [[String: Any]] ?? []
            let plan = try #require(units.first { $0["id"] as? String == center }?["plan"] as? [String: Any])
            #expect(plan["planned"] as? Int == 21)
            #expect(plan["positions"] as? Int == 19)
            #expect(plan["filled"] as? Int == 1)
            #expect(plan["positions_short"] as? Int == 2)
            #expect(plan["filled_short"] as? Int == 20)
            #expect(units.first { $0["id"] as? String == group }?["plan"] is NSNull)
        }
    }

    @Test("the plan is exported and imported: CSV into a fresh tenant, and JSON")
    func roundTrip() async throws {
        try await TestEnvironment.withServer { port in
            let source = try OrgClient.start("planexport", port: port)
            let center = try source.unit("客服中心", code: "CC", kind: "center", extra: ["planned_establishment": 21])
            let file = try source.client.get("/v1/units/\(center)/export?format=csv&resource=units")
            #expect(file.text.contains("planned_establishment"))
            #expect(file.text.contains(",21\r\n"), "\(file.text)")
            #expect(try source.client.get("/v1/units/\(center)/export?format=json").json["unit"]
                .flatMap { ($0 as? [String: Any])?["planned_establishment"] as? Int } == 21)

            let target = try OrgClient.start("planimport", port: port)
            let imported = try target.client.post("/v1/org/import?resource=units", bytes: file.body, type: "text/csv")
            #expect(imported.status == 200, "\(imported.text)")
            #expect(try target.sql("SELECT planned_establishment FROM unit_versions")[0]["planned_establishment"] == "21")
            let json = try target.client.post("/v1/org/import", json: ["units": [["code": "CC", "planned_establishment": 30]]])
            #expect(json.json["changed"] as? Int == 1, "\(json.text)")
            #expect(try target.sql("SELECT planned_establishment FROM unit_versions")[0]["planned_establishment"] == "30")
        }
    }
}
