// Inspections of the service network over HTTP against a real Postgres: checklists, the total orgd
// computes, an authorised station put on probation by a low one, the 422s that store nothing, the
// inspector's and the actor's tiers, corrective actions and their overdue list, the ranking, a
// regional manager kept to their region and one tenant kept from another's ids. The arithmetic
// of the total and of the places is also checked alone.

import Foundation
import HTTP
@testable import Network
@testable import OrgChart
import Testing

/// A tenant with the region 华东 and an authorised station in it (both since 400 days ago), a
/// checklist of three items (two mandatory) and an inspector's post graded a2, held since then.
private struct InspectionFixture {
    let org: OrgClient
    let region: String
    let site: String
    let template: String
    let inspector: String           // the position
    let person: String              // who holds it

    static let since = orgDay(-400)

    static func start(_ prefix: String, port: Int) throws -> InspectionFixture {
        let org = try OrgClient.start(prefix, port: port)
        let region = try org.datedRegion("华东", code: "EAST")
        let site = try org.site("SH-001", name: "上海维修站", region: region, extra: ["effective_date": since])
        try org.authorise(site)
        // This tenant lets tier a and above inspect (the default lets any graded post).
        let settings = try org.client.patch("/v1/network/settings", json: ["inspect_tier": "a"])
        guard settings.status == 200 else { throw TestFailure("inspect tier: \(settings.text)") }
        let template = try org.checklist("年度巡检", items: [
            ["key": "cleanliness", "title": "场地整洁", "weight": 2, "max_score": 5, "mandatory": true],
            ["key": "tools", "title": "工具齐全", "weight": 1, "max_score": 10],
            ["key": "records", "title": "维修记录", "weight": 1.5, "max_score": 4, "mandatory": true],
        ])
        let (inspector, person) = try org.heldPost("巡检专员", grade: "a2", employeeNo: "INS-1")
        return InspectionFixture(org: org, region: region, site: site, template: template, inspector: inspector, person: person)
    }

    /// POSTs an inspection of `site` (the fixture's by default) with these scores.
    func inspect(_ scores: [(String, Int)], site: String? = nil, on day: String = orgDay(0), inspector: String? = nil,
                 actions: [[String: Any]] = [], extra: [String: Any] = [:], as client: HTTPClient? = nil) throws -> RawResponse {
        var body: [String: Any] = [
            "template_id": template, "inspected_on": day, "inspector_position_id": inspector ?? self.inspector,
            "scores": scores.map { ["item": $0.0, "score": $0.1] }, "findings": "巡检发现",
        ]
        if !actions.isEmpty { body["corrective_actions"] = actions }
        body.merge(extra) { $1 }
        return try (client ?? org.client).post("/v1/network/sites/\(site ?? self.site)/inspections", json: body)
    }

    /// How many rows the inspection tables hold.
    func stored() throws -> [String] {
        try ["inspections", "inspection_scores", "corrective_actions"].map { table in
            try org.sql("SELECT count(*) AS n FROM \(table)")[0]["n"] ?? "?"
        }
    }
}

extension OrgClient {
    /// A region that exists since `InspectionFixture.since`.
    func datedRegion(_ name: String, code: String, parent: String? = nil) throws -> String {
        var body: [String: Any] = ["name": name, "code": code, "effective_date": InspectionFixture.since]
        if let parent { body["parent_id"] = parent }
        let response = try client.post("/v1/regions", json: body)
        guard response.status == 201, let id = response.json["id"] as? String else { throw TestFailure("region \(name): \(response.text)") }
        return id
    }

    /// A checklist; its id.
    func checklist(_ name: String, items: [[String: Any]]) throws -> String {
        let response = try client.post("/v1/network/inspection-templates", json: ["name": name, "items": items])
        guard response.status == 201, let id = response.json["id"] as? String else { throw TestFailure("template \(name): \(response.text)") }
        return id
    }

    /// A post graded `grade` in a unit of its own, and a person holding it, all since
    /// `InspectionFixture.since`; the position's and the person's ids.
    func heldPost(_ title: String, grade: String, employeeNo: String) throws -> (position: String, person: String) {
        let since = InspectionFixture.since
        let unit = try unit("巡检组 \(employeeNo)", code: "U-\(employeeNo)", extra: ["effective_date": since])
        let position = try position(title, unit: unit, grade: grade, extra: ["effective_date": since])
        let created = try client.post("/v1/people", json: ["name": "巡检员 \(employeeNo)", "employee_no": employeeNo, "effective_date": since])
        guard created.status == 201, let person = created.json["id"] as? String else { throw TestFailure("person: \(created.text)") }
        let assigned = try assign(person, to: position, start: since)
        guard assigned.status == 201 else { throw TestFailure("assign: \(assigned.text)") }
        return (position, person)
    }
}

private func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

@Suite("network: inspections")
struct NetworkInspectionTests {
    @Test("an inspection under the threshold puts an authorised station on probation, the transition naming it")
    func belowThreshold() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("insplow", port: port)
            // 100 × (2×1/5 + 1×2/10 + 1.5×1/4) / 4.5 = 21.666… → 21.67
            let created = try fixture.inspect([("cleanliness", 1), ("tools", 2), ("records", 1)])
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            #expect(number(created.json["total"]) == 21.67)
            #expect(number(created.json["threshold"]) == 60)
            #expect(created.json["below_threshold"] as? Bool == true)
            let transition = try #require(created.json["transition"] as? [String: Any])
            #expect(transition["from"] as? String == "authorised")
            #expect(transition["to"] as? String == "probation")
            #expect(transition["inspection_id"] as? String == id)
            #expect(transition["reason"] as? String == "inspection \(id) scored 21.67 below the threshold 60.00")

            #expect(try fixture.org.client.get("/v1/network/sites/\(fixture.site)").json["status"] as? String == "probation")
            let history = try fixture.org.client.get("/v1/network/sites/\(fixture.site)/transitions").orgItems
            #expect(history.last?["to"] as? String == "probation")
            #expect(history.last?["inspection_id"] as? String == id)
            // Both changes are audited and in the network's feed, filed under the site.
            let feed = try fixture.org.client.get("/v1/network/changes?site_id=\(fixture.site)").orgItems
            #expect(feed.contains { $0["action"] as? String == "inspection.create" && $0["resource_id"] as? String == id })
            #expect(feed.contains { ($0["after"] as? [String: Any])?["inspection_id"] as? String == id
                                    && $0["action"] as? String == "site.transition" })
            let audited = try fixture.org.sql("""
                SELECT count(*) AS n FROM audit_log WHERE outcome = 'ok' AND (action = 'inspection.create' AND resource_id = $1
                      OR action = 'site.transition' AND after->>'inspection_id' = $1)
                """, [id])
            #expect(audited[0]["n"] == "2")
            // The read answers the same report.
            let read = try fixture.org.client.get("/v1/network/inspections/\(id)")
            #expect(read.status == 200)
            #expect((read.json["transition"] as? [String: Any])?["id"] as? String == transition["id"] as? String)

            // Already on probation: a second low inspection moves nothing.
            let again = try fixture.inspect([("cleanliness", 0), ("records", 0)])
            #expect(again.status == 201, "\(again.text)")
            #expect(again.json["transition"] is NSNull)
        }
    }

    @Test("an inspection above the threshold leaves the station authorised and records who held the inspector's post")
    func aboveThreshold() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("insphigh", port: port)
            // 100 × (2×4/5 + 1×7/10 + 1.5×3/4) / 4.5 = 76.111… → 76.11
            let findings = String(repeating: "维修记录不全。", count: 50) + "\n工具齐全"      // prose: long, with a line break
            let created = try fixture.inspect([("cleanliness", 4), ("tools", 7), ("records", 3)],
                                              actions: [["description": "补全维修记录", "owner": "站长", "due_on": orgDay(30)]],
                                              extra: ["findings": findings])
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["findings"] as? String == findings)
            #expect(number(created.json["total"]) == 76.11)
            #expect(created.json["below_threshold"] as? Bool == false)
            #expect(created.json["transition"] is NSNull)
            #expect(created.json["inspector_person_id"] as? String == fixture.person)
            #expect(created.json["template_name"] as? String == "年度巡检")
            let scores = try #require(created.json["scores"] as? [[String: Any]])
            #expect(scores.map { $0["item"] as? String } == ["cleanliness", "tools", "records"])
            #expect(scores.map { number($0["weight"]) } == [2, 1, 1.5])
            let actions = try #require(created.json["corrective_actions"] as? [[String: Any]])
            #expect(actions.first?["owner"] as? String == "站长")
            #expect(actions.first?["overdue"] as? Bool == false)
            #expect(try fixture.org.client.get("/v1/network/sites/\(fixture.site)").json["status"] as? String == "authorised")
            let listed = try fixture.org.client.get("/v1/network/sites/\(fixture.site)/inspections").orgItems
            #expect(listed.map { $0["id"] as? String } == [created.json["id"] as? String])
        }
    }

    @Test("the total is orgd's: over the items scored only, rounded to hundredths, and a client's total is refused")
    func totalArithmetic() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("insptotal", port: port)
            // tools unscored: 100 × (2×5/5 + 1.5×2/4) / 3.5 = 78.571… → 78.57
            let created = try fixture.inspect([("cleanliness", 5), ("records", 2)])
            #expect(created.status == 201, "\(created.text)")
            #expect(number(created.json["total"]) == 78.57)
            let stored = try fixture.org.sql("SELECT total::text AS total FROM inspections")
            #expect(stored.map { $0["total"] } == ["78.57"])
            let full = try fixture.inspect([("cleanliness", 5), ("tools", 10), ("records", 4)])
            #expect(number(full.json["total"]) == 100)
            let sent = try fixture.inspect([("cleanliness", 5), ("records", 4)], extra: ["total": 100])
            #expect(sent.status == 422)
            #expect(sent.json["field"] as? String == "total")
            #expect(sent.json["rule"] as? String == "unknown_field")
        }
    }

    @Test("bad scores, an early corrective action and an inspector graded below the tier are 422s naming the field, storing nothing")
    func refusedInput() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("inspbad", port: port)
            let (junior, _) = try fixture.org.heldPost("助理", grade: "B+2", employeeNo: "INS-2")
            let vacant = try fixture.org.position("空缺岗", unit: try fixture.org.unit("空组", code: "EMPTY",
                                                                                    extra: ["effective_date": InspectionFixture.since]),
                                                     grade: "a1", extra: ["effective_date": InspectionFixture.since])
            let good = [("cleanliness", 4), ("records", 3)]
            let cases: [(RawResponse, String, String)] = [
                (try fixture.inspect([("cleanliness", 6), ("records", 3)]), "scores[0].score", "range"),
                (try fixture.inspect([("cleanliness", 4), ("records", -1)]), "scores[1].score", "range"),
                (try fixture.inspect(good + [("smell", 1)]), "scores[2].item", "on_template"),
                (try fixture.inspect(good + [("records", 2)]), "scores[2].item", "unique"),
                (try fixture.inspect([("cleanliness", 4), ("tools", 3)]), "scores", "mandatory"),
                (try fixture.inspect([]), "scores", "size"),
                (try fixture.inspect(good, actions: [["description": "整改", "owner": "站长", "due_on": orgDay(-1)]]),
                 "corrective_actions[0].due_on", "not_before_inspection"),
                (try fixture.inspect(good, inspector: junior), "inspector_position_id", "inspector_tier"),
                (try fixture.inspect(good, inspector: vacant), "inspector_position_id", "held"),
                (try fixture.inspect(good, on: orgDay(1)), "inspected_on", "not_after_today"),
                (try fixture.inspect(good, on: orgDay(-500)), "inspected_on", "within_lifetime"),
                (try fixture.inspect(good, extra: ["template_id": UUID().uuidString]), "template_id", "exists"),
            ]
            for (response, field, rule) in cases {
                #expect(response.status == 422, "\(field): \(response.text)")
                #expect(response.json["field"] as? String == field, "\(response.text)")
                #expect(response.json["rule"] as? String == rule, "\(response.text)")
            }
            let missing = try fixture.inspect([("tools", 3)])
            #expect(missing.json["missing"] as? [String] == ["cleanliness", "records"])
            #expect(try fixture.stored() == ["0", "0", "0"])
            #expect(try fixture.org.client.get("/v1/network/sites/\(fixture.site)").json["status"] as? String == "authorised")
        }
    }

    @Test("a checklist's items are checked one by one, and an archived checklist takes no new inspection")
    func templates() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("insptpl", port: port)
            let item: [String: Any] = ["key": "a", "title": "A", "weight": 1, "max_score": 5]
            let cases: [([[String: Any]], String, String)] = [
                ([item, item.merging(["key": "b"]) { $1 }, item.merging(["key": "c"]) { $1 }, item.merging(["key": "d", "weight": 0]) { $1 }],
                 "items[3].weight", "range"),
                ([item, item.merging(["key": "b", "weight": 0.125]) { $1 }], "items[1].weight", "precision"),
                ([item, item], "items[1].key", "unique"),
                ([item.merging(["max_score": 0]) { $1 }], "items[0].max_score", "range"),
                ([item.merging(["key": "Bad Key"]) { $1 }], "items[0].key", "term_code"),
                ([], "items", "size"),
            ]
            for (items, field, rule) in cases {
                let response = try fixture.org.client.post("/v1/network/inspection-templates", json: ["name": "坏模板", "items": items])
                #expect(response.status == 422, "\(field): \(response.text)")
                #expect(response.json["field"] as? String == field, "\(response.text)")
                #expect(response.json["rule"] as? String == rule, "\(response.text)")
            }
            #expect(try fixture.org.sql("SELECT count(*) AS n FROM inspection_templates")[0]["n"] == "1")

            let read = try fixture.org.client.get("/v1/network/inspection-templates/\(fixture.template)")
            #expect((read.json["items"] as? [[String: Any]])?.map { $0["key"] as? String } == ["cleanliness", "tools", "records"])
            let archived = try fixture.org.client.post("/v1/network/inspection-templates/\(fixture.template)/archive")
            #expect(archived.status == 200, "\(archived.text)")
            #expect(archived.json["archived"] as? Bool == true)
            #expect(try fixture.org.client.get("/v1/network/inspection-templates").orgItems.isEmpty)
            #expect(try fixture.org.client.get("/v1/network/inspection-templates?include_archived=true").orgItems.count == 1)
            let refused = try fixture.inspect([("cleanliness", 4), ("records", 3)])
            #expect(refused.status == 422)
            #expect(refused.json["rule"] as? String == "not_archived")
        }
    }

    @Test("an actor below the inspector tier is refused with NETWORK_REQUIRES_TIER; one in it may inspect")
    func actorTier() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("insptier", port: port)
            let junior = try fixture.org.regionalUser("rm.junior", grade: "B+1", region: fixture.region)
            let refused = try fixture.inspect([("cleanliness", 4), ("records", 3)], as: junior)
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.json["code"] as? String == "NETWORK_REQUIRES_TIER")
            #expect(try fixture.stored() == ["0", "0", "0"])
            let senior = try fixture.org.regionalUser("rm.senior", grade: "a1", region: fixture.region)
            let allowed = try fixture.inspect([("cleanliness", 4), ("records", 3)], as: senior)
            #expect(allowed.status == 201, "\(allowed.text)")
        }
    }

    @Test("overdue corrective actions are listed until done; a change needs the current revision and a day after the inspection")
    func correctiveActions() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("inspca", port: port)
            let created = try fixture.inspect([("cleanliness", 4), ("records", 3)], on: orgDay(-30), actions: [
                ["description": "更换灭火器", "owner": "站长", "due_on": orgDay(-10)],
                ["description": "培训新员工", "owner": "技术主管", "due_on": orgDay(10)],
                ["description": "张贴价目表", "owner": "前台", "due_on": orgDay(-5)],
            ])
            #expect(created.status == 201, "\(created.text)")
            let actions = try #require(created.json["corrective_actions"] as? [[String: Any]])
            #expect(actions.map { $0["overdue"] as? Bool } == [true, true, false])
            let (extinguisher, prices) = (actions[0]["id"] as! String, actions[1]["id"] as! String)

            let stale = try fixture.org.client.request("PATCH", "/v1/network/corrective-actions/\(prices)", body: ["done_on": orgDay(-1)],
                                                       headers: ["If-Match": "\"7\""])
            #expect(stale.status == 412)
            let early = try fixture.org.client.patch("/v1/network/corrective-actions/\(prices)", json: ["done_on": orgDay(-31)])
            #expect(early.status == 422)
            #expect(early.json["field"] as? String == "done_on")
            let earlyDue = try fixture.org.client.patch("/v1/network/corrective-actions/\(prices)", json: ["due_on": orgDay(-40)])
            #expect(earlyDue.json["field"] as? String == "due_on")
            let done = try fixture.org.client.request("PATCH", "/v1/network/corrective-actions/\(prices)", body: ["done_on": orgDay(-1)],
                                                      headers: ["If-Match": "\"1\""])
            #expect(done.status == 200, "\(done.text)")
            #expect(done.header("ETag") == "\"2\"")
            #expect(done.json["overdue"] as? Bool == false)

            let overdue = try fixture.org.client.get("/v1/network/corrective-actions?overdue=true").orgItems
            #expect(overdue.map { $0["id"] as? String } == [extinguisher])
            #expect(try fixture.org.client.get("/v1/network/corrective-actions?site_id=\(fixture.site)").orgItems.count == 3)
            let feed = try fixture.org.client.get("/v1/network/changes?site_id=\(fixture.site)").orgItems
            #expect(feed.contains { $0["action"] as? String == "corrective_action.update" && $0["resource_id"] as? String == prices })
        }
    }

    @Test("the ranking puts the best latest total first, equal totals share a place, and keeps to the period and region")
    func ranking() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("insprank", port: port)
            let org = fixture.org
            let single = try org.checklist("单项", items: [["key": "overall", "title": "总体", "weight": 1, "max_score": 100]])
            let west = try org.datedRegion("华西", code: "WEST")
            let (a, b, c) = (fixture.site,
                             try org.site("SH-002", region: fixture.region, extra: ["effective_date": InspectionFixture.since]),
                             try org.site("SH-003", region: fixture.region, extra: ["effective_date": InspectionFixture.since]))
            let far = try org.site("CD-001", region: west, extra: ["effective_date": InspectionFixture.since])
            func score(_ site: String, _ total: Int, _ day: Int) throws {
                let response = try fixture.inspect([("overall", total)], site: site, on: orgDay(day), extra: ["template_id": single])
                guard response.status == 201 else { throw TestFailure("inspect: \(response.text)") }
            }
            try score(a, 90, -20)
            try score(a, 70, -10)           // a: latest 70, average 80
            try score(b, 80, -15)
            try score(c, 80, -12)
            try score(c, 40, -300)          // before the period below
            try score(far, 99, -5)

            let from = orgDay(-100), to = orgDay(0)
            let ranked = try org.client.get("/v1/network/inspections/ranking?from=\(from)&to=\(to)&region_id=\(fixture.region)")
            #expect(ranked.status == 200, "\(ranked.text)")
            let rows = ranked.orgItems
            #expect(rows.map { $0["site_id"] as? String } == [b, c, a])
            #expect(rows.map { $0["rank"] as? Int } == [1, 1, 3])
            #expect(rows.map { number($0["latest_total"]) } == [80, 80, 70])
            #expect(number(rows[2]["average_total"]) == 80)
            #expect(rows.map { $0["inspections"] as? Int } == [1, 1, 2])
            let everywhere = try org.client.get("/v1/network/inspections/ranking?from=\(from)&to=\(to)").orgItems
            #expect(everywhere.first?["site_id"] as? String == far)

            // A regional manager of the west sees only the west's site, first.
            let manager = try org.regionalUser("rm.west", grade: "a1", region: west)
            let theirs = try manager.get("/v1/network/inspections/ranking?from=\(from)&to=\(to)").orgItems
            #expect(theirs.map { $0["site_id"] as? String } == [far])
            #expect(theirs.map { $0["rank"] as? Int } == [1])
            let backwards = try org.client.get("/v1/network/inspections/ranking?from=\(to)&to=\(from)")
            #expect(backwards.status == 400)
        }
    }

    @Test("a regional manager cannot inspect, read or change what belongs to another region's site")
    func otherRegion() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("insprm", port: port)
            let org = fixture.org
            let west = try org.datedRegion("华西", code: "WEST")
            let manager = try org.regionalUser("rm.west", grade: "a1", region: west)
            let created = try fixture.inspect([("cleanliness", 4), ("records", 3)],
                                              actions: [["description": "整改", "owner": "站长", "due_on": orgDay(3)]])
            let id = try #require(created.json["id"] as? String)
            let action = try #require((created.json["corrective_actions"] as? [[String: Any]])?.first?["id"] as? String)

            // A change is refused 403 (the manager reads sites somewhere), a read 404 (not this one).
            let refused = try fixture.inspect([("cleanliness", 4), ("records", 3)], as: manager)
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.json["code"] as? String == "SCOPE_NOT_COVERED")
            let changed = try manager.patch("/v1/network/corrective-actions/\(action)", json: ["owner": "别人"])
            #expect(changed.status == 403, "\(changed.text)")
            #expect(try manager.get("/v1/network/inspections/\(id)").status == 404)
            #expect(try manager.get("/v1/network/sites/\(fixture.site)/inspections").status == 404)
            #expect(try manager.get("/v1/network/corrective-actions").orgItems.isEmpty)
            #expect(try fixture.stored() == ["1", "2", "1"])
            #expect(try org.sql("SELECT owner FROM corrective_actions")[0]["owner"] == "站长")
        }
    }

    @Test("another tenant's inspection, checklist and corrective action are 404s")
    func tenantIsolation() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("inspiso", port: port)
            let created = try fixture.inspect([("cleanliness", 4), ("records", 3)],
                                              actions: [["description": "整改", "owner": "站长", "due_on": orgDay(3)]])
            let id = try #require(created.json["id"] as? String)
            let action = try #require((created.json["corrective_actions"] as? [[String: Any]])?.first?["id"] as? String)

            let other = try InspectionFixture.start("inspiso2", port: port)
            #expect(try other.org.client.get("/v1/network/inspections/\(id)").status == 404)
            #expect(try other.org.client.get("/v1/network/inspection-templates/\(fixture.template)").status == 404)
            #expect(try other.org.client.post("/v1/network/inspection-templates/\(fixture.template)/archive").status == 404)
            #expect(try other.org.client.patch("/v1/network/corrective-actions/\(action)", json: ["owner": "别人"]).status == 404)
            #expect(try other.org.client.get("/v1/network/corrective-actions").orgItems.isEmpty)
            let borrowed = try other.inspect([("cleanliness", 4), ("records", 3)], extra: ["template_id": fixture.template])
            #expect(borrowed.status == 422)
            #expect(borrowed.json["field"] as? String == "template_id")
            #expect(try fixture.org.client.get("/v1/network/inspection-templates/\(fixture.template)").json["archived"] as? Bool == false)
        }
    }

    @Test("checklists, a site's inspections and corrective actions page to the end, each row once, in their order")
    func paging() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try InspectionFixture.start("insppage", port: port)
            let org = fixture.org
            for name in ["乙", "甲", "丙"] { _ = try org.checklist(name, items: [["key": "k", "title": "K", "weight": 1, "max_score": 1]]) }
            for day in [-3, -1, -2, -1] {
                let created = try fixture.inspect([("cleanliness", 4), ("records", 3)], on: orgDay(day), actions: [
                    ["description": "整改 \(day)", "owner": "站长", "due_on": orgDay(day + 5)],
                    ["description": "复查 \(day)", "owner": "站长", "due_on": orgDay(day + 2)],
                ])
                guard created.status == 201 else { throw TestFailure("inspect: \(created.text)") }
            }
            func walk(_ path: String) throws -> [[String: Any]] {
                var rows: [[String: Any]] = [], cursor: String?
                repeat {
                    let page = try org.client.get(path + (path.contains("?") ? "&" : "?") + "limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""))
                    guard page.status == 200 else { throw TestFailure("\(path): \(page.text)") }
                    rows += page.orgItems
                    cursor = page.json["next_cursor"] as? String
                } while cursor != nil
                return rows
            }
            let templates = try walk("/v1/network/inspection-templates")
            // By name in the database's collation: the walk matches the whole list read at once.
            let whole = try org.client.get("/v1/network/inspection-templates?limit=500").orgItems
            #expect(templates.compactMap { $0["id"] as? String } == whole.compactMap { $0["id"] as? String })
            #expect(Set(templates.compactMap { $0["name"] as? String }) == ["丙", "乙", "年度巡检", "甲"])
            let inspections = try walk("/v1/network/sites/\(fixture.site)/inspections")
            #expect(inspections.compactMap { $0["inspected_on"] as? String } == [orgDay(-1), orgDay(-1), orgDay(-2), orgDay(-3)])
            #expect(Set(inspections.compactMap { $0["id"] as? String }).count == 4)
            let actions = try walk("/v1/network/corrective-actions?site_id=\(fixture.site)")
            // `map`, not `compactMap { $0["due_on"] as? String }`: Swift 6.3.1 compiled that closure here
            // as the `$0["id"]` one below it (a clean rebuild of the test module reproduced it).
            let dues = actions.map { $0["due_on"] as? String ?? "" }
            #expect(dues.count == 8 && dues == dues.sorted(), "\(dues)")
            #expect(Set(actions.compactMap { $0["id"] as? String }).count == 8)
        }
    }

    @Test("the total is an exact fraction rounded half up, and equal latest totals share a place")
    func arithmeticAlone() throws {
        func item(_ key: String, _ weight: Int, _ max: Int, mandatory: Bool = false) -> InspectionTemplateItem {
            InspectionTemplateItem(key: key, title: key, weightHundredths: weight * 100, maxScore: max, mandatory: mandatory)
        }
        // 100 × (1/3 + 1/6 + 0) / 16 = 3.125 exactly: rounds up to 3.13 (a float sum of 1/3 and 1/6 may fall short of it).
        let items = [item("a", 1, 3), item("b", 1, 6), item("c", 14, 1)]
        let given = [InspectionScoring.Given(item: "a", score: 1), .init(item: "b", score: 1), .init(item: "c", score: 0)]
        #expect(InspectionScoring.total(given, against: items) == 313)
        #expect(InspectionScoring.total([.init(item: "a", score: 3)], against: items) == 10000)
        #expect(InspectionScoring.total([], against: items) == 0)
        // Many coprime maxima overflow the exact fraction; the fixed-point sum still gives the total.
        let primes = [997, 991, 983, 977, 971, 967, 953, 947, 941, 937, 929, 919, 911, 907, 887]
        let wide = primes.map { item("p\($0)", 1, $0) }
        #expect(InspectionScoring.exactSum(wide.map { .init(weight: 100, score: 1, max: Int128($0.maxScore)) }) == nil)
        #expect(InspectionScoring.total(primes.map { .init(item: "p\($0)", score: $0) }, against: wide) == 10000)
        #expect(Hundredths.text(6000) == "60.00" && Hundredths.text(7205) == "72.05")
        #expect(Hundredths.exact(1.5) == 150 && Hundredths.exact(0.125) == nil)
    }
}
