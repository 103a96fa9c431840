// Issue 9, defect 5, over HTTP against a real Postgres: POST /v1/org/import coerced wrong JSON
// types (a number name 12345 stored as "12345", an object as `["$ne": 1]`, an array as "a\nb",
// true as "1") and took `effective_date: 20240101` as today. Each wrong type is now refused
// with its row and field, and nothing is written.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("input strictness: import types")
struct InputStrictnessImportTests {
    /// Units, org changes and positions: what a refused import must leave as it was.
    static func counts(_ org: OrgClient) throws -> [String?] {
        try ["units", "org_changes", "positions", "people"].map { table in
            try org.sql("SELECT count(*) AS n FROM \(table)")[0]["n"]
        }
    }

    static func post(_ org: OrgClient, _ json: String) throws -> RawResponse {
        try org.client.post("/v1/org/import", bytes: Array(json.utf8), type: "application/json")
    }

    static let good = #"{"code":"OK1","name":"正常","kind":"department"}"#

    @Test("a value of the wrong JSON type is refused with its row and field, and nothing is imported",
          arguments: [
              (#"{"units":[\#(good),{"code":"U2","name":12345,"kind":"department"}]}"#, "units", 2, "name"),
              (#"{"units":[\#(good),{"code":"U2","name":{"$ne":1},"kind":"department"}]}"#, "units", 2, "name"),
              (#"{"units":[\#(good),{"code":"U2","name":["a","b"],"kind":"department"}]}"#, "units", 2, "name"),
              (#"{"units":[\#(good),{"code":"U2","name":true,"kind":"department"}]}"#, "units", 2, "name"),
              (#"{"units":[\#(good),{"code":"U2","name":"n","kind":"department","sort_order":1.5}]}"#, "units", 2, "sort_order"),
              (#"{"units":[\#(good),{"code":"U2","name":"n","kind":"department","sort_order":"3"}]}"#, "units", 2, "sort_order"),
              (#"{"units":[\#(good),{"code":"U2","name":"n","kind":"department","functions":["a",1]}]}"#, "units", 2, "functions"),
              (#"{"units":[\#(good),{"code":"U2","name":"n","kind":"department","functions":"a"}]}"#, "units", 2, "functions"),
              (#"{"units":[\#(good)],"positions":[{"unit_code":"OK1","title":"t","headcount":{"kind":"exact","n":"1"}}]}"#, "positions", 1, "headcount"),
              (#"{"units":[\#(good)],"positions":[{"unit_code":"OK1","title":"t","headcount":7}]}"#, "positions", 1, "headcount"),
              (#"{"units":[\#(good)],"positions":[{"unit_code":"OK1","title":"t","reports_to":"OK1"}]}"#, "positions", 1, "reports_to"),
              (#"{"units":[\#(good)],"positions":[{"unit_code":"OK1","title":"t","span_max":false}]}"#, "positions", 1, "span_max"),
              (#"{"units":[\#(good)],"people":[{"employee_no":"E1","name":"甲","contact":{"phone":13900000001}}]}"#, "people", 1, "contact"),
              (#"{"units":[\#(good)],"people":[{"employee_no":1,"name":"甲"}]}"#, "people", 1, "employee_no"),
              (#"{"units":[\#(good)],"assignments":[{"employee_no":"E1","unit_code":"OK1","position_title":"t","start_date":20240101}]}"#, "assignments", 1, "start_date"),
          ])
    func wrongType(_ json: String, _ resource: String, _ row: Int, _ field: String) async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("imtype", port: port)
            let before = try Self.counts(org)
            let answer = try Self.post(org, json)
            #expect(answer.status == 422, "\(answer.text)")
            #expect(answer.code == "IMPORT_INVALID")
            let errors = answer.json["errors"] as? [[String: Any]] ?? []
            #expect(errors.count == 1, "\(answer.text)")
            #expect(errors.first?["resource"] as? String == resource)
            #expect(errors.first?["row"] as? Int == row)
            #expect(errors.first?["field"] as? String == field)
            #expect(errors.first?["rule"] as? String == "type", "\(answer.text)")
            #expect((errors.first?["message"] as? String)?.hasPrefix("\(resource)[\(row - 1)].\(field)") == true, "\(answer.text)")
            #expect(try Self.counts(org) == before)
        }
    }

    @Test("regression: a list item holding a line break is refused, not split into two items")
    func multiLineListItem() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("imline", port: port)
            let before = try Self.counts(org)
            let answer = try Self.post(org, #"{"units":[{"code":"U1","name":"n","kind":"department","functions":["a\nb"]}]}"#)
            #expect(answer.status == 422, "\(answer.text)")
            let errors = answer.json["errors"] as? [[String: Any]] ?? []
            #expect(errors.first?["field"] as? String == "functions", "\(answer.text)")
            #expect(errors.first?["rule"] as? String == "single_line", "\(answer.text)")
            #expect(try Self.counts(org) == before)
        }
    }

    @Test("a number as effective_date is refused naming the field, not applied today")
    func effectiveDateNumber() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("imdate", port: port)
            let before = try Self.counts(org)
            for value in ["20240101", "null", #"["2024-01-01"]"#] {
                let answer = try Self.post(org, #"{"effective_date":\#(value),"units":[\#(Self.good)]}"#)
                #expect(answer.status == 422, "\(answer.text)")
                #expect(answer.json["field"] as? String == "effective_date")
                #expect(answer.json["rule"] as? String == "type")
            }
            let impossible = try Self.post(org, #"{"effective_date":"2024-02-30","units":[\#(Self.good)]}"#)
            #expect(impossible.json["field"] as? String == "effective_date")
            // The file's own date is checked even when the query's date wins.
            let overridden = try org.client.post("/v1/org/import?effective_date=2024-01-01",
                                                 bytes: Array(#"{"effective_date":"AAA","units":[\#(Self.good)]}"#.utf8), type: "application/json")
            #expect(overridden.status == 422, "\(overridden.text)")
            #expect(overridden.json["field"] as? String == "effective_date")
            #expect(try Self.counts(org) == before)
            // The string form still works and dates the change.
            let fine = try Self.post(org, #"{"effective_date":"2024-01-01","units":[\#(Self.good)]}"#)
            #expect(fine.status == 200, "\(fine.text)")
            #expect(fine.json["effective_date"] as? String == "2024-01-01")
        }
    }

    @Test("unknown keys, duplicate keys, NUL and over-long text in an import are refused, nothing imported")
    func otherStrictness() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("imstrict", port: port)
            let before = try Self.counts(org)
            let unknown = try Self.post(org, #"{"units":[{"code":"U1","name":"n","kind":"department","nmae":"x"}]}"#)
            #expect(unknown.status == 422)
            #expect((unknown.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "unknown_field")
            #expect((unknown.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "nmae")
            let nested = try Self.post(org, #"{"units":[\#(Self.good)],"positions":[{"unit_code":"OK1","title":"t","headcount":{"kind":"exact","n":1,"mx":2}}]}"#)
            #expect((nested.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "unknown_field", "\(nested.text)")

            let duplicate = try Self.post(org, #"{"units":[{"code":"U1","name":"a","name":"b","kind":"department"}]}"#)
            #expect(duplicate.status == 400)
            #expect(duplicate.code == "JSON_DUPLICATE_KEY")
            #expect(duplicate.json["field"] as? String == "units[0].name")

            let nul = try Self.post(org, #"{"units":[{"code":"U1","name":"a\u0000b","kind":"department"}]}"#)
            #expect((nul.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "control_character", "\(nul.text)")
            #expect((nul.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "name")

            let long = String(repeating: "岗", count: 1_001)
            let csv = "unit_code,title,duties\r\nOK1,t,\"\(long)\"\r\n"
            let tooLong = try org.client.post("/v1/org/import?resource=positions", bytes: Array(csv.utf8), type: "text/csv")
            #expect(tooLong.status == 422)
            #expect((tooLong.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "duties[0]", "\(tooLong.text)")
            #expect((tooLong.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "length")
            #expect(try Self.counts(org) == before)
        }
    }

    @Test("an import typed correctly, with nulls that clear and a charset on the media type, is accepted")
    func correctTypes() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("imok", port: port)
            let json = #"""
                {"effective_date":"2024-01-01",
                 "units":[{"code":"SVC","name":"售后服务部","kind":"department","functions":["安装"],"sort_order":2,"tier":null}],
                 "positions":[{"unit_code":"SVC","title":"经理","headcount":{"kind":"range","min":1,"max":3},"span_min":null,
                               "reports_to":null,"duties":["统筹"]}],
                 "people":[{"employee_no":"S1","name":"梁军","contact":{"phone":"139"}}]}
                """#
            let answer = try org.client.post("/v1/org/import", bytes: Array(json.utf8), type: "application/json; charset=utf-8")
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.json["created"] as? Int == 3)
        }
    }
}
