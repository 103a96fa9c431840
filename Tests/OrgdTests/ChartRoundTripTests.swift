// Export → import → export over HTTP: whatever the API accepted comes back identical. The chart
// has what broke round trips or might: two posts of one title in a unit (each held, one the
// manager of another), same-named sibling units, cells a spreadsheet would run as formulas, a
// name that really starts with an apostrophe, commas and quotes, an "at least two"
// headcount, a planned establishment and a built-in kind from the source (分站). It is exported
// as CSV, imported into a fresh tenant (as CSV, and as JSON built from the same rows) and exported
// again: every file is byte for byte the same, and the JSON export too, ids aside.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("org chart: export and import round trips")
struct ChartRoundTripTests {
    static let order = ["units", "people", "positions", "assignments"]

    /// The chart, rooted at the returned unit.
    func build(_ org: OrgClient) throws -> String {
        let root = try org.unit("华南售后服务中心", code: "SC", kind: "center", extra: ["planned_establishment": 21])
        let station = try org.unit("广州分站", code: "GZ", kind: "substation", parent: root)
        _ = try org.unit("=同名组", code: "G1", kind: "group", parent: station)
        _ = try org.unit("=同名组", code: "G2", kind: "group", parent: station)
        let leadA = try org.position("主管", unit: station, grade: "B+3")
        let leadB = try org.position("主管", unit: station, grade: "B+3", extra: ["duties": ["-负责回访", "汇总, \"日报\"", "并提交"]])
        let clerkA = try org.position("客服专员", unit: station, grade: "B+5", headcount: ["kind": "exact", "n": 2], extra: ["reports_to": leadA])
        let clerkB = try org.position("客服专员", unit: station, grade: "B+4", extra: ["reports_to": leadB])
        _ = try org.position("+董事", unit: root, grade: "A+2", headcount: ["min": 2])
        let people = [("'引号开头", "E1"), ("@王五", "E2"), ("李,四", "E3"), ("赵六", "E4")]
        let ids = try people.map { try org.person($0.0, $0.1) }
        for (person, post) in zip(ids, [clerkA, clerkA, clerkB, leadB]) {
            let answer = try org.assign(person, to: post)
            guard answer.status == 201 else { throw TestFailure("assign: \(answer.text)") }
        }
        return root
    }

    func csvFiles(_ org: OrgClient, _ root: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for resource in Self.order {
            let file = try org.client.get("/v1/units/\(root)/export?format=csv&resource=\(resource)")
            guard file.status == 200 else { throw TestFailure("export \(resource): \(file.text)") }
            files[resource] = file.body
        }
        return files
    }

    func rootID(_ org: OrgClient) throws -> String {
        try #require(org.sql("SELECT unit_id::text AS id FROM unit_versions WHERE code = 'SC'").first?["id"])
    }

    /// The JSON export without the ids, which differ from tenant to tenant.
    func withoutIDs(_ body: [UInt8]) throws -> String {
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { !["id", "person_id", "from_unit_id", "to_unit_id"].contains($0.key) }.mapValues(strip)
            }
            if let list = value as? [Any] { return list.map(strip) }
            return value
        }
        let object = strip(try JSONSerialization.jsonObject(with: Data(body)))
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("regression (issue 9, defect 7): two posts of one title export, import into a fresh tenant and export again identically")
    func csvRoundTrip() async throws {
        try await TestEnvironment.withServer { port in
            let source = try OrgClient.start("roundsrc", port: port)
            let root = try build(source)
            let files = try csvFiles(source, root)
            let positions = String(decoding: files["positions"]!, as: UTF8.self)
            #expect(positions.contains("title_no"))
            let clerks = positions.split(separator: "\r\n").filter { $0.contains(",客服专员,") }
            #expect(clerks.count == 2 && clerks[0].hasSuffix(",1,1") && clerks[1].hasSuffix(",2,2"), "\(positions)")

            // Re-importing into the same tenant changes nothing.
            for resource in Self.order {
                let again = try source.client.post("/v1/org/import?resource=\(resource)", bytes: files[resource]!, type: "text/csv")
                #expect(again.status == 200, "\(resource): \(again.text)")
                #expect(again.json["created"] as? Int == 0 && again.json["changed"] as? Int == 0, "\(resource): \(again.text)")
            }

            let target = try OrgClient.start("rounddst", port: port)
            for resource in Self.order {
                let imported = try target.client.post("/v1/org/import?resource=\(resource)", bytes: files[resource]!, type: "text/csv")
                #expect(imported.status == 200, "\(resource): \(imported.text)")
            }
            let copy = try csvFiles(target, try rootID(target))
            for resource in Self.order {
                #expect(String(decoding: copy[resource]!, as: UTF8.self) == String(decoding: files[resource]!, as: UTF8.self), "\(resource)")
            }
            let original = try source.client.get("/v1/units/\(root)/export?format=json")
            let copied = try target.client.get("/v1/units/\(try rootID(target))/export?format=json")
            #expect(try withoutIDs(copied.body) == withoutIDs(original.body))
        }
    }

    @Test("the same rows imported as one JSON document give the same chart back")
    func jsonRoundTrip() async throws {
        try await TestEnvironment.withServer { port in
            let source = try OrgClient.start("roundjsrc", port: port)
            let files = try csvFiles(source, try build(source))
            var document: [String: Any] = [:]
            for resource in Self.order {
                let records = try ImportCSV.parse(files[resource]!).records
                // Each cell as the JSON type its column takes (the import refuses "1" for a count).
                document[resource] = records.map { record in
                    var fields: [String: Any] = [:]
                    for (key, cell) in record.fields where !ChartCSV.readOnly.contains(key) {
                        switch ImportJSON.kind(of: key, in: ChartCSV.Resource(rawValue: resource)!) {
                        case .integer?: fields[key] = cell.isEmpty ? NSNull() : Int(cell)! as Any
                        case .list?: fields[key] = cell.split(separator: "\n").map(String.init)
                        default: fields[key] = cell
                        }
                    }
                    return fields
                }
            }
            let target = try OrgClient.start("roundjdst", port: port)
            let imported = try target.client.post("/v1/org/import", json: document)
            #expect(imported.status == 200, "\(imported.text)")
            let copy = try csvFiles(target, try rootID(target))
            for resource in Self.order {
                #expect(String(decoding: copy[resource]!, as: UTF8.self) == String(decoding: files[resource]!, as: UTF8.self), "\(resource)")
            }
        }
    }

    @Test("a list item holding a line break, which a CSV would read back as two items, is refused naming the item")
    func multiLineItem() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("roundline", port: port)
            let unit = try org.unit("客服部", code: "SVC")
            let refused = try org.client.post("/v1/positions", json: ["title": "主管", "unit_id": unit, "headcount": "1",
                                                                       "duties": ["负责回访", "汇总日报\n并提交"]])
            #expect(refused.status == 422)
            #expect(refused.json["field"] as? String == "duties[1]")
            // Refused by the input rules every JSON string passes (a line break only in free
            // text), before the position's own single-line rule would be reached.
            #expect(refused.json["rule"] as? String == "control_character")
            #expect(try org.sql("SELECT count(*) AS n FROM positions")[0]["n"] == "0")
        }
    }

    @Test("a file naming one of two same-titled posts without its number is refused, naming the rule")
    func ambiguousWithoutNumber() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("roundamb", port: port)
            let unit = try org.unit("客服部", code: "SVC")
            _ = try org.position("客服专员", unit: unit, grade: "B+5")
            _ = try org.position("客服专员", unit: unit, grade: "B+4")
            let file = "unit_code,title,grade\r\nSVC,客服专员,B+3\r\n"
            let refused = try org.client.post("/v1/org/import?resource=positions", bytes: Array(file.utf8), type: "text/csv")
            #expect(refused.status == 422)
            #expect((refused.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "unambiguous")
            let numbered = "unit_code,title,title_no,grade\r\nSVC,客服专员,2,B+3\r\n"
            let changed = try org.client.post("/v1/org/import?resource=positions", bytes: Array(numbered.utf8), type: "text/csv")
            #expect(changed.json["changed"] as? Int == 1, "\(changed.text)")
            #expect(try org.sql("SELECT grade FROM position_versions ORDER BY grade").map { $0["grade"] } == ["B+3", "B+5"])
        }
    }
}
