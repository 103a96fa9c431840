// The org-chart queries over HTTP against a real Postgres, on a small call center from the
// source document: tree with holders and vacant seats, headcount roll-up, vacancies, chain of
// command, reports, span of control, search in Chinese, hand-off links.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

/// 客服中心 with a 话务组 (3 agents of 4 seats, a team leader who leads 15–20) and a 回访组 whose
/// leader's seat is vacant (暂缺) and whose specialist is held concurrently (兼任) by the manager.
struct CallCenter {
    let org: OrgClient
    let center: String, calls: String, followUp: String
    let manager: String, leader: String, agent: String, followLeader: String, followSpecialist: String
    let liang: String

    init(_ org: OrgClient) throws {
        self.org = org
        let since: [String: Any] = ["effective_date": orgDay(-30)]
        center = try org.unit("客服中心", code: "CC", kind: "center", tier: "B+", extra: since)
        calls = try org.unit("话务组", code: "CC-CALL", kind: "group", parent: center, extra: since)
        followUp = try org.unit("回访组", code: "CC-FU", kind: "group", parent: center, extra: since)
        manager = try org.position("运营经理", unit: center, grade: "B+3", extra: since.merging(["kind": "head"]) { $1 })
        leader = try org.position("话务班长", unit: calls, grade: "B+4", extra: since.merging(["reports_to": manager, "span_min": 15, "span_max": 20]) { $1 })
        agent = try org.position("话务员", unit: calls, grade: "B+5", headcount: ["kind": "exact", "n": 4], extra: since.merging(["reports_to": leader]) { $1 })
        followLeader = try org.position("回访组长", unit: followUp, grade: "B+4", extra: since.merging(["reports_to": manager]) { $1 })
        followSpecialist = try org.position("回访专员", unit: followUp, grade: "B+5", extra: since.merging(["reports_to": followLeader]) { $1 })
        liang = try org.person("梁军", "CC001")
        #expect(try org.assign(liang, to: manager, start: orgDay(-20)).status == 201)
        #expect(try org.assign(liang, to: followSpecialist, kind: "concurrent", start: orgDay(-20)).status == 201)
        #expect(try org.assign(try org.person("李晓贤", "CC002"), to: leader, start: orgDay(-20)).status == 201)
        for (index, name) in ["吴翠婷", "陈小明", "王丽"].enumerated() {
            #expect(try org.assign(try org.person(name, "CC1\(index)"), to: agent, start: orgDay(-20)).status == 201)
        }
    }
}

@Suite("org chart: queries")
struct OrgChartQueryTests {
    @Test("the tree of a unit lists positions, holders, a concurrent post and vacant seats; depth limits it")
    func tree() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try CallCenter(try OrgClient.start("tree", port: port))
            let tree = try chart.org.client.get("/v1/units/\(chart.center)/tree")
            #expect(tree.status == 200, "\(tree.text)")
            let root = try #require(tree.json["unit"] as? [String: Any])
            #expect(root["name"] as? String == "客服中心")
            let children = root["children"] as? [[String: Any]] ?? []
            #expect(children.count == 2)
            let calls = try #require(children.first { $0["id"] as? String == chart.calls })
            let agent = try #require((calls["positions"] as? [[String: Any]])?.first { $0["id"] as? String == chart.agent })
            #expect(agent["filled"] as? Int == 3)
            #expect(agent["vacant"] as? Int == 1)
            let follow = try #require(children.first { $0["id"] as? String == chart.followUp })
            let seats = follow["positions"] as? [[String: Any]] ?? []
            let leaderSeat = try #require(seats.first { $0["id"] as? String == chart.followLeader })
            #expect((leaderSeat["holders"] as? [Any])?.isEmpty == true)
            #expect(leaderSeat["vacant"] as? Int == 1)
            let specialist = try #require(seats.first { $0["id"] as? String == chart.followSpecialist })
            #expect(((specialist["holders"] as? [[String: Any]])?.first)?["kind"] as? String == "concurrent")
            let shallow = try chart.org.client.get("/v1/units/\(chart.center)/tree?depth=0")
            #expect(((shallow.json["unit"] as? [String: Any])?["children"] as? [Any])?.isEmpty == true)
            #expect(try chart.org.client.get("/v1/units/\(chart.center)/tree?depth=99").status == 400)
            #expect(try chart.org.client.get("/v1/units/\(chart.center)/tree?as_of=\(orgDay(-40))").status == 404)
        }
    }

    @Test("posts of one title and sort order are listed in creation order in the tree and the export, also after a dated regrade")
    func seatOrder() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("seatorder", port: port)
            let since: [String: Any] = ["effective_date": orgDay(-30)]
            let unit = try org.unit("话务组", code: "CALL", kind: "group", extra: since)
            let created = try (0..<5).map { _ in try org.position("话务员", unit: unit, grade: "B+4", extra: since) }
            // The tree reads the order from the version rows (position_seq): a regrade from last
            // week adds a version row to the second post, which must keep its place.
            let regraded = try org.client.patch("/v1/positions/\(created[1])", json: ["grade": "B+5", "effective_date": orgDay(-7)])
            #expect(regraded.status == 200, "\(regraded.text)")
            let tree = try org.client.get("/v1/units/\(unit)/tree")
            let seats = (tree.json["unit"] as? [String: Any])?["positions"] as? [[String: Any]] ?? []
            #expect(seats.compactMap { $0["id"] as? String } == created)
            #expect(seats.compactMap { $0["grade"] as? String } == ["B+4", "B+5", "B+4", "B+4", "B+4"])
            let export = try org.client.get("/v1/units/\(unit)/export?format=json")
            let exported = ((export.json["unit"] as? [String: Any])?["positions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(exported == created, "\(export.text)")
        }
    }

    @Test("a unit opens with the same members, in the same order, in its own answer, the tree and the JSON export")
    func unitHead() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try CallCenter(try OrgClient.start("unithead", port: port))
            let own = try chart.org.client.get("/v1/units/\(chart.center)").text
            // {"id": … "functions":[…] up to the members only the single answer has.
            let head = try #require(own.range(of: ",\"parent_id\"").map { String(own[..<$0.lowerBound]) })
            #expect(head.hasPrefix("{\"id\":\"\(chart.center)\",\"code\":\"CC\",\"name\":\"客服中心\",\"kind\":\"center\""), "\(own)")
            #expect(try chart.org.client.get("/v1/units/\(chart.center)/tree").text.contains(head + ",\"positions\""))
            #expect(try chart.org.client.get("/v1/units/\(chart.center)/export").text.contains(head + ",\"planned_establishment\""))
        }
    }

    @Test("the headcount report rolls establishment, filled and vacant up the tree, by grade")
    func headcount() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try CallCenter(try OrgClient.start("hcreport", port: port))
            let report = try chart.org.client.get("/v1/units/\(chart.center)/headcount")
            #expect(report.status == 200, "\(report.text)")
            let units = report.json["units"] as? [[String: Any]] ?? []
            let center = try #require(units.first { $0["id"] as? String == chart.center })
            let total = center["total"] as? [String: Any] ?? [:]
            #expect(total["establishment"] as? Int == 8)
            #expect(total["filled"] as? Int == 6)
            #expect(total["vacant"] as? Int == 2)
            #expect((center["own"] as? [String: Any])?["establishment"] as? Int == 1)
            let grades = (center["by_grade"] as? [[String: Any]] ?? []).compactMap { $0["grade"] as? String }
            #expect(grades == ["B+3", "B+4", "B+5"])
        }
    }

    @Test("the vacancy list gives vacant seats and days vacant")
    func vacancies() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try CallCenter(try OrgClient.start("vacancy", port: port))
            let list = try chart.org.client.get("/v1/org/vacancies?unit_id=\(chart.center)")
            #expect(list.status == 200, "\(list.text)")
            let items = list.orgItems
            #expect(Set(items.compactMap { $0["position_id"] as? String }) == [chart.agent, chart.followLeader])
            #expect(items.first { $0["position_id"] as? String == chart.followLeader }?["days_vacant"] as? Int == 30)
            // Longest vacant first, and the vacant seats are what the holders leave free.
            let days = items.compactMap { $0["days_vacant"] as? Int }
            #expect(days.count == items.count && days == days.sorted(by: >), "\(days)")
            for item in items {
                #expect(item["vacant"] as? Int == (item["establishment"] as? Int ?? 0) - (item["filled"] as? Int ?? 0))
                #expect((item["vacant"] as? Int ?? 0) > 0)
            }
        }
    }

    @Test("the chain of command follows reports-to, not the unit tree; direct and all reports go down it")
    func chainAndReports() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try CallCenter(try OrgClient.start("chain", port: port))
            let chain = try chart.org.client.get("/v1/positions/\(chart.agent)/chain")
            #expect((chain.json["chain"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [chart.agent, chart.leader, chart.manager])
            let direct = try chart.org.client.get("/v1/positions/\(chart.manager)/reports")
            #expect(Set((direct.json["reports"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []) == [chart.leader, chart.followLeader])
            let all = try chart.org.client.get("/v1/positions/\(chart.manager)/reports?scope=all")
            #expect((all.json["reports"] as? [Any])?.count == 4)
            let person = try chart.org.client.get("/v1/people/\(chart.liang)/chain")
            #expect((person.json["chain"] as? [[String: Any]])?.first?["id"] as? String == chart.manager)
        }
    }

    @Test("a team leader with 3 agents against a span of 15–20 is a span-of-control violation")
    func span() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try CallCenter(try OrgClient.start("span", port: port))
            let items = try chart.org.client.get("/v1/org/span-violations").orgItems
            #expect(items.count == 1)
            #expect(items.first?["position_id"] as? String == chart.leader)
            #expect(items.first?["direct_reports"] as? Int == 3)
            #expect(items.first?["problem"] as? String == "too_few")
        }
    }

    @Test("search finds units, positions and people by a Chinese substring")
    func search() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try CallCenter(try OrgClient.start("search", port: port))
            let found = try chart.org.client.get("/v1/org/search?q=%E5%9B%9E%E8%AE%BF")   // 回访
            #expect(found.status == 200, "\(found.text)")
            #expect((found.json["units"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [chart.followUp])
            #expect((found.json["positions"] as? [Any])?.count == 2)
            let people = try chart.org.client.get("/v1/org/search?q=%E6%99%93")              // 晓
            #expect((people.json["people"] as? [[String: Any]])?.first?["name"] as? String == "李晓贤")
            #expect(try chart.org.client.get("/v1/org/search").status == 400)
        }
    }

    @Test("hand-off links are directed, listed per unit, and end without touching the past")
    func handoffs() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("handoff", port: port)
            let ops = try org.unit("运营部", code: "OPS", extra: ["effective_date": orgDay(-10)])
            let photo = try org.unit("摄影部", code: "PHOTO", extra: ["effective_date": orgDay(-10)])
            let link = try org.client.post("/v1/units/\(ops)/handoffs", json: ["to_unit_id": photo, "effective_date": orgDay(-5)])
            #expect(link.status == 201, "\(link.text)")
            let id = try #require(link.json["id"] as? String)
            #expect(try org.client.post("/v1/units/\(ops)/handoffs", json: ["to_unit_id": photo]).status == 409)
            #expect(try org.client.post("/v1/units/\(ops)/handoffs", json: ["to_unit_id": ops]).status == 422)
            let listed = try org.client.get("/v1/units/\(photo)/handoffs")
            #expect((listed.json["incoming"] as? [[String: Any]])?.first?["from_name"] as? String == "运营部")
            #expect(try org.client.delete("/v1/units/\(ops)/handoffs/\(id)").status == 204)
            #expect((try org.client.get("/v1/units/\(ops)/handoffs").json["outgoing"] as? [Any])?.isEmpty == true)
            #expect((try org.client.get("/v1/units/\(ops)/handoffs?as_of=\(orgDay(-1))").json["outgoing"] as? [Any])?.count == 1)
        }
    }
}
