// Customer cases over HTTP against a real Postgres: the equipment path from receipt to archive
// with dispatch to the nearest eligible site and a reopen, the forwarded platform path, the
// warranty decision and its tier, bad input with nothing changed, racing agents, regional
// visibility, tenant isolation of every case table, and the case numbers.

import Foundation
import HTTP
@testable import App
import Testing

@Suite("customer cases over HTTP")
struct CaseFlowHTTPTests {
    static let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).year!

    static func steps(_ history: [[String: Any]]) -> [String] { history.compactMap { $0["step"] as? String } }

    @Test("an equipment case goes from receipt to archive: dispatched to the nearest eligible site past a nearer suspended one and one whose only certification expired, reopened once, every step in the history with its actor and note")
    func equipmentCase() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try CaseDesk.start("case-equip", port: port)
            let client = desk.client
            // Nearer than GOOD: 静安 is suspended, 黄浦's only technician's certification lapsed yesterday.
            let suspended = try desk.station("SUSP", at: (31.2290, 121.4480))
            try desk.org.move(suspended, through: ["suspended"])
            let lapsed = try desk.org.site("LAPSED", region: desk.net.shanghai, at: (31.2200, 121.4900), capabilities: ["washer/repair"])
            try desk.org.authorise(lapsed)
            try desk.net.certifiedTechnician(at: lapsed, expires: orgDay(-1))
            let good = try desk.station("GOOD", at: (31.1880, 121.4370))
            let warehouse = try desk.org.site("WH-SH", kind: "parts_warehouse_new", region: desk.net.shanghai)
            let admin = try desk.org.sql("SELECT id::text FROM users WHERE login = $1", [desk.org.tenant.adminLogin])[0]["id"]!

            let photo = ["name": "铭牌.jpg", "size_bytes": 284_113, "sha256": String(repeating: "ab", count: 32)] as [String: Any]
            let id = try desk.open(desk.caseBody(extra: ["attachments": [photo]]))
            let opened = try client.get("/v1/cases/\(id)")
            #expect((opened.json["attachments"] as? [[String: Any]])?.first?["name"] as? String == "铭牌.jpg")
            #expect(opened.json["state"] as? String == "received")
            #expect(opened.json["allowed_steps"] as? [String] == ["classify", "pause"])
            #expect(opened.header("ETag") == "\"1\"")

            var notes: [String: String] = [:]
            func take(_ step: String, _ body: [String: Any]) throws -> [String: Any] {
                if let note = body["note"] as? String ?? body["work_done"] as? String { notes[step] = note }
                return try client.caseStep(id, step, body)
            }
            #expect(try take("classify", ["category": "equipment", "subcategory": "no-power", "note": "设备问题：无法开机"])["state"] as? String
                    == "classified")
            let decided = try take("decide-warranty", ["cause": "non_human", "charge": "free", "note": "电源板故障，保修期内免费"])
            #expect(decided["state"] as? String == "warranty_decided")
            #expect((decided["warranty"] as? [String: Any])?["in_period"] as? Bool == true)
            #expect(try take("notify-owner", ["note": "已告知用户：电源板老化，建议使用稳压插座"])["state"] as? String == "owner_notified")

            // The nearest search for the case's place and capability proposes GOOD, naming why the nearer ones are out.
            let near = try client.get("/v1/network/sites/nearest?latitude=\(CaseDesk.home.latitude)&longitude=\(CaseDesk.home.longitude)"
                                      + "&region_id=\(desk.net.shanghai)&capability=washer/repair&explain=true")
            #expect(near.status == 200, "\(near.text)")
            let proposed = near.orgItems.compactMap { ($0["site"] as? [String: Any])?["id"] as? String }
            #expect(proposed.first == good)
            let excluded = (near.json["excluded"] as? [[String: Any]] ?? []).compactMap { ($0["site"] as? [String: Any])?["id"] as? String }
            #expect(Set(excluded) == [suspended, lapsed])

            // Dispatching to either nearer one is refused naming the reason, and changes nothing.
            let before = try desk.footprint(id)
            for (site, reason) in [(suspended, "status"), (lapsed, "no_certified_technician")] {
                let refused = try client.post("/v1/cases/\(id)/dispatch", json: ["site_id": site, "note": "派最近的站"])
                #expect(refused.status == 422, "\(refused.text)")
                #expect(refused.header("Content-Type") == "application/problem+json")
                #expect(refused.json["field"] as? String == "site_id")
                #expect(refused.json["rule"] as? String == "eligible_site")
                #expect(refused.json["reasons"] as? [String] == [reason])
            }
            #expect(try desk.footprint(id) == before)

            let dispatched = try take("dispatch", ["site_id": proposed[0], "note": "派徐汇站上门"])
            #expect(dispatched["state"] as? String == "dispatched")
            #expect(dispatched["site_id"] as? String == good)
            let reported = try take("site-report", ["work_done": "更换电源板", "parts": [["part": "电源板 PB-100", "quantity": 1, "warehouse_site_id": warehouse]]])
            #expect(reported["state"] as? String == "site_reported")
            #expect(reported["charge_amount"] as? Double == 0, "a free repair carries no charge")
            #expect(try take("resolve", ["note": "站点已修复"])["state"] as? String == "resolved")

            // The customer is not satisfied: back to the site, the reopen counted, once.
            let reopened = try take("follow-up", ["outcome": "unsatisfied", "note": "用户反映仍偶尔无法开机"])
            #expect(reopened["state"] as? String == "dispatched")
            #expect(reopened["reopen_count"] as? Int == 1)
            #expect(reopened["site_id"] as? String == good)
            notes["follow-up#1"] = notes["follow-up"]
            // A site's report is prose: line breaks and more than 200 characters are fine (they used to be refused).
            let report = "1. 更换主控板 MB-7\n2. 通电连续测试 2 小时，无异常\n" + String(repeating: "现场清洁并向用户说明使用注意事项。", count: 12)
            _ = try take("site-report", ["work_done": report, "parts": [["part": "主控板 MB-7", "quantity": 1]]])
            _ = try take("resolve", ["note": "二次上门已修复"])
            let closed = try take("follow-up", ["outcome": "satisfied", "note": "用户满意"])
            #expect(closed["state"] as? String == "closed")
            #expect(closed["satisfied"] as? Bool == true)
            #expect(closed["reopen_count"] as? Int == 1)
            let archived = try take("archive", ["note": "归档"])
            #expect(archived["state"] as? String == "archived")
            #expect(archived["allowed_steps"] as? [String] == [])

            let read = try client.get("/v1/cases/\(id)")
            let history = read.json["history"] as? [[String: Any]] ?? []
            #expect(Self.steps(history) == ["receive", "classify", "decide_warranty", "notify_owner", "dispatch", "site_report", "resolve",
                                            "follow_up", "site_report", "resolve", "follow_up", "archive"])
            #expect(history.allSatisfy { $0["actor_id"] as? String == admin }, "every step names its actor")
            #expect(history.allSatisfy { $0["at"] is String })
            #expect(history.compactMap { $0["to"] as? String } == ["received", "classified", "warranty_decided", "owner_notified", "dispatched",
                                                                    "site_reported", "resolved", "dispatched", "site_reported", "resolved",
                                                                    "closed", "archived"])
            #expect(history.dropFirst().allSatisfy { !($0["note"] as? String ?? "").isEmpty }, "every step after receipt carries its note")
            #expect(history[7]["note"] as? String == notes["follow-up#1"])
            #expect(history[11]["note"] as? String == "归档")
            #expect(history[8]["note"] as? String == report)
            #expect((history[4]["data"] as? [String: Any])?["site_id"] as? String == good)
            // The second report replaced the first's parts.
            #expect(try desk.org.sql("SELECT part FROM case_parts WHERE case_id = $1::uuid", [id]).map { $0["part"] } == ["主控板 MB-7"])
            #expect(read.json["reopen_count"] as? Int == 1)
            #expect(read.json["closed_at"] is String && read.json["resolved_at"] is String)
        }
    }

    @Test("a platform case is forwarded to the department that owns it, which reports back; a satisfied follow-up closes it and it is archived")
    func forwardedPlatformCase() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try CaseDesk.start("case-fwd", port: port)
            let client = desk.client
            let id = try desk.open(desk.caseBody(extra: ["description": "App 登录一直提示密码错误", "channel": "app",
                                                         "product": ["line": "washer"]]))
            let classified = try client.caseStep(id, "classify", ["category": "platform", "subcategory": "app-login"])
            #expect(classified["allowed_steps"] as? [String] == ["solve", "forward", "pause"])
            let forwarded = try client.caseStep(id, "forward", ["unit_id": desk.afterSales, "note": "转售后服务部处理账号问题"])
            #expect(forwarded["state"] as? String == "forwarded")
            #expect(forwarded["unit_id"] as? String == desk.afterSales, "the case now belongs to the department")
            #expect(forwarded["allowed_steps"] as? [String] == ["report", "pause"])
            #expect(try client.caseStep(id, "report", ["note": "已重置账号密码"])["state"] as? String == "resolved")
            let closed = try client.caseStep(id, "follow-up", ["outcome": "satisfied", "note": "用户确认可以登录"])
            #expect(closed["state"] as? String == "closed")
            #expect(closed["reopen_count"] as? Int == 0)
            #expect(try client.caseStep(id, "archive")["state"] as? String == "archived")
            let history = try client.get("/v1/cases/\(id)").json["history"] as? [[String: Any]] ?? []
            #expect(Self.steps(history) == ["receive", "classify", "forward", "report", "follow_up", "archive"])
            #expect((history[2]["data"] as? [String: Any])?["unit_id"] as? String == desk.afterSales)
            #expect(history[3]["note"] as? String == "已重置账号密码")
        }
    }

    @Test("the warranty period is computed from the purchase date and the product line's months; overriding it needs a reason; a free repair of a human fault needs the tenant's tier")
    func warrantyDecision() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try CaseDesk.start("case-warranty", port: port)
            let client = desk.client
            let settings = try client.get("/v1/cases/settings")
            #expect(settings.json["free_repair_tier"] as? String == "A", "the ladder's second tier by default")
            #expect((settings.json["warranties"] as? [[String: Any]])?.first?["months"] as? Int == 12)

            /// A classified equipment case bought on `purchase`.
            func equipment(bought purchase: String) throws -> String {
                var body = desk.caseBody()
                body["product"] = ["line": "washer", "purchase_date": purchase]
                let id = try desk.open(body)
                try client.caseStep(id, "classify", ["category": "equipment"])
                return id
            }
            func computed(_ id: String, _ body: [String: Any] = ["cause": "non_human", "charge": "charged"]) throws -> [String: Any]? {
                try client.caseStep(id, "decide-warranty", body)["warranty"] as? [String: Any]
            }
            // Twelve months to the day after purchase is the first day out of warranty.
            let today = Day.today
            #expect(try computed(equipment(bought: today.adding(months: -12).adding(days: 1).description))?["in_period"] as? Bool == true)
            #expect(try computed(equipment(bought: today.adding(months: -12).description))?["in_period"] as? Bool == false)
            #expect(try computed(equipment(bought: orgDay(-400)))?["in_period_computed"] as? Bool == false)

            // Overriding the computed answer without a reason is refused; with one it is kept beside the computed answer.
            let inPeriod = try equipment(bought: orgDay(-30))
            let before = try desk.footprint(inPeriod)
            let bare = try client.post("/v1/cases/\(inPeriod)/decide-warranty", json: ["in_period": false, "cause": "non_human", "charge": "charged"])
            #expect(bare.status == 422, "\(bare.text)")
            #expect(bare.json["field"] as? String == "override_reason")
            #expect(bare.json["rule"] as? String == "required_to_override")
            let blank = try client.post("/v1/cases/\(inPeriod)/decide-warranty",
                                        json: ["in_period": false, "override_reason": "  ", "cause": "non_human", "charge": "charged"])
            #expect(blank.json["field"] as? String == "override_reason")
            #expect(try desk.footprint(inPeriod) == before)
            let overridden = try computed(inPeriod, ["in_period": false, "override_reason": "机身序列号显示为翻新机", "cause": "non_human", "charge": "charged"])
            #expect(overridden?["in_period"] as? Bool == false)
            #expect(overridden?["in_period_computed"] as? Bool == true)
            #expect(overridden?["override_reason"] as? String == "机身序列号显示为翻新机")

            // A free repair of a human-caused fault: a B+ clerk is below the tenant's tier (A), an A2 manager is in it.
            let clerk = try desk.org.regionalUser("cs.clerk", grade: "B+1", region: nil)
            let manager = try desk.org.regionalUser("as.manager", grade: "A2", region: nil)
            let dropped = try equipment(bought: orgDay(-30))
            let untouched = try desk.footprint(dropped)
            let free = ["cause": "human", "charge": "free", "note": "用户摔落，念其老客户免费维修"]
            let refused = try clerk.post("/v1/cases/\(dropped)/decide-warranty", json: free)
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.json["code"] as? String == "CASE_REQUIRES_TIER")
            #expect((refused.json["values"] as? [String: String])?["required"] == "A")
            #expect(try desk.footprint(dropped) == untouched)
            #expect(try clerk.post("/v1/cases/\(dropped)/decide-warranty", json: ["cause": "human", "charge": "charged"]).status == 200,
                    "a charged repair of a human fault needs no tier")
            let other = try equipment(bought: orgDay(-30))
            let allowed = try manager.caseStep(other, "decide-warranty", free)["warranty"] as? [String: Any]
            #expect(allowed?["cause"] as? String == "human")
            #expect(allowed?["charge"] as? String == "free")
        }
    }

    @Test("bad input is a 4xx problem naming the field and rule (or the state and the allowed steps), and nothing changes")
    func badInput() async throws {
        let stranger = try TestTenant.create("case-stranger")
        try await TestEnvironment.withServer { port in
            let desk = try CaseDesk.start("case-bad", port: port)
            let client = desk.client

            func refused(_ id: String, _ step: String, _ body: [String: Any], status: Int = 422, field: String?, rule: String?,
                         _ comment: String) throws -> RawResponse {
                let before = try desk.footprint(id)
                let response = try client.post("/v1/cases/\(id)/\(step)", json: body)
                #expect(response.status == status, "\(comment): \(response.text)")
                #expect(response.header("Content-Type") == "application/problem+json", "\(comment)")
                if let field { #expect(response.json["field"] as? String == field, "\(comment): \(response.text)") }
                if let rule { #expect(response.json["rule"] as? String == rule, "\(comment): \(response.text)") }
                #expect(try desk.footprint(id) == before, "\(comment): nothing changed")
                return response
            }

            // A follow-up before resolution: 409 naming the state and the steps it allows.
            let early = try desk.open()
            let followUp = try refused(early, "follow-up", ["outcome": "satisfied"], status: 409, field: nil, rule: nil, "follow-up on a received case")
            #expect(followUp.json["code"] as? String == "CASE_STEP_ILLEGAL")
            #expect(followUp.json["state"] as? String == "received")
            #expect(followUp.json["allowed"] as? [String] == ["classify", "pause"])
            try client.caseStep(early, "classify", ["category": "equipment"])
            let classified = try refused(early, "follow-up", ["outcome": "unsatisfied"], status: 409, field: nil, rule: nil, "follow-up on a classified case")
            #expect(classified.json["state"] as? String == "classified")
            #expect(classified.json["allowed"] as? [String] == ["decide_warranty", "pause"])

            // An unknown subcategory, or one of another category.
            let fresh = try desk.open()
            _ = try refused(fresh, "classify", ["category": "equipment", "subcategory": "on-fire"], field: "subcategory", rule: "known_subcategory",
                            "unknown subcategory")
            _ = try refused(fresh, "classify", ["category": "equipment", "subcategory": "app-login"], field: "subcategory", rule: "known_subcategory",
                            "a platform subcategory on an equipment case")
            _ = try refused(fresh, "classify", ["category": "hardware"], field: "category", rule: "category", "unknown category")

            // A warranty decision on a platform issue.
            let platform = try desk.open()
            try client.caseStep(platform, "classify", ["category": "platform"])
            _ = try refused(platform, "decide-warranty", ["cause": "non_human", "charge": "free"], field: "category", rule: "step_category",
                            "warranty on a platform issue")

            // Forwarding to a unit of another tenant, to an archived unit, to no unit.
            let theirs = try HTTPClient(port: port, token: try stranger.login(port: port))
                .post("/v1/units", json: ["name": "他司售后", "code": "X", "kind": "department"]).json["id"] as! String
            _ = try refused(platform, "forward", ["unit_id": theirs], field: "unit_id", rule: "exists", "another tenant's unit")
            let closedDown = try desk.org.unit("旧投诉科", code: "OLD")
            let archiving = try client.post("/v1/units/\(closedDown)/archive", json: [:])
            #expect(archiving.status == 200, "\(archiving.text)")
            _ = try refused(platform, "forward", ["unit_id": closedDown], field: "unit_id", rule: "not_archived", "an archived unit")
            _ = try refused(platform, "forward", ["unit_id": "not-a-uuid"], field: "unit_id", rule: "exists", "a malformed unit id")

            // Dispatch to a suspended or a terminated site.
            let equipment = try desk.open()
            try client.caseStep(equipment, "classify", ["category": "equipment"])
            try client.caseStep(equipment, "decide-warranty", ["cause": "non_human", "charge": "free"])
            try client.caseStep(equipment, "notify-owner", ["note": "已告知"])
            let suspended = try desk.station("SUSP", at: (31.23, 121.45))
            try desk.org.move(suspended, through: ["suspended"])
            let terminated = try desk.station("TERM", at: (31.22, 121.46))
            try desk.org.move(terminated, through: ["terminated"])
            for (site, label) in [(suspended, "suspended"), (terminated, "terminated")] {
                let response = try refused(equipment, "dispatch", ["site_id": site], field: "site_id", rule: "eligible_site", "a \(label) site")
                #expect(response.json["reasons"] as? [String] == ["status"], "\(label)")
            }
            let foreignSite = try refused(equipment, "dispatch", ["site_id": UUID().uuidString.lowercased()], field: "site_id", rule: "exists",
                                          "a site that does not exist")
            #expect(foreignSite.json["code"] as? String == "VALIDATION_FAILED")

            // A purchase date in the future: nothing stored, no number taken.
            let counts = try desk.org.sql("SELECT (SELECT count(*) FROM cases)::text AS cases, (SELECT coalesce(sum(last), 0) FROM case_numbers)::text AS numbers")
            var future = desk.caseBody()
            future["product"] = ["line": "washer", "purchase_date": orgDay(1)]
            let tomorrow = try client.post("/v1/cases", json: future)
            #expect(tomorrow.status == 422, "\(tomorrow.text)")
            #expect(tomorrow.json["field"] as? String == "product.purchase_date")
            #expect(tomorrow.json["rule"] as? String == "not_in_future")
            var unknownLine = desk.caseBody()
            unknownLine["product"] = ["line": "fridge"]
            let fridge = try client.post("/v1/cases", json: unknownLine)
            #expect(fridge.json["field"] as? String == "product.line")
            #expect(fridge.json["rule"] as? String == "known_product_line")
            // Regression: phones the database refuses used to pass the API's check and come back as an unnamed CONSTRAINT_VIOLATED.
            for phone in ["+123", "+ 1234", "12", String(repeating: "1", count: 32)] {
                var body = desk.caseBody()
                body["customer"] = ["name": "张女士", "phone": phone]
                let response = try client.post("/v1/cases", json: body)
                #expect(response.status == 422, "\(phone): \(response.text)")
                #expect(response.json["field"] as? String == "customer.phone", "\(phone): \(response.text)")
                #expect(response.json["rule"] as? String == "phone", "\(phone)")
            }
            #expect(try desk.org.sql("SELECT (SELECT count(*) FROM cases)::text AS cases, (SELECT coalesce(sum(last), 0) FROM case_numbers)::text AS numbers")
                    == counts)
            // Regression: an empty cursor was taken as a case number before every other, answering an empty page.
            for cursor in ["", "cs-2026", String(repeating: "9", count: 41)] {
                let page = try client.get("/v1/cases?cursor=\(cursor)")
                #expect(page.status == 400, "cursor \(cursor): \(page.text)")
                #expect(page.json["field"] as? String == "cursor")
            }
            // Regression: SLA hours under the column's hundredths were stored as 0 and refused by the database, unnamed.
            let settings = try client.request("PUT", "/v1/cases/settings", body: ["sla": [["state": "received", "hours": 0.001]]])
            #expect(settings.status == 422, "\(settings.text)")
            #expect(settings.json["field"] as? String == "sla[0].hours")
            #expect(settings.json["rule"] as? String == "range")
            #expect(try desk.org.sql("SELECT count(*)::text AS n FROM case_sla_rules")[0]["n"] == "0")
            for phone in ["+1234", "1234", "400-800-1004", "+" + String(repeating: "1", count: 31)] {
                var body = desk.caseBody()
                body["customer"] = ["name": "张女士", "phone": phone]
                #expect(try client.post("/v1/cases", json: body).status == 201, "\(phone)")
            }
        }
    }

    @Test("two agents acting on one case with the same If-Match: exactly one wins, the other gets 412, and the history has one event")
    func racingAgents() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try CaseDesk.start("case-race", port: port)
            let second = try desk.org.regionalUser("agent.two", grade: "B+1", region: nil)
            let agents = [desk.client, second]
            for round in 0..<4 {
                let id = try desk.open()
                let etag = try desk.client.get("/v1/cases/\(id)").header("ETag")!
                let statuses = ResultsBox()
                DispatchQueue.concurrentPerform(iterations: 2) { index in
                    let body: [String: Any] = ["category": index == 0 ? "equipment" : "platform", "note": "agent \(index)"]
                    let response = try? agents[index].request("POST", "/v1/cases/\(id)/classify", body: body, headers: ["If-Match": etag])
                    statuses.append(response?.status ?? 0)
                }
                #expect(statuses.sorted == [200, 412], "round \(round): \(statuses.sorted)")
                let events = try desk.org.sql("SELECT step, note FROM case_events WHERE case_id = $1::uuid ORDER BY id", [id])
                #expect(events.map { $0["step"] } == ["receive", "classify"], "round \(round)")
                let row = try desk.org.sql("SELECT revision::text, category FROM cases WHERE id = $1::uuid", [id])[0]
                #expect(row["revision"] == "2")
                #expect(events[1]["note"] == (row["category"] == "equipment" ? "agent 0" : "agent 1"), "the winner's change, whole")
            }
            // Without If-Match the row lock still serialises them: the second finds the case moved on.
            let id = try desk.open()
            try desk.client.caseStep(id, "classify", ["category": "platform"])
            let statuses = ResultsBox()
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let response = try? agents[index].post("/v1/cases/\(id)/forward", json: ["unit_id": desk.afterSales])
                statuses.append(response?.status ?? 0)
            }
            #expect(statuses.sorted == [200, 409], "\(statuses.sorted)")
            #expect(try desk.org.sql("SELECT count(*)::text AS n FROM case_events WHERE case_id = $1::uuid AND step = 'forward'", [id])[0]["n"] == "1")
        }
    }

    @Test("a regional manager sees and handles their region's cases only; a case dispatched to a site becomes visible to the manager of the site's region")
    func regionalVisibility() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try CaseDesk.start("case-region", port: port)
            let east = try desk.org.regionalUser("east.rm", grade: "A2", region: desk.net.east)
            let south = try desk.org.regionalUser("south.rm", grade: "A2", region: desk.net.south)
            let shanghaiCase = try desk.open(desk.caseBody())
            let southCase = try desk.open(desk.caseBody(region: desk.net.south))

            #expect(try east.get("/v1/cases/\(shanghaiCase)").status == 200)
            #expect(try east.caseStep(shanghaiCase, "classify", ["category": "platform"])["state"] as? String == "classified")
            // South's case: not readable by East's manager, so it does not exist for them; a step is refused.
            #expect(try east.get("/v1/cases/\(southCase)").status == 404)
            let before = try desk.footprint(southCase)
            let step = try east.post("/v1/cases/\(southCase)/classify", json: ["category": "equipment"])
            #expect(step.status == 403, "cases.handle somewhere makes cases visible as a kind, so they are told why: \(step.text)")
            #expect(step.json["code"] as? String == "SCOPE_NOT_COVERED")
            #expect(try desk.footprint(southCase) == before)
            #expect(try east.get("/v1/cases").orgItems.compactMap { $0["id"] as? String } == [shanghaiCase])
            #expect(try south.get("/v1/cases").orgItems.compactMap { $0["id"] as? String } == [southCase])

            // South's manager takes their case to a Shanghai station that covers South: East's manager now sees it too.
            let station = try desk.station("SH-COVERS-S", at: (31.2, 121.5), extra: ["covers": [desk.net.south]])
            try south.caseStep(southCase, "classify", ["category": "equipment"])
            try south.caseStep(southCase, "decide-warranty", ["cause": "non_human", "charge": "free"])
            try south.caseStep(southCase, "notify-owner", ["note": "已告知"])
            let dispatched = try south.caseStep(southCase, "dispatch", ["site_id": station])
            #expect(dispatched["site_id"] as? String == station)
            #expect(try east.get("/v1/cases/\(southCase)").status == 200, "the site's region manager sees the case sent there")
            #expect(try east.caseStep(southCase, "site-report", ["work_done": "更换门锁"])["state"] as? String == "site_reported")
            // Regression: dispatch used to move the case out of its customer's region, so South lost it.
            #expect(try south.get("/v1/cases/\(southCase)").status == 200, "the customer's region manager still sees their case")
            #expect(try south.caseStep(southCase, "resolve")["state"] as? String == "resolved")
            #expect(Set(try south.get("/v1/cases").orgItems.compactMap { $0["id"] as? String }) == [southCase])
        }
    }

    @Test("every case table keeps tenants apart: row-level security forced, another tenant's case is 404 on the read and on every step")
    func isolation() async throws {
        try await TestEnvironment.withServer { port in
            let mine = try CaseDesk.start("case-iso-a", port: port)
            let theirs = try CaseDesk.start("case-iso-b", port: port)
            let site = try theirs.station("B1", at: (31.2, 121.5))
            let id = try theirs.open()
            try theirs.client.caseStep(id, "classify", ["category": "equipment"])
            try theirs.client.caseStep(id, "decide-warranty", ["cause": "non_human", "charge": "free"])
            try theirs.client.caseStep(id, "notify-owner", ["note": "已告知"])
            try theirs.client.caseStep(id, "dispatch", ["site_id": site])
            try theirs.client.caseStep(id, "site-report", ["work_done": "修好", "parts": [["part": "门锁", "quantity": 1]]])
            try theirs.client.caseStep(id, "resolve", ["note": "好"])
            let revision = try theirs.footprint(id)

            let client = mine.client
            #expect(try client.get("/v1/cases/\(id)").status == 404)
            let steps: [(String, [String: Any])] = [
                ("classify", ["category": "equipment"]), ("solve", ["note": "x"]), ("guide", ["note": "x"]),
                ("forward", ["unit_id": mine.afterSales]), ("report", ["note": "x"]),
                ("decide-warranty", ["cause": "non_human", "charge": "charged"]), ("notify-owner", ["note": "x"]),
                ("dispatch", ["site_id": site]), ("site-report", ["work_done": "x"]), ("resolve", [:]),
                ("follow-up", ["outcome": "unsatisfied"]), ("archive", [:]), ("pause", ["reason": "parts"]), ("resume", [:]),
            ]
            for (step, body) in steps {
                let response = try client.post("/v1/cases/\(id)/\(step)", json: body)
                #expect(response.status == 404, "\(step): \(response.text)")
                #expect(response.json["code"] as? String == "NOT_FOUND", "\(step)")
            }
            #expect(try client.get("/v1/cases").orgItems.isEmpty)
            #expect(try theirs.footprint(id) == revision)
            // Underneath: forced row-level security on every table, and tenant A's session sees none of B's rows.
            let tables = ["case_settings", "case_subcategories", "product_warranties", "case_sla_rules", "case_numbers", "cases",
                          "case_attachments", "case_events", "case_parts", "case_sla_breaches"]
            for table in tables {
                let flags = try mine.org.sql("SELECT relrowsecurity::text AS on, relforcerowsecurity::text AS forced FROM pg_class WHERE relname = $1", [table])
                #expect(flags.first?["on"] == "true" && flags.first?["forced"] == "true", "\(table)")
                let foreign = try mine.org.sql("SELECT count(*)::text AS n FROM \(table) WHERE tenant_id <> $1::uuid", [mine.org.tenant.id])
                #expect(foreign[0]["n"] == "0", "\(table)")
            }
            #expect(try theirs.org.sql("SELECT count(*)::text AS n FROM case_parts")[0]["n"] == "1")
        }
    }

    @Test("case numbers run CS-YYYY-000001, 000002 in order, stay unique under 20 parallel creations, and take the tenant's prefix")
    func numbers() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try CaseDesk.start("case-numbers", port: port)
            let first = try desk.client.get("/v1/cases/\(try desk.open())").json["number"] as? String
            let second = try desk.client.get("/v1/cases/\(try desk.open())").json["number"] as? String
            #expect(first == "CS-\(Self.year)-000001")
            #expect(second == "CS-\(Self.year)-000002")
            let numbers = StringsBox()
            DispatchQueue.concurrentPerform(iterations: 20) { _ in
                let response = try? desk.client.post("/v1/cases", json: desk.caseBody())
                numbers.append(response?.status == 201 ? response?.json["number"] as? String ?? "" : "status \(response?.status ?? 0)")
            }
            let made = numbers.values
            #expect(made.count == 20 && Set(made).count == 20, "\(made)")
            #expect(Set(made) == Set((3...22).map { "CS-\(Self.year)-0000" + ($0 < 10 ? "0\($0)" : "\($0)") }), "\(made.sorted())")
            let renamed = try desk.client.request("PUT", "/v1/cases/settings", body: ["number_prefix": "SVC"])
            #expect(renamed.status == 200, "\(renamed.text)")
            #expect(try desk.client.get("/v1/cases/\(try desk.open())").json["number"] as? String == "SVC-\(Self.year)-000023")
            let listed = try desk.client.get("/v1/cases?limit=3").orgItems.compactMap { $0["number"] as? String }
            #expect(listed == ["SVC-\(Self.year)-000023", "CS-\(Self.year)-000022", "CS-\(Self.year)-000021"])
            // A tenant's very first cases racing each other: the year's counter row is created once.
            let fresh = try CaseDesk.start("case-numbers-fresh", port: port)
            let firsts = StringsBox()
            DispatchQueue.concurrentPerform(iterations: 10) { _ in
                let response = try? fresh.client.post("/v1/cases", json: fresh.caseBody())
                firsts.append(response?.status == 201 ? response?.json["number"] as? String ?? "" : "status \(response?.status ?? 0)")
            }
            #expect(Set(firsts.values) == Set((1...10).map { "CS-\(Self.year)-0000" + ($0 < 10 ? "0\($0)" : "\($0)") }), "\(firsts.values.sorted())")
        }
    }
}

/// Strings collected from concurrent requests.
final class StringsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ value: String) { lock.lock(); stored.append(value); lock.unlock() }
    var values: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}
