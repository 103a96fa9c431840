// The monthly quality report over HTTP against a real Postgres: its figures checked against
// cases built for it (taken through the flow, then moved into March 2025 in SQL as the owner),
// the month's UTC bounds, narrowing by region and unit with the policy that goes with it, the
// CSV's spreadsheet safety, the SVG read back as XML, and bad parameters.

import Foundation
import HTTP
@testable import OrgChart
import SVGTestSupport
import Testing

@Suite("customer cases: the monthly quality report")
struct CaseReportTests {
    /// A desk with the month's cases, and one case each just before and just after March 2025 (UTC).
    struct March {
        let desk: ReportDesk
        let e1, e2, e3, p1, p2, o1, r1: String

        /// e1–e3 equipment (dispatched to the station), p1–p2 platform, o1 other, r1 not classified:
        ///
        ///     case  subcategory  unit  site    region  hours to resolve  breach  reopened  follow-up  charge
        ///     e1    noise        CS    SH-001  上海    10                -       -         satisfied  charged 180
        ///     e2    noise        CS    SH-001  上海    30                1       1         unsat., then satisfied  free
        ///     e3    leak         CS    SH-001  上海    -                 -       -         -          charged 120.5
        ///     p1    login        AS    -       华南    5                 -       1         unsatisfied  -
        ///     p2    -            CS    -       华南    1                 -       -         -          -
        ///     o1    -            CS    -       none    2                 -       -         satisfied  -
        ///     r1    -            CS    -       华东    -                 -       -         -          -
        static func build(_ prefix: String, port: Int) throws -> March {
            let desk = try ReportDesk.start(prefix, port: port)
            let net = desk.net
            let e1 = try desk.open(region: net.shanghai)
            try desk.dispatch(e1)
            try desk.repair(e1, amount: 180)
            try desk.step(e1, "follow-up", ["outcome": "satisfied"])

            let e2 = try desk.open(region: net.shanghai)
            try desk.dispatch(e2, charge: "free")
            try CaseSLATests.shift(desk, e2, entered: 50, due: 2)
            try desk.repair(e2)
            try desk.step(e2, "follow-up", ["outcome": "unsatisfied", "note": "还是有噪音"])
            try desk.repair(e2)
            try desk.step(e2, "follow-up", ["outcome": "satisfied"])

            let e3 = try desk.open(region: net.shanghai)
            try desk.dispatch(e3, subcategory: "leak")
            try desk.step(e3, "site-report", ["work_done": "更换进水阀", "charge_amount": 120.5])

            let p1 = try desk.open(region: net.south, line: nil)
            try desk.step(p1, "classify", ["category": "platform", "subcategory": "login"])
            try desk.step(p1, "forward", ["unit_id": desk.afterSales])
            try desk.step(p1, "report", ["note": "已重置密码"])
            try desk.step(p1, "follow-up", ["outcome": "unsatisfied"])

            let p2 = try desk.open(region: net.south, line: nil)
            try desk.step(p2, "classify", ["category": "platform"])
            try desk.step(p2, "solve", ["note": "指导用户清除缓存"])

            let o1 = try desk.open(line: nil)
            try desk.step(o1, "classify", ["category": "other"])
            try desk.step(o1, "guide", ["note": "说明了退换货流程"])
            try desk.step(o1, "follow-up", ["outcome": "satisfied"])

            let r1 = try desk.open(region: net.east)
            let before = try desk.open(region: net.shanghai)
            let after = try desk.open(region: net.shanghai)

            for (id, received, hours) in [(e1, "2025-03-02T08:00:00Z", 10.0), (e2, "2025-03-10T12:00:00Z", 30), (e3, "2025-03-15T00:00:00Z", 0),
                                          (p1, "2025-03-31T23:59:59Z", 5), (p2, "2025-03-01T00:00:00Z", 1), (o1, "2025-03-20T09:30:00Z", 2),
                                          (r1, "2025-03-25T10:00:00Z", 0), (before, "2025-02-28T23:59:59Z", 0), (after, "2025-04-01T00:00:00Z", 0)] {
                try desk.org.sql("""
                    UPDATE cases SET received_at = $2::timestamptz,
                           resolved_at = CASE WHEN resolved_at IS NULL THEN NULL ELSE $2::timestamptz + $3::float8 * interval '1 hour' END
                    WHERE id = $1::uuid
                    """, [id, received, String(hours)])
            }
            return March(desk: desk, e1: e1, e2: e2, e3: e3, p1: p1, p2: p2, o1: o1, r1: r1)
        }
    }

    /// GET the report as JSON; fails unless 200.
    static func report(_ client: HTTPClient, _ query: String = "") throws -> [String: Any] {
        let response = try client.get("/v1/cases/reports/monthly?month=2025-03\(query)")
        guard response.status == 200 else { throw TestFailure("report \(query): \(response.status) \(response.text)") }
        #expect(response.header("Content-Type") == "application/json")
        return response.json
    }

    /// The row of a section whose `key` is `value` (NSNull for "none").
    static func row(_ report: [String: Any], _ section: String, _ key: String, _ value: Any) -> [String: Any]? {
        (report[section] as? [[String: Any]])?.first { row in
            if value is NSNull { return row[key] is NSNull }
            return (row[key] as? String) == (value as? String)
        }
    }

    /// `expected` figures (name → number) found in `row`, doubles within a hundredth; "nil" for null.
    static func check(_ row: [String: Any]?, _ expected: [String: Double?], _ label: String) {
        guard let row else { Issue.record("\(label): no such row"); return }
        for (name, value) in expected {
            if let value {
                let actual = (row[name] as? NSNumber)?.doubleValue
                #expect(actual.map { abs($0 - value) < 0.01 } == true, "\(label).\(name): \(String(describing: actual)) ≠ \(value)")
            } else {
                #expect(row[name] is NSNull, "\(label).\(name) is null, not \(String(describing: row[name]))")
            }
        }
    }

    @Test("the month's figures by category, subcategory, department, site and region match the cases built for it")
    func figures() async throws {
        try await TestEnvironment.withServer { port in
            let march = try March.build("rptfig", port: port)
            let desk = march.desk
            // Another tenant's March case never counts.
            let other = try ReportDesk.start("rptfigother", port: port)
            let foreign = try other.open(region: other.net.shanghai)
            try other.org.sql("UPDATE cases SET received_at = '2025-03-05T00:00:00Z' WHERE id = $1::uuid", [foreign])

            let report = try Self.report(desk.org.client)
            #expect(report["month"] as? String == "2025-03")
            #expect(report["from"] as? String == "2025-03-01T00:00:00Z")
            #expect(report["to"] as? String == "2025-04-01T00:00:00Z")
            // Resolved: e1 e2 p1 p2 o1 (hours 10 30 5 1 2: mean 9.6, p90 22); within the SLA all but e2.
            Self.check(report["total"] as? [String: Any], [
                "cases": 7, "resolved": 5, "resolved_within_sla": 4, "within_sla_rate": 0.8, "mean_hours_to_resolve": 9.6,
                "p90_hours_to_resolve": 22, "reopened": 2, "reopen_rate": 0.4, "followed_up": 4, "satisfied": 3, "satisfaction_rate": 0.75,
                "free": 1, "charged": 2, "charged_total": 300.5,
            ], "total")

            Self.check(Self.row(report, "categories", "category", "equipment"), [
                "cases": 3, "resolved": 2, "resolved_within_sla": 1, "within_sla_rate": 0.5, "mean_hours_to_resolve": 20,
                "p90_hours_to_resolve": 28, "reopened": 1, "reopen_rate": 0.5, "followed_up": 2, "satisfaction_rate": 1,
                "free": 1, "charged": 2, "charged_total": 300.5,
            ], "equipment")
            Self.check(Self.row(report, "categories", "category", "platform"), [
                "cases": 2, "resolved": 2, "resolved_within_sla": 2, "mean_hours_to_resolve": 3, "p90_hours_to_resolve": 4.6,
                "reopened": 1, "reopen_rate": 0.5, "followed_up": 1, "satisfied": 0, "satisfaction_rate": 0, "free": 0, "charged": 0,
                "charged_total": 0,
            ], "platform")
            Self.check(Self.row(report, "categories", "category", "other"), ["cases": 1, "resolved": 1, "p90_hours_to_resolve": 2,
                                                                               "satisfaction_rate": 1], "other")
            Self.check(Self.row(report, "categories", "category", NSNull()), [
                "cases": 1, "resolved": 0, "within_sla_rate": nil, "mean_hours_to_resolve": nil, "p90_hours_to_resolve": nil,
                "reopen_rate": nil, "satisfaction_rate": nil,
            ], "not classified")
            #expect((report["categories"] as? [[String: Any]])?.count == 4)

            let subcategories = report["subcategories"] as? [[String: Any]] ?? []
            let noise = subcategories.first { $0["subcategory"] as? String == "noise" }
            #expect(noise?["category"] as? String == "equipment")
            #expect(noise?["name"] as? String == "噪音")
            Self.check(noise, ["cases": 2, "resolved": 2, "reopened": 1], "noise")
            Self.check(subcategories.first { $0["subcategory"] as? String == "leak" }, ["cases": 1, "resolved": 0, "charged_total": 120.5], "leak")
            Self.check(subcategories.first { $0["subcategory"] as? String == "login" }, ["cases": 1, "satisfaction_rate": 0], "login")
            #expect(subcategories.count == 6, "noise, leak, login, platform/none, other/none, none/none: \(subcategories)")

            let service = Self.row(report, "departments", "unit_id", desk.service)
            #expect(service?["code"] as? String == "CS")
            #expect(service?["name"] as? String == "客服中心")
            Self.check(service, ["cases": 6, "resolved": 4, "resolved_within_sla": 3], "客服中心")
            Self.check(Self.row(report, "departments", "unit_id", desk.afterSales), ["cases": 1, "resolved": 1, "reopened": 1], "售后部")
            #expect((report["departments"] as? [[String: Any]])?.first?["unit_id"] as? String == desk.service, "most cases first")

            let station = Self.row(report, "sites", "site_id", desk.station)
            #expect(station?["code"] as? String == "SH-001")
            #expect(station?["name"] as? String == "上海浦东维修站")
            Self.check(station, ["cases": 3, "resolved": 2, "p90_hours_to_resolve": 28], "SH-001")
            Self.check(Self.row(report, "sites", "site_id", NSNull()), ["cases": 4], "never dispatched")

            let net = desk.net
            #expect(Self.row(report, "regions", "region_id", net.shanghai)?["name"] as? String == "上海")
            Self.check(Self.row(report, "regions", "region_id", net.shanghai), ["cases": 3], "上海")
            Self.check(Self.row(report, "regions", "region_id", net.south), ["cases": 2, "resolved": 2], "华南")
            Self.check(Self.row(report, "regions", "region_id", net.east), ["cases": 1, "resolved": 0], "华东")
            Self.check(Self.row(report, "regions", "region_id", NSNull()), ["cases": 1], "no region")

            // Each section sums to the month.
            for section in ["categories", "subcategories", "departments", "sites", "regions"] {
                let sum = (report[section] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["cases"] as? Int ?? 0) }
                #expect(sum == 7, "\(section) sums to \(sum)")
            }
            // A month without cases answers zeros and empty sections.
            let emptyMonth = try desk.org.client.get("/v1/cases/reports/monthly?month=2024-01")
            #expect(emptyMonth.status == 200)
            let empty = emptyMonth.json
            Self.check(empty["total"] as? [String: Any], ["cases": 0, "resolved": 0, "within_sla_rate": nil, "charged_total": 0], "empty month")
            #expect((empty["departments"] as? [Any])?.isEmpty == true)
            Self.check(try Self.report(other.org.client)["total"] as? [String: Any], ["cases": 1], "the other tenant's own")
        }
    }

    @Test("narrowed to a region or a unit the report sums only their subtree's cases; a regional manager gets their region's report and a 403 for the tenant's")
    func narrowed() async throws {
        try await TestEnvironment.withServer { port in
            let march = try March.build("rptnarrow", port: port)
            let desk = march.desk
            let net = desk.net
            // 华东 holds 上海: e1 e2 e3, and r1.
            let east = try Self.report(desk.org.client, "&region_id=\(net.east)")
            #expect(east["region_id"] as? String == net.east)
            Self.check(east["total"] as? [String: Any], ["cases": 4, "resolved": 2, "charged_total": 300.5], "华东")
            #expect(Self.row(east, "regions", "region_id", net.south) == nil)
            Self.check(try Self.report(desk.org.client, "&unit_id=\(desk.afterSales)")["total"] as? [String: Any], ["cases": 1], "售后部")
            Self.check(try Self.report(desk.org.client, "&unit_id=\(desk.service)&region_id=\(net.south)")["total"] as? [String: Any],
                       ["cases": 1, "resolved": 1], "客服中心 in 华南")
            // A unit's subtree: a group under after-sales counts toward it.
            let group = try desk.org.unit("售后一组", code: "AS1", kind: "group", parent: desk.afterSales)
            try desk.org.sql("UPDATE cases SET unit_id = $2::uuid WHERE id = $1::uuid", [march.p2, group])
            Self.check(try Self.report(desk.org.client, "&unit_id=\(desk.afterSales)")["total"] as? [String: Any], ["cases": 2], "售后部 and its group")

            let manager = try desk.org.regionalUser("east.manager", grade: "A2", region: net.east)
            let whole = try manager.get("/v1/cases/reports/monthly?month=2025-03")
            #expect(whole.status == 403, "\(whole.text)")
            #expect(whole.json["code"] as? String == "SCOPE_NOT_COVERED")
            Self.check(try Self.report(manager, "&region_id=\(net.shanghai)")["total"] as? [String: Any], ["cases": 3], "上海 for the manager")
            Self.check(try Self.report(manager, "&region_id=\(net.east)")["total"] as? [String: Any], ["cases": 4], "华东 for the manager")
            #expect(try manager.get("/v1/cases/reports/monthly?month=2025-03&region_id=\(net.south)").status == 403)
            #expect(try manager.get("/v1/cases/reports/monthly?month=2025-03&unit_id=\(desk.service)").status == 403)
            let viewer = try desk.org.user("viewer", grade: "B+1", role: "Viewer")
            let refused = try viewer.get("/v1/cases/reports/monthly?month=2025-03")
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.json["code"] as? String == "PERMISSION_MISSING", "no cases.handle anywhere: \(refused.text)")
        }
    }

    @Test("the CSV is one spreadsheet-safe table: BOM, CRLF, formula starts behind an apostrophe, the JSON's figures")
    func csv() async throws {
        try await TestEnvironment.withServer { port in
            let march = try March.build("rptcsv", port: port)
            let desk = march.desk
            // Names a spreadsheet would run as formulas.
            try desk.org.sql("UPDATE unit_versions SET name = '=HYPERLINK(\"http://x\",\"点我\")' WHERE unit_id = $1::uuid", [desk.afterSales])
            try desk.org.sql("UPDATE case_subcategories SET name = '+SUM(1,2)' WHERE code = 'leak'")
            try desk.org.sql("UPDATE site_versions SET name = '@cmd, \"站\"' WHERE site_id = $1::uuid", [desk.station])
            try desk.org.sql("UPDATE case_subcategories SET name = '-1' WHERE code = 'noise'")

            let response = try desk.org.client.get("/v1/cases/reports/monthly?month=2025-03&format=csv")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/csv; charset=utf-8; header=present")
            #expect(response.header("Content-Disposition") == "inline; filename=\"cases-2025-03.csv\"")
            #expect(Array(response.body.prefix(3)) == [0xEF, 0xBB, 0xBF], "a byte-order mark, so Excel reads the Chinese")
            let text = String(decoding: response.body.dropFirst(3), as: UTF8.self)
            #expect(text.hasSuffix("\r\n"))
            #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF line ends only (no field holds a line break)")
            #expect(text.contains(",'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")") || text.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\""))
            #expect(text.contains(",'+SUM(1,2)") || text.contains(",\"'+SUM(1,2)\""))
            #expect(text.contains(",\"'@cmd, \"\"站\"\"\""))
            #expect(text.contains(",'-1,"))
            for start in ["=", "+", "-", "@"] {
                #expect(!text.contains(",\(start)") && !text.contains(",\"\(start)"), "no cell starts with \(start)")
            }

            let parsed = try ImportCSV.parse(response.body)
            #expect(parsed.header.first == "section")
            #expect(parsed.header.count == 20)
            let json = try Self.report(desk.org.client)
            let sections = ["categories", "subcategories", "departments", "sites", "regions"]
            #expect(parsed.records.count == 1 + sections.reduce(0) { $0 + ((json[$1] as? [Any])?.count ?? 0) })
            let total = try #require(parsed.records.first { $0.fields["section"] == "total" })
            #expect(total.fields["cases"] == "7")
            #expect(total.fields["within_sla_rate"] == "0.8")
            #expect(total.fields["mean_hours_to_resolve"] == "9.6")
            #expect(total.fields["charged_total"] == "300.5")
            let afterSales = try #require(parsed.records.first { $0.fields["id"] == desk.afterSales })
            #expect(afterSales.fields["section"] == "department")
            #expect(afterSales.fields["name"] == "=HYPERLINK(\"http://x\",\"点我\")", "read back, the apostrophe is gone")
            #expect(afterSales.fields["code"] == "AS")
            #expect(afterSales.fields["cases"] == "1")
            let unclassified = try #require(parsed.records.first { $0.fields["section"] == "category" && $0.fields["category"] == "" })
            #expect(unclassified.fields["within_sla_rate"] == "", "no rate without resolved cases")
        }
    }

    @Test("the SVG draws a bar per department, most cases first, and reads back as XML")
    func svg() async throws {
        try await TestEnvironment.withServer { port in
            let march = try March.build("rptsvg", port: port)
            let desk = march.desk
            try desk.org.sql("UPDATE unit_versions SET name = '售后部 <R&D>' WHERE unit_id = $1::uuid", [desk.afterSales])
            let response = try desk.org.client.get("/v1/cases/reports/monthly?month=2025-03&format=svg")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "image/svg+xml")
            let svg = SVGShapes.parse(response.body)
            #expect(svg.check.failure == nil, "\(svg.check.failure ?? "")")
            let departments = svg.elements.filter { $0.name == "g" }.compactMap { $0.attributes["data-department"] }
            #expect(departments == ["客服中心 (CS)", "售后部 <R&D> (AS)"])
            #expect(svg.raw.contains("售后部 &lt;R&amp;D&gt; (AS)"))
            #expect(svg.check.text.contains("2025-03"))
            #expect(svg.check.text.contains("6 cases · within SLA 75% · p90 24 h · satisfied 100% · reopened 1"), "\(svg.check.text)")
        }
    }

    @Test("a month asked again is read from its snapshot until one of its cases changes, through orgd or not; narrowed reports keep none")
    func snapshot() async throws {
        try await TestEnvironment.withServer { port in
            let march = try March.build("rptsnap", port: port)
            let desk = march.desk
            func kept() throws -> [[String: String]] {
                try desk.org.sql("SELECT month::text, fingerprint, summed_at::text FROM case_report_snapshots")
            }
            #expect(try kept().isEmpty)
            let first = try Self.report(desk.org.client)
            let snapshot = try #require(try kept().first)
            #expect(snapshot["month"] == "2025-03-01")
            #expect(snapshot["fingerprint"]?.hasPrefix("7:") == true, "seven cases: \(snapshot)")
            let again = try Self.report(desk.org.client)
            #expect(try kept() == [snapshot], "read, not summed again")
            #expect(NSDictionary(dictionary: again) == NSDictionary(dictionary: first), "the same answer from the snapshot")
            Self.check(again["total"] as? [String: Any], ["cases": 7, "p90_hours_to_resolve": 22, "charged_total": 300.5], "from the snapshot")

            // A step on a case of the month: summed again.
            try desk.step(march.e3, "resolve")
            let resolved = try Self.report(desk.org.client)
            Self.check(resolved["total"] as? [String: Any], ["cases": 7, "resolved": 6], "after e3's resolution")
            #expect(try kept().first?["fingerprint"] != snapshot["fingerprint"])
            // A change made in SQL, past orgd: seen all the same.
            try desk.org.sql("UPDATE cases SET charge_amount = 200 WHERE id = $1::uuid", [march.e1])
            Self.check(try Self.report(desk.org.client)["total"] as? [String: Any], ["charged_total": 320.5], "after the SQL change")
            // A case of another month changes nothing of March's.
            let changed = try kept()
            let april = try desk.open(region: desk.net.east)
            try desk.org.sql("UPDATE cases SET received_at = '2025-04-02T00:00:00Z' WHERE id = $1::uuid", [april])
            _ = try Self.report(desk.org.client)
            #expect(try kept() == changed)
            // Narrowed reports are summed each time and kept nowhere.
            _ = try Self.report(desk.org.client, "&region_id=\(desk.net.east)")
            #expect(try kept().count == 1)
            // Another tenant's snapshot of the same month is its own: row-level security, forced.
            let other = try ReportDesk.start("rptsnapother", port: port)
            Self.check(try Self.report(other.org.client)["total"] as? [String: Any], ["cases": 0], "the other tenant's March")
            #expect(try kept().count == 1)
            #expect(try other.org.sql("SELECT fingerprint FROM case_report_snapshots").map { $0["fingerprint"] } == ["0:0"])
            let flags = try desk.org.sql("SELECT relrowsecurity::text AS on, relforcerowsecurity::text AS forced FROM pg_class WHERE relname = 'case_report_snapshots'")
            #expect(flags.first?["on"] == "true" && flags.first?["forced"] == "true")
        }
    }

    @Test("bad parameters are refused naming the parameter and the rule, before anything is read")
    func badParameters() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try ReportDesk.start("rptbad", port: port)
            let other = try ReportDesk.start("rptbadother", port: port)
            let refusals: [(String, String, String)] = [
                ("", "month", "required"),
                ("month=2025-13", "month", "month"),
                ("month=2025-3", "month", "month"),
                ("month=25-03-01", "month", "month"),
                ("month=1969-12", "month", "month"),
                ("month=2025-03&format=pdf", "format", "one_of"),
                ("month=2025-03&unit_id=CS", "unit_id", "uuid"),
                ("month=2025-03&unit_id=\(other.service)", "unit_id", "exists"),
                ("month=2025-03&region_id=\(other.net.east)", "region_id", "exists"),
            ]
            for (query, parameter, rule) in refusals {
                let response = try desk.org.client.get("/v1/cases/reports/monthly?\(query)")
                #expect(response.status == 400, "\(query): \(response.text)")
                #expect(response.header("Content-Type") == "application/problem+json")
                #expect(response.json["code"] as? String == "INVALID_QUERY")
                #expect(response.json["field"] as? String == parameter, "\(query): \(response.text)")
                #expect(response.json["rule"] as? String == rule, "\(query): \(response.text)")
            }
        }
    }
}
