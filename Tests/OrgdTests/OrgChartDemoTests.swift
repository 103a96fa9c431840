// The demo chart (`orgd seed demo`) reproduces the source document: the call center with named
// people, an explicit vacancy and a concurrent post; one vice-director per region.

import CaseFlow
import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Postgres
import Testing

@Suite("org chart: demo tenant")
struct OrgChartDemoTests {
    @Test("the demo chart has the call center with 梁军's concurrent post, a vacant director and 4 regional vice-director seats")
    func demoChart() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("demo", port: port)
            var configuration = Configuration()
            configuration.adminDatabaseURL = try TestEnvironment.adminDatabaseURL
            let tenant = org.tenant.id
            let status = AdminCommands.onLoop(configuration) { pool in
                try await pool.transaction(tenant: tenant) { connection in
                    try await DemoSeed.orgChart(connection, tenantID: tenant)
                }
            }
            #expect(status == 0)
            let found = try org.client.get("/v1/org/search?q=%E5%AE%A2%E6%9C%8D%E4%B8%AD%E5%BF%83")   // 客服中心
            let center = try #require((found.json["units"] as? [[String: Any]])?.first?["id"] as? String)
            let tree = try org.client.get("/v1/units/\(center)/tree")
            let root = try #require(tree.json["unit"] as? [String: Any])
            let seats = root["positions"] as? [[String: Any]] ?? []
            let director = try #require(seats.first { $0["title"] as? String == "部门总监" })
            #expect(director["vacant"] as? Int == 1)
            let accounts = try #require(seats.first { $0["title"] as? String == "客户经理" })
            #expect((accounts["holders"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["吴翠婷", "李晓贤"])
            #expect(accounts["vacant"] as? Int == 2)
            let holders = (root["children"] as? [[String: Any]] ?? []).flatMap { ($0["positions"] as? [[String: Any]]) ?? [] }
                .flatMap { ($0["holders"] as? [[String: Any]]) ?? [] }
            #expect(holders.contains { $0["name"] as? String == "梁军" && $0["kind"] as? String == "concurrent" })
            let vice = try org.client.get("/v1/org/search?q=%E5%8C%BA%E5%9F%9F%E5%89%AF%E6%80%BB%E7%9B%91")   // 区域副总监
            let vicePost = try #require((vice.json["positions"] as? [[String: Any]])?.first)
            #expect(vicePost["establishment"] as? Int == 4)
            #expect(vicePost["filled"] as? Int == 1)
            #expect(try org.client.get("/v1/units/\(center)?as_of=2023-12-31").status == 404)
        }
    }

    @Test("the demo's after-sales network: a regional office per region, stations at each place in the lifecycle, certified technicians, one authorisation and one certification expiring soon")
    func demoNetwork() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("demonet", port: port)
            var configuration = Configuration()
            configuration.adminDatabaseURL = try TestEnvironment.adminDatabaseURL
            let tenant = org.tenant.id
            let status = AdminCommands.onLoop(configuration) { pool in
                try await pool.transaction(tenant: tenant) { connection in
                    try await DemoSeed.orgChart(connection, tenantID: tenant)
                }
            }
            #expect(status == 0)
            let sites = try org.client.get("/v1/network/sites?limit=100").orgItems
            #expect(sites.filter { $0["kind"] as? String == "regional_office" }.count == 4)
            #expect(Set(sites.compactMap { $0["kind"] as? String }) == ["regional_office", "repair_station", "dealer", "after_sales_station",
                                                                        "parts_warehouse_new", "parts_warehouse_returned"])
            let statuses = Dictionary(uniqueKeysWithValues: sites.map { ($0["code"] as? String ?? "", $0["status"] as? String ?? "") })
            #expect(statuses["RS-BJ-CY"] == "onboarding")
            #expect(statuses["RS-CD-WH"] == "suspended")
            let expiring = try org.client.get("/v1/network/sites?expiring=true").orgItems.compactMap { $0["code"] as? String }
            #expect(expiring == ["RS-GZ-TH"])
            let certificates = try org.client.get("/v1/network/certifications/expiring").orgItems
            #expect(certificates.compactMap { ($0["technician"] as? [String: Any])?["name"] as? String } == ["黄志强"],
                    "the Guangzhou technician's terminal certification ends in 12 days")
            // A customer at People's Square needing a terminal repaired: the Pudong station, 7 km away.
            let near = try org.client.get("/v1/network/sites/nearest?latitude=31.2304&longitude=121.4737&capability=terminal/repair&limit=1")
            #expect(near.orgItems.compactMap { ($0["site"] as? [String: Any])?["code"] as? String } == ["RS-SH-PD"])
            let history = try org.client.get("/v1/network/sites/\(sites.first { $0["code"] as? String == "RS-CD-WH" }!["id"]!)/transitions")
            #expect(history.orgItems.compactMap { $0["to"] as? String } == ["onboarding", "authorised", "suspended"])
            // Last month's inspection of the Hangzhou station scored 44 (threshold 60) and put it on probation.
            let hangzhou = try #require(sites.first { $0["code"] as? String == "RS-HZ-XH" }?["id"] as? String)
            #expect(statuses["RS-HZ-XH"] == "probation")
            let moves = try org.client.get("/v1/network/sites/\(hangzhou)/transitions").orgItems
            let probation = try #require(moves.last)
            #expect(probation["to"] as? String == "probation" && probation["inspection_id"] is String)
            let inspections = try org.client.get("/v1/network/sites/\(hangzhou)/inspections").orgItems
            #expect(inspections.first?["total"] as? Double == 44)
            #expect(try org.client.get("/v1/network/corrective-actions?overdue=true").orgItems.count == 1)
            // A customer case in every state of the flow, the dispatched one paused for parts, one reopened once.
            let cases = try org.client.get("/v1/cases").orgItems
            #expect(Set(cases.compactMap { $0["state"] as? String }) == Set(CaseState.allCases.map(\.rawValue)))
            #expect(cases.contains { $0["state"] as? String == "dispatched" && ($0["sla"] as? [String: Any])?["paused"] as? String == "parts" })
            #expect(cases.contains { $0["state"] as? String == "closed" && $0["reopen_count"] as? Int == 1 })
        }
    }
}
