// Exports of a unit's chart over HTTP against a real Postgres, on the call center of the query
// tests (梁军 concurrent, a vacant 回访组长, a 话务员 seat vacant) plus a hand-off link: JSON, the
// four CSVs, DOT and SVG (parsed with XMLParser), and the policy (contact only with
// people.read_private).

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import SVGTestSupport
import Testing

@Suite("org chart: exports")
struct OrgChartExportTests {
    static func chart(_ prefix: String, port: Int) throws -> CallCenter {
        let chart = try CallCenter(try OrgClient.start(prefix, port: port))
        let link = try chart.org.client.post("/v1/units/\(chart.calls)/handoffs",
                                             json: ["to_unit_id": chart.followUp, "note": "满意度回访", "effective_date": orgDay(-30)])
        #expect(link.status == 201, "\(link.text)")
        return chart
    }

    @Test("the JSON export is the tree with codes, holders' employee numbers, vacancies and hand-off links")
    func json() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try Self.chart("exjson", port: port)
            let answer = try chart.org.client.get("/v1/units/\(chart.center)/export?format=json")
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.header("Content-Type") == "application/json")
            let root = try #require(answer.json["unit"] as? [String: Any])
            #expect(root["name"] as? String == "客服中心")
            #expect(root["code"] as? String == "CC")
            let children = root["children"] as? [[String: Any]] ?? []
            let follow = try #require(children.first { $0["code"] as? String == "CC-FU" })
            let seats = follow["positions"] as? [[String: Any]] ?? []
            #expect(seats.first { $0["title"] as? String == "回访组长" }?["vacant"] as? Int == 1)
            let specialist = try #require(seats.first { $0["title"] as? String == "回访专员" })
            let holder = try #require((specialist["holders"] as? [[String: Any]])?.first)
            #expect(holder["name"] as? String == "梁军")
            #expect(holder["kind"] as? String == "concurrent")
            #expect(holder["employee_no"] as? String == "CC001")
            #expect((answer.json["handoffs"] as? [[String: Any]])?.first?["note"] as? String == "满意度回访")
            let shallow = try chart.org.client.get("/v1/units/\(chart.center)/export?format=json&depth=0")
            #expect(((shallow.json["unit"] as? [String: Any])?["children"] as? [Any])?.isEmpty == true)
            #expect(try chart.org.client.get("/v1/units/\(chart.center)/export?format=json&as_of=\(orgDay(-40))").status == 404)
            #expect(try chart.org.client.get("/v1/units/\(chart.center)/export?format=pdf").status == 400)
        }
    }

    @Test("each CSV export is UTF-8 with a BOM, quoted per RFC 4180, and keeps Chinese intact")
    func csv() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try Self.chart("excsv", port: port)
            #expect(try chart.org.client.get("/v1/units/\(chart.center)/export?format=csv").status == 400)
            var files: [String: [[String]]] = [:]
            for resource in ["units", "positions", "people", "assignments"] {
                let answer = try chart.org.client.get("/v1/units/\(chart.center)/export?format=csv&resource=\(resource)")
                #expect(answer.status == 200, "\(answer.text)")
                #expect(answer.header("Content-Type")?.hasPrefix("text/csv") == true)
                #expect(Array(answer.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
                let parsed = try ImportCSV.parse(answer.body)
                files[resource] = [parsed.header] + parsed.records.map { record in parsed.header.map { record.fields[$0] ?? "" } }
            }
            #expect(files["units"]?.count == 4)     // header + 3 units
            #expect(files["units"]?.contains { $0.first == "CC-FU" && $0[1] == "回访组" && $0[3] == "CC" } == true)
            let positions = try #require(files["positions"])
            let agent = try #require(positions.first { $0[1] == "话务员" })
            #expect(agent[3] == "4")                    // headcount
            #expect(agent[5] == "CC-CALL" && agent[6] == "话务班长")
            #expect(agent[positions[0].firstIndex(of: "vacant")!] == "1")
            #expect(files["people"]?.contains { $0 == ["CC001", "梁军"] } == true)
            #expect(files["assignments"]?.contains { $0[0] == "CC001" && $0[2] == "回访专员" && $0[3] == "concurrent" } == true)
        }
    }

    @Test("the DOT export has balanced braces, a node per unit, vacancy and 兼任 marks and a dashed hand-off edge")
    func dot() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try Self.chart("exdot", port: port)
            let answer = try chart.org.client.get("/v1/units/\(chart.center)/export?format=dot")
            #expect(answer.status == 200, "\(answer.text)")
            let text = answer.text
            #expect(text.hasPrefix("digraph orgchart {"))
            var depth = 0
            var balanced = true
            for character in text {
                if character == "{" { depth += 1 }
                if character == "}" { depth -= 1; if depth < 0 { balanced = false } }
            }
            #expect(balanced && depth == 0)
            for unit in [chart.center, chart.calls, chart.followUp] {
                #expect(text.contains("\(ChartDOT.node(unit)) [label=<"))
            }
            #expect(text.contains("\(ChartDOT.node(chart.center)) -> \(ChartDOT.node(chart.calls));"))
            #expect(text.contains("\(ChartDOT.node(chart.calls)) -> \(ChartDOT.node(chart.followUp)) [style=dashed"))
            #expect(text.contains("暂缺 vacant ×1"))
            #expect(text.contains("梁军<FONT COLOR=\"#b35c00\">(兼任)</FONT>"))
        }
    }

    @Test("the SVG export is valid XML with the Chinese names, vacancy and 兼任 marks and a CJK font stack")
    func svg() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try Self.chart("exsvg", port: port)
            let answer = try chart.org.client.get("/v1/units/\(chart.center)/export?format=svg")
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.header("Content-Type") == "image/svg+xml")
            let check = SVGCheck.parse(answer.body)
            #expect(check.failure == nil, "\(check.failure ?? "")")
            for text in ["客服中心", "话务组", "回访组", "梁军", "兼任", "暂缺 vacant ×1", "李晓贤", "对接 hand-off: 话务组 → 回访组"] {
                #expect(check.text.contains(text), "\(text) missing")
            }
            #expect(answer.text.contains("font-family=\"Noto Sans CJK SC"))
            #expect(answer.text.contains("stroke-dasharray"))
        }
    }

    @Test("contact fields are exported only to callers with people.read_private")
    func contactIsPrivate() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try Self.chart("exprivate", port: port)
            let person = try chart.org.person("周静", "CC050", contact: ["phone": "13800000050"])
            #expect(try chart.org.assign(person, to: chart.followLeader, start: orgDay(-10)).status == 201)
            let admin = try chart.org.client.get("/v1/units/\(chart.center)/export?format=csv&resource=people")
            #expect(admin.text.contains("contact.phone"))
            #expect(admin.text.contains("13800000050"))
            let viewer = try chart.org.user("viewer", grade: "A+1", role: "Viewer")
            let seen = try viewer.get("/v1/units/\(chart.center)/export?format=csv&resource=people")
            #expect(seen.status == 200, "\(seen.text)")
            #expect(seen.text.contains("周静"))
            #expect(!seen.text.contains("13800000050"))
            #expect(!(try viewer.get("/v1/units/\(chart.center)/export?format=json")).text.contains("13800000050"))
            let stranger = try OrgClient.start("exstranger", port: port)
            #expect(try stranger.client.get("/v1/units/\(chart.center)/export?format=svg").status == 404)
        }
    }
}
