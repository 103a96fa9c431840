// Import over HTTP against a real Postgres: a hand-written JSON file builds a chart, importing it
// again changes nothing, a CSV with one bad row in the middle is refused whole with the row and
// field named, and a CSV export imported back is a no-op.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

extension HTTPClient {
    /// POST with a body of any type.
    func post(_ path: String, bytes: [UInt8], type: String) throws -> RawResponse {
        var text = "POST \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        text += "Content-Type: \(type)\r\nContent-Length: \(bytes.count)\r\n\r\n"
        let client = try RawClient(port: port, timeout: 30)
        try client.send(Array(text.utf8) + bytes)
        return try client.readResponse()
    }
}

@Suite("org chart: import")
struct OrgChartImportTests {
    static var file: [String: Any] {
        let file: [String: Any] = [
        "effective_date": "2024-01-01",
        "units": [
            ["code": "SVC", "name": "售后服务部", "kind": "department", "tier": "B+", "functions": ["安装调试", "维修保养"]],
            ["code": "SVC-CC", "name": "客服中心", "kind": "center", "parent_code": "SVC"],
            ["code": "SVC-FU", "name": "回访组", "kind": "group", "parent_code": "SVC-CC"],
        ],
        "positions": [
            ["unit_code": "SVC-FU", "title": "回访专员", "grade": "B+5", "headcount": "1-3",
             "reports_to": ["unit_code": "SVC", "title": "部门经理"]],
            ["unit_code": "SVC", "title": "部门经理", "grade": "B+2", "headcount": ["kind": "exact", "n": 1], "kind": "head",
             "duties": ["统筹售后服务", "审核服务报告"]],
        ],
        "people": [
            ["employee_no": "S001", "name": "梁军", "contact": ["phone": "13900000001"]],
            ["employee_no": "S002", "name": "吴翠婷"],
        ],
        "assignments": [
            ["employee_no": "S001", "unit_code": "SVC", "position_title": "部门经理", "start_date": "2024-01-01"],
            ["employee_no": "S001", "unit_code": "SVC-FU", "position_title": "回访专员", "kind": "concurrent", "start_date": "2024-01-01"],
            ["employee_no": "S002", "unit_code": "SVC-FU", "position_title": "回访专员", "start_date": "2024-02-01"],
        ],
        ]
        return file
    }

    static func post(_ org: OrgClient, _ body: Any) throws -> RawResponse {
        try org.client.post("/v1/org/import", json: body)
    }

    @Test("a JSON file referring by code and employee number builds the chart, and importing it again changes nothing")
    func jsonTwice() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("imjson", port: port)
            let first = try Self.post(org, Self.file)
            #expect(first.status == 200, "\(first.text)")
            #expect(first.json["created"] as? Int == 10)
            #expect(first.json["changed"] as? Int == 0)
            let found = try org.client.get("/v1/org/search?q=%E5%9B%9E%E8%AE%BF%E7%BB%84")   // 回访组
            let followUp = try #require((found.json["units"] as? [[String: Any]])?.first?["id"] as? String)
            let tree = try org.client.get("/v1/units/\(followUp)/tree")
            let seat = try #require(((tree.json["unit"] as? [String: Any])?["positions"] as? [[String: Any]])?.first)
            #expect(seat["filled"] as? Int == 2)
            #expect((seat["holders"] as? [[String: Any]])?.contains { $0["name"] as? String == "梁军" && $0["kind"] as? String == "concurrent" } == true)

            let second = try Self.post(org, Self.file)
            #expect(second.status == 200, "\(second.text)")
            #expect(second.json["created"] as? Int == 0)
            #expect(second.json["changed"] as? Int == 0)
            #expect(second.json["unchanged"] as? Int == 10)

            var edited = Self.file
            edited["units"] = [["code": "SVC-FU", "name": "回访一组"]]
            edited["positions"] = nil
            edited["people"] = nil
            edited["assignments"] = nil
            let renamed = try Self.post(org, edited)
            #expect(renamed.json["changed"] as? Int == 1, "\(renamed.text)")
        }
    }

    @Test("a CSV with one bad row in the middle is refused whole: 422 naming the row and field, nothing written")
    func badRow() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("imbad", port: port)
            let center = try org.unit("客服中心", code: "CC", kind: "center", extra: ["effective_date": "2024-01-01"])
            _ = center
            let before = try org.sql("SELECT count(*) AS n FROM positions")[0]["n"]
            let changesBefore = try org.sql("SELECT count(*) AS n FROM org_changes")[0]["n"]
            let csv = """
                unit_code,title,grade,headcount,duties
                CC,话务员,B+5,7,"接听来电
                记录工单"
                CC,话务班长,Z9,1,
                CC,质检专员,B+5,1-2,
                """
            let answer = try org.client.post("/v1/org/import?resource=positions&effective_date=2024-01-01",
                                              bytes: ChartCSV.byteOrderMark + Array(csv.utf8), type: "text/csv")
            #expect(answer.status == 422, "\(answer.text)")
            #expect(answer.json["code"] as? String == "IMPORT_INVALID")
            let errors = answer.json["errors"] as? [[String: Any]] ?? []
            #expect(errors.count == 1)
            #expect(errors.first?["row"] as? Int == 3)
            #expect(errors.first?["field"] as? String == "grade")
            #expect(errors.first?["rule"] as? String == "on_ladder")
            #expect(try org.sql("SELECT count(*) AS n FROM positions")[0]["n"] == before)
            #expect(try org.sql("SELECT count(*) AS n FROM org_changes")[0]["n"] == changesBefore)

            // A database-level refusal in the middle (a headcount exceeded) also rolls back everything.
            let people = "employee_no,name\r\nA1,甲\r\nA2,乙\r\n"
            #expect(try org.client.post("/v1/org/import?resource=people", bytes: Array(people.utf8), type: "text/csv").status == 200)
            let fine = "unit_code,title,grade,headcount\r\nCC,话务班长,B+4,1\r\n"
            #expect(try org.client.post("/v1/org/import?resource=positions&effective_date=2024-01-01", bytes: Array(fine.utf8), type: "text/csv").status == 200)
            let seats = "employee_no,unit_code,position_title,start_date\r\nA1,CC,话务班长,2024-03-01\r\nA2,CC,话务班长,2024-03-01\r\n"
            let full = try org.client.post("/v1/org/import?resource=assignments", bytes: Array(seats.utf8), type: "text/csv")
            #expect(full.status == 422, "\(full.text)")
            #expect((full.json["errors"] as? [[String: Any]])?.first?["row"] as? Int == 3)
            #expect(try org.sql("SELECT count(*) AS n FROM assignments")[0]["n"] == "0")
        }
    }

    @Test("a chart's CSV exports imported back change nothing")
    func exportRoundTrip() async throws {
        try await TestEnvironment.withServer { port in
            let chart = try CallCenter(try OrgClient.start("imround", port: port))
            for resource in ["units", "people", "positions", "assignments"] {
                let file = try chart.org.client.get("/v1/units/\(chart.center)/export?format=csv&resource=\(resource)")
                #expect(file.status == 200)
                let answer = try chart.org.client.post("/v1/org/import?resource=\(resource)", bytes: file.body, type: "text/csv")
                #expect(answer.status == 200, "\(resource): \(answer.text)")
                #expect(answer.json["created"] as? Int == 0, "\(resource): \(answer.text)")
                #expect(answer.json["changed"] as? Int == 0, "\(resource): \(answer.text)")
            }
        }
    }

    @Test("import needs write permissions: a viewer is refused and nothing is written")
    func viewerRefused() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("imviewer", port: port)
            let viewer = try org.user("viewer", grade: "A+1", role: "Viewer")
            let answer = try viewer.post("/v1/org/import", json: Self.file)
            #expect(answer.status == 403, "\(answer.text)")
            #expect(try org.sql("SELECT count(*) AS n FROM units")[0]["n"] == "0")
        }
    }
}
