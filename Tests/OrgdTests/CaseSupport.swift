// Helpers for the customer-case tests: a tenant with the service network of NetworkSiteTests, a
// customer-service centre and an after-sales department, washers under a 12-month warranty and a
// subcategory of each category; short calls that open a case and take it through its steps.

import Foundation
import HTTP
@testable import App
import Testing

/// A tenant ready to take customer cases.
struct CaseDesk {
    let net: NetworkSiteTests.Network
    let service: String                 // 客户服务中心: where cases are received
    let afterSales: String              // 售后服务部: the department platform issues go to

    var org: OrgClient { net.org }
    var client: HTTPClient { net.org.client }

    /// People's Square, Shanghai: where the customers of these tests live.
    static let home = (latitude: 31.2304, longitude: 121.4737)

    static func start(_ prefix: String, port: Int) throws -> CaseDesk {
        let net = try NetworkSiteTests.Network.start(prefix, port: port)
        let service = try net.org.unit("客户服务中心", code: "CSC")
        let afterSales = try net.org.unit("售后服务部", code: "AS")
        let settings = try net.org.client.request("PUT", "/v1/cases/settings", body: [
            "subcategories": [
                ["category": "equipment", "code": "no-power", "name": "无法开机"],
                ["category": "platform", "code": "app-login", "name": "App 无法登录"],
                ["category": "other", "code": "usage", "name": "使用咨询"],
            ],
            "warranties": [["product_line": "washer", "months": 12]],
        ])
        guard settings.status == 200 else { throw TestFailure("case settings: \(settings.status) \(settings.text)") }
        return CaseDesk(net: net, service: service, afterSales: afterSales)
    }

    /// A case body: a washer customer at People's Square in Shanghai, bought `boughtDaysAgo` days ago.
    func caseBody(boughtDaysAgo: Int = 100, region: String? = nil, extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "customer": ["name": "张女士", "phone": "+86 138-0000-0001"],
            "product": ["line": "washer", "model": "XQG-100", "serial_no": "SN-0001", "purchase_date": orgDay(-boughtDaysAgo)],
            "description": "洗衣机通电后无法开机",
            "channel": "phone",
            "region_id": region ?? net.shanghai,
            "location": ["latitude": Self.home.latitude, "longitude": Self.home.longitude],
            "unit_id": service,
        ]
        body.merge(extra) { $1 }
        return body
    }

    /// Opens a case as `client` (the admin by default); its id.
    @discardableResult
    func open(_ body: [String: Any]? = nil, as caller: HTTPClient? = nil) throws -> String {
        let response = try (caller ?? client).post("/v1/cases", json: body ?? caseBody())
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("open case: \(response.status) \(response.text)")
        }
        return id
    }

    /// A repair station in Shanghai, authorised, for washer repair, with a certified technician.
    @discardableResult
    func station(_ code: String, at point: (Double, Double), region: String? = nil, extra: [String: Any] = [:]) throws -> String {
        let site = try org.site(code, region: region ?? net.shanghai, at: point, capabilities: ["washer/repair"], extra: extra)
        try org.authorise(site)
        try net.certifiedTechnician(at: site)
        return site
    }

    /// The case's row facts that a refused step must leave alone: revision, state and events.
    func footprint(_ id: String) throws -> [String] {
        let row = try org.sql("""
            SELECT c.revision::text AS revision, c.state, (SELECT count(*) FROM case_events e WHERE e.case_id = c.id)::text AS events
            FROM cases c WHERE c.id = $1::uuid
            """, [id])
        return [row[0]["revision"] ?? "", row[0]["state"] ?? "", row[0]["events"] ?? ""]
    }
}

extension HTTPClient {
    /// Takes `step` on the case and returns the case after it; fails on anything but 200.
    @discardableResult
    func caseStep(_ id: String, _ step: String, _ body: [String: Any] = [:]) throws -> [String: Any] {
        let response = try post("/v1/cases/\(id)/\(step)", json: body)
        guard response.status == 200 else { throw TestFailure("\(step) on \(id): \(response.status) \(response.text)") }
        return response.json
    }
}
