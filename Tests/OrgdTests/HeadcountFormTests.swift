// Headcount forms over HTTP: POST and PATCH /v1/positions take the same written forms as the
// import ("1-3", "N", "1/region", "7名"), and "at least n" (2名以上, board members) is expressible
// as "2+" or {"min": 2}: no cap on appointments, vacant below n in the vacancy list and the
// headcount report, and it survives an export and re-import.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("org chart: headcount forms and at-least headcounts")
struct HeadcountFormTests {
    @Test("regression (issue 9, defect 7): positions take the import's headcount texts, and 2+ / {min: 2} mean at least two")
    func writtenForms() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("hcforms", port: port)
            let board = try org.unit("董事会", code: "BOARD", kind: "board")
            let cases: [(Any, [String: Any])] = [
                ("1-3", ["kind": "range", "min": 1, "max": 3]),
                ("N", ["kind": "unbounded"]),
                ("7名", ["kind": "exact", "n": 7]),
                ("1/region", ["kind": "per_region", "n": 1]),
                ("2+", ["kind": "range", "min": 2]),
                ("2名以上", ["kind": "range", "min": 2]),
                (["min": 2], ["kind": "range", "min": 2]),
                (["kind": "range", "min": 2], ["kind": "range", "min": 2]),
            ]
            for (index, (given, expected)) in cases.enumerated() {
                let created = try org.client.post("/v1/positions", json: ["title": "董事\(index)", "unit_id": board, "headcount": given])
                #expect(created.status == 201, "\(given): \(created.text)")
                let headcount = created.json["headcount"] as? [String: Any] ?? [:]
                #expect(headcount["kind"] as? String == expected["kind"] as? String, "\(given)")
                for key in ["n", "min", "max"] { #expect(headcount[key] as? Int == expected[key] as? Int, "\(given) \(key)") }
            }
            let bad = try org.client.post("/v1/positions", json: ["title": "x", "unit_id": board, "headcount": "many"])
            #expect(bad.status == 422)
            #expect(bad.json["field"] as? String == "headcount")
            #expect(bad.json["rule"] as? String == "format")
            let inverted = try org.client.post("/v1/positions", json: ["title": "x", "unit_id": board, "headcount": "3-1"])
            #expect(inverted.json["rule"] as? String == "not_below_min")

            let member = try org.position("董事", unit: board, grade: "A+2", headcount: ["kind": "exact", "n": 1])
            let patched = try org.client.patch("/v1/positions/\(member)", json: ["headcount": "2+"])
            #expect(patched.status == 200, "\(patched.text)")
            #expect((patched.json["headcount"] as? [String: Any])?["min"] as? Int == 2)
            #expect(patched.json["establishment"] is NSNull)
        }
    }

    @Test("an at-least-two post takes any number of holders, is vacant below two, and round-trips through the CSV")
    func atLeastTwo() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("hcatleast", port: port)
            let board = try org.unit("董事会", code: "BOARD", kind: "board")
            let member = try org.position("董事", unit: board, grade: "A+2", headcount: ["min": 2])
            #expect(try org.assign(try org.person("张一", "D1"), to: member).status == 201)

            let vacancies = try org.client.get("/v1/org/vacancies").orgItems
            let vacant = try #require(vacancies.first { $0["position_id"] as? String == member })
            #expect(vacant["vacant"] as? Int == 1)
            let report = try org.client.get("/v1/units/\(board)/headcount")
            let own = ((report.json["units"] as? [[String: Any]])?.first?["own"] as? [String: Any]) ?? [:]
            #expect(own["vacant"] as? Int == 1, "\(report.text)")
            #expect(own["unbounded_positions"] as? Int == 1)

            for number in ["D2", "D3"] {
                #expect(try org.assign(try org.person("董事\(number)", number), to: member).status == 201)
            }
            #expect(try org.client.get("/v1/org/vacancies").orgItems.contains { $0["position_id"] as? String == member } == false)

            let file = try org.client.get("/v1/units/\(board)/export?format=csv&resource=positions")
            #expect(file.text.contains(",2+,"), "\(file.text)")
            let again = try org.client.post("/v1/org/import?resource=positions", bytes: file.body, type: "text/csv")
            #expect(again.status == 200, "\(again.text)")
            #expect(again.json["changed"] as? Int == 0)
            let json = try org.client.post("/v1/org/import", json: ["positions": [["unit_code": "BOARD", "title": "监事", "headcount": ["kind": "range", "min": 2]]]])
            #expect(json.status == 200, "\(json.text)")
            #expect(try org.sql("SELECT headcount_min, headcount_max FROM position_versions v WHERE title = '监事'")
                .first.map { [$0["headcount_min"], $0["headcount_max"]] } == ["2", nil])
        }
    }
}
