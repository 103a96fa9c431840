// Per-region posts (1名/区域) over HTTP against a real Postgres: a holder names a region the post
// covers, each region's seats are enforced, the vacancy list shows which regions are vacant, and
// the CSV export and import carry the region. Also: spreadsheet formulas in names are defused in
// CSV exports and the defused file imports back unchanged.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("org chart: per-region seats and CSV formulas")
struct OrgChartRegionSeatTests {
    func region(_ org: OrgClient, _ name: String, _ code: String, parent: String? = nil) throws -> String {
        var body: [String: Any] = ["name": name, "code": code]
        if let parent { body["parent_id"] = parent }
        let response = try org.client.post("/v1/regions", json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create region \(code): \(response.status) \(response.text)")
        }
        return id
    }

    func assign(_ org: OrgClient, _ person: String, _ position: String, region: String?) throws -> RawResponse {
        var body: [String: Any] = ["person_id": person, "position_id": position]
        if let region { body["region_id"] = region }
        return try org.client.post("/v1/assignments", json: body)
    }

    @Test("a per-region post takes one holder per region: the region is required, a second holder in a region is refused")
    func onePerRegion() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("perregion", port: port)
            let east = try region(org, "华东", "EAST")
            let west = try region(org, "西部", "WEST")
            let marketing = try org.unit("营销部", code: "MKT")
            let vice = try org.position("区域副总监", unit: marketing, grade: "B+2", headcount: ["kind": "per_region", "n": 1])
            #expect(try org.client.get("/v1/positions/\(vice)").json["establishment"] as? Int == 2)
            let zheng = try org.person("郑东海", "M1")
            let wu = try org.person("吴西部", "M2")

            let unnamed = try assign(org, zheng, vice, region: nil)
            #expect(unnamed.status == 422, "\(unnamed.text)")
            #expect(unnamed.json["field"] as? String == "region_id")
            #expect(unnamed.json["rule"] as? String == "required")
            #expect(try assign(org, zheng, vice, region: east).status == 201)

            let second = try assign(org, wu, vice, region: east)
            #expect(second.status == 409, "\(second.text)")
            #expect(second.json["code"] as? String == "HEADCOUNT_EXCEEDED")
            #expect(second.json["region_id"] as? String == east)
            #expect((second.json["detail"] as? String)?.contains("EAST") == true)
            #expect(try org.sql("SELECT count(*) AS n FROM assignments")[0]["n"] == "1")

            let vacancies = try org.client.get("/v1/org/vacancies").orgItems
            let post = try #require(vacancies.first { $0["position_id"] as? String == vice })
            let regions = post["regions"] as? [[String: Any]] ?? []
            #expect(regions.map { $0["code"] as? String } == ["EAST", "WEST"])
            #expect(regions.map { $0["vacant"] as? Int } == [0, 1])

            #expect(try assign(org, wu, vice, region: west).status == 201)
            #expect(try org.client.get("/v1/org/vacancies").orgItems.contains { $0["position_id"] as? String == vice } == false)
        }
    }

    @Test("a regional office's per-region post covers its region's children, not other regions")
    func coveredRegions() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("covered", port: port)
            let east = try region(org, "华东", "EAST")
            let shanghai = try region(org, "上海", "SH", parent: east)
            _ = try region(org, "浙江", "ZJ", parent: east)
            let west = try region(org, "西部", "WEST")
            let office = try org.unit("华东驻外办事处", code: "AS-EAST", kind: "regional_office", extra: ["region_id": east])
            let rep = try org.position("驻站代表", unit: office, grade: "B+4", headcount: ["kind": "per_region", "n": 2])
            #expect(try org.client.get("/v1/positions/\(rep)").json["establishment"] as? Int == 4)
            let person = try org.person("王华", "R1")
            let outside = try assign(org, person, rep, region: west)
            #expect(outside.status == 422, "\(outside.text)")
            #expect(outside.json["rule"] as? String == "covered")
            #expect((outside.json["detail"] as? String)?.contains("SH, ZJ") == true)
            #expect(try assign(org, person, rep, region: shanghai).status == 201)
        }
    }

    @Test("the assignments CSV carries the region, and a per-region row imports with its region_code")
    func regionInCSV() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("regioncsv", port: port)
            let east = try region(org, "华东", "EAST")
            _ = try region(org, "西部", "WEST")
            let marketing = try org.unit("营销部", code: "MKT")
            let vice = try org.position("区域副总监", unit: marketing, grade: "B+2", headcount: ["kind": "per_region", "n": 1])
            #expect(try assign(org, try org.person("郑东海", "M1"), vice, region: east).status == 201)
            _ = try org.person("吴西部", "M2")
            let file = try org.client.get("/v1/units/\(marketing)/export?format=csv&resource=assignments")
            #expect(file.text.contains("region_code"))
            #expect(file.text.contains(",EAST,"))
            #expect(try org.client.post("/v1/org/import?resource=assignments", bytes: file.body, type: "text/csv").json["changed"] as? Int == 0)

            let missing = "employee_no,unit_code,position_title\r\nM2,MKT,区域副总监\r\n"
            let refused = try org.client.post("/v1/org/import?resource=assignments", bytes: Array(missing.utf8), type: "text/csv")
            #expect(refused.status == 422, "\(refused.text)")
            #expect((refused.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "region_id")
            let taken = "employee_no,unit_code,position_title,region_code\r\nM2,MKT,区域副总监,EAST\r\n"
            #expect(try org.client.post("/v1/org/import?resource=assignments", bytes: Array(taken.utf8), type: "text/csv").status == 422)
            let fine = "employee_no,unit_code,position_title,region_code\r\nM2,MKT,区域副总监,WEST\r\n"
            let imported = try org.client.post("/v1/org/import?resource=assignments", bytes: Array(fine.utf8), type: "text/csv")
            #expect(imported.status == 200, "\(imported.text)")
            #expect(try org.sql("SELECT count(*) AS n FROM assignments WHERE region_id IS NOT NULL")[0]["n"] == "2")
        }
    }

    @Test("cells that would run as spreadsheet formulas are exported behind an apostrophe and import back unchanged")
    func formulaCells() async throws {
        for cell in ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "\tx", "'=a", "''+b", "'plain", "plain", "a=b", ""] {
            let defused = ChartCSV.defused(cell)
            #expect(ChartCSV.restored(defused) == cell, "\(cell)")
            if let first = defused.first { #expect(!ChartCSV.formulaStarts.contains(first), "\(cell)") }
        }
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("formula", port: port)
            let unit = try org.unit("=cmd|' /C calc'!A0", code: "EVIL")
            _ = try org.position("@SUM(1+1)", unit: unit)
            _ = try org.person("-2+3", "F1")
            #expect(try org.assign(try org.person("+梁军", "F2"), to: try org.position("回访组长", unit: unit)).status == 201)
            for resource in ["units", "positions", "people", "assignments"] {
                let file = try org.client.get("/v1/units/\(unit)/export?format=csv&resource=\(resource)")
                #expect(file.status == 200)
                for line in file.text.split(separator: "\r\n") {
                    for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                        let text = cell.hasPrefix("\"") ? cell.dropFirst() : cell
                        #expect(text.first.map { !ChartCSV.formulaStarts.contains($0) } ?? true, "\(resource): \(line)")
                    }
                }
                let answer = try org.client.post("/v1/org/import?resource=\(resource)", bytes: file.body, type: "text/csv")
                #expect(answer.status == 200, "\(resource): \(answer.text)")
                #expect(answer.json["changed"] as? Int == 0, "\(resource): \(answer.text)")
                #expect(answer.json["created"] as? Int == 0, "\(resource): \(answer.text)")
            }
            #expect(try org.sql("SELECT name FROM people WHERE employee_no = 'F1'")[0]["name"] == "-2+3")
        }
    }
}
