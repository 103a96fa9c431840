// The demo chart (`orgd seed demo`) reproduces the source document: the call center with named
// people, an explicit vacancy and a concurrent post; one vice-director per region.

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
}
