// Positions, people and assignments over HTTP against a real Postgres: grades on the ladder,
// headcounts, reporting lines, concurrent posts, private contact fields, refusals by grade.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("org chart: positions, people and assignments")
struct OrgChartPositionTests {
    @Test("an unknown grade, a negative headcount, an inverted range and a field of another kind are refused naming the field; nothing is written")
    func badPositionInput() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("posbad", port: port)
            let unit = try org.unit("客服部", code: "CS")
            let cases: [([String: Any], String, String)] = [
                (["grade": "Z9", "headcount": ["kind": "exact", "n": 1]], "grade", "on_ladder"),
                (["grade": "B+7", "headcount": ["kind": "exact", "n": 1]], "grade", "on_ladder"),
                (["headcount": ["kind": "exact", "n": -1]], "headcount.n", "not_negative"),
                (["headcount": ["kind": "range", "min": 3, "max": 1]], "headcount.max", "not_below_min"),
                (["headcount": ["kind": "range", "min": -2, "max": 1]], "headcount.min", "not_negative"),
                (["headcount": ["kind": "lots"]], "headcount.kind", "one_of"),
                (["headcount": ["kind": "range", "min": 1, "max": 3, "n": -1]], "headcount.n", "not_for_kind"),
                (["headcount": ["kind": "unbounded", "max": 9]], "headcount.max", "not_for_kind"),
                (["headcount": ["kind": "exact", "n": 1], "span_min": 20, "span_max": 15], "span_max", "not_below_min"),
            ]
            for (extra, field, rule) in cases {
                var body: [String: Any] = ["title": "客户经理", "unit_id": unit]
                body.merge(extra) { $1 }
                let response = try org.client.post("/v1/positions", json: body)
                #expect(response.status == 422, "\(extra): \(response.text)")
                #expect(response.json["field"] as? String == field)
                #expect(response.json["rule"] as? String == rule)
            }
            #expect(try org.sql("SELECT count(*) AS n FROM positions")[0]["n"] == "0")
        }
    }

    @Test("headcounts in all four shapes read back with their establishment; one per region counts the regions")
    func headcountShapes() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("poshc", port: port)
            let unit = try org.unit("营销部", code: "MKT")
            let shapes: [([String: Any], Int?)] = [
                (["kind": "exact", "n": 7], 7), (["kind": "range", "min": 1, "max": 3], 3), (["kind": "unbounded"], nil),
            ]
            for (shape, establishment) in shapes {
                let id = try org.position("客服专员", unit: unit, headcount: shape)
                let read = try org.client.get("/v1/positions/\(id)")
                #expect(read.json["establishment"] as? Int == establishment)
                #expect((read.json["headcount"] as? [String: Any])?["kind"] as? String == shape["kind"] as? String)
            }
            for (name, code) in [("华东", "EAST"), ("华南", "SOUTH"), ("华北", "NORTH")] {
                #expect(try org.client.post("/v1/regions", json: ["name": name, "code": code]).status == 201)
            }
            let vice = try org.position("区域副总监", unit: unit, grade: "B+2", headcount: ["kind": "per_region", "n": 1])
            #expect(try org.client.get("/v1/positions/\(vice)").json["establishment"] as? Int == 3)
        }
    }

    @Test("an assignment beyond headcount is refused with 409 naming the position and its headcount; ending never extends")
    func beyondHeadcount() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("hcfull", port: port)
            let unit = try org.unit("客服部", code: "CS")
            let manager = try org.position("客户经理", unit: unit, grade: "B+3", headcount: ["kind": "range", "min": 1, "max": 2])
            #expect(try org.assign(try org.person("李晓贤", "E1"), to: manager).status == 201)
            #expect(try org.assign(try org.person("吴翠婷", "E2"), to: manager).status == 201)
            let third = try org.assign(try org.person("张三", "E3"), to: manager)
            #expect(third.status == 409)
            #expect(third.json["code"] as? String == "HEADCOUNT_EXCEEDED")
            #expect(third.json["position_id"] as? String == manager)
            #expect(third.json["headcount"] as? String == "1-2")
            #expect((third.json["detail"] as? String ?? "").contains("客户经理"))
            #expect(try org.sql("SELECT count(*) AS n FROM assignments")[0]["n"] == "2")
            // A seat freed at a date can be filled after it.
            let items = try org.client.get("/v1/assignments?position_id=\(manager)").orgItems
            let first = try #require(items.first?["id"] as? String)
            #expect(try org.client.post("/v1/assignments/\(first)/end", json: ["end_date": orgDay(10)]).status == 200)
            #expect(try org.assign(try org.person("王五", "E4"), to: manager, start: orgDay(11)).status == 201)
            // Ending again later would extend the first holder into the seat just filled: refused.
            let extend = try org.client.post("/v1/assignments/\(first)/end", json: ["end_date": orgDay(40)])
            #expect(extend.status == 422, "\(extend.text)")
            #expect(extend.json["field"] as? String == "end_date")
            #expect(extend.json["rule"] as? String == "not_after_end")
            #expect(try org.client.get("/v1/assignments/\(first)").json["end_date"] as? String == orgDay(10))
            #expect(try org.client.post("/v1/assignments/\(first)/end", json: ["end_date": orgDay(5)]).status == 200)
        }
    }

    @Test("two overlapping primary posts are refused by the database; a concurrent post (兼任) is accepted")
    func primaryPosts() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("primary", port: port)
            let unit = try org.unit("客服中心", code: "CC", kind: "center")
            let leader = try org.position("组长", unit: unit, grade: "B+4")
            let agent = try org.position("话务员", unit: unit, grade: "B+5", headcount: ["kind": "unbounded"])
            let person = try org.person("梁军", "E9")
            #expect(try org.assign(person, to: agent).status == 201)
            let second = try org.assign(person, to: leader)
            #expect(second.status == 409)
            #expect(second.json["code"] as? String == "PRIMARY_POST_OVERLAP")
            #expect(second.json["field"] as? String == "kind")
            #expect(try org.sql("SELECT count(*) AS n FROM assignments")[0]["n"] == "1")
            #expect(try org.assign(person, to: leader, kind: "concurrent").status == 201)
            let acting = try org.assign(try org.person("代理人", "E10"), to: leader, kind: "acting")
            #expect(acting.status == 422)
            #expect(acting.json["field"] as? String == "end_date")
        }
    }

    @Test("an end date before the start date is refused on create and on end; nothing changes")
    func endBeforeStart() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("endstart", port: port)
            let unit = try org.unit("法务部", code: "LAW")
            let counsel = try org.position("法务专员", unit: unit, grade: "a2", headcount: ["kind": "exact", "n": 2])
            let person = try org.person("赵六", "E5")
            let bad = try org.assign(person, to: counsel, start: orgDay(5), end: orgDay(1))
            #expect(bad.status == 422)
            #expect(bad.json["field"] as? String == "end_date")
            #expect(bad.json["rule"] as? String == "not_before_start")
            let ok = try org.assign(person, to: counsel, start: orgDay(5))
            let id = try #require(ok.json["id"] as? String)
            let badEnd = try org.client.post("/v1/assignments/\(id)/end", json: ["end_date": orgDay(2)])
            #expect(badEnd.status == 422)
            #expect(try org.client.get("/v1/assignments/\(id)").json["end_date"] is NSNull)
        }
    }

    @Test("a reports-to cycle is refused naming reports_to, and the reporting line is unchanged")
    func reportsToCycle() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("cycle", port: port)
            let unit = try org.unit("运营部", code: "OPS")
            let manager = try org.position("运营经理", unit: unit, grade: "B+3")
            let lead = try org.position("话务班长", unit: unit, grade: "B+4", extra: ["reports_to": manager, "span_min": 15, "span_max": 20])
            let agent = try org.position("话务员", unit: unit, grade: "B+5", extra: ["reports_to": lead])
            let refused = try org.client.patch("/v1/positions/\(manager)", json: ["reports_to": agent])
            #expect(refused.status == 422)
            #expect(refused.json["field"] as? String == "reports_to")
            #expect(refused.json["rule"] as? String == "no_cycle")
            #expect(try org.client.get("/v1/positions/\(manager)").json["reports_to"] is NSNull)
        }
    }

    @Test("a B+3 manager cannot create an A2 position: 403 GRADE_NOT_ABOVE_TARGET; a B+5 post is fine")
    func gradeRefusal() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("grade", port: port)
            let unit = try org.unit("客服部", code: "CS")
            let manager = try org.user("manager.b3", grade: "B+3")
            let refused = try manager.post("/v1/positions", json: ["title": "财务总监", "unit_id": unit, "grade": "A2",
                                                                 "headcount": ["kind": "exact", "n": 1]])
            #expect(refused.status == 403)
            #expect(refused.json["code"] as? String == "GRADE_NOT_ABOVE_TARGET")
            let allowed = try manager.post("/v1/positions", json: ["title": "客服专员", "unit_id": unit, "grade": "B+5",
                                                                 "headcount": ["kind": "exact", "n": 3]])
            #expect(allowed.status == 201, "\(allowed.text)")
        }
    }

    @Test("contact fields are shown only with people.read_private; names in Chinese round-trip")
    func privateContact() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("private", port: port)
            let person = try org.person("李晓贤", "E100", contact: ["phone": "13800000000"])
            let full = try org.client.get("/v1/people/\(person)")
            #expect(full.json["name"] as? String == "李晓贤")
            #expect((full.json["contact"] as? [String: Any])?["phone"] as? String == "13800000000")
            let viewer = try org.user("viewer", grade: "B+5", role: "Viewer")
            let limited = try viewer.get("/v1/people/\(person)")
            #expect(limited.status == 200, "\(limited.text)")
            #expect(limited.json["contact"] == nil)
            #expect(limited.json["name"] as? String == "李晓贤")
            #expect(try org.client.post("/v1/people", json: ["name": "x", "employee_no": "E100"]).json["code"] as? String == "EMPLOYEE_NO_TAKEN")
        }
    }
}
