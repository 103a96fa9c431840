// Helpers for the SLA and monthly-report tests of customer cases: a tenant with a customer
// service center and an after-sales department, the network's regions (华东 > 上海, 华南) and an
// authorised repair station in 上海 with a certified technician, SLA rules, and short calls that
// take a case through the flow over HTTP, failing on the first refusal.

import Foundation
import HTTP
import Testing

struct ReportDesk {
    let net: NetworkSiteTests.Network
    let service: String                 // 客服中心: where cases are received
    let afterSales: String              // 售后部: where platform issues are forwarded
    let station: String                 // SH-001: authorised, washer/repair, one certified technician

    var org: OrgClient { net.org }

    /// Hours per state (and category); the tests that need others replace them.
    static var defaultSLA: [[String: Any]] {
        [
            ["category": NSNull(), "state": "received", "hours": 2],
            ["category": NSNull(), "state": "classified", "hours": 24],
            ["category": NSNull(), "state": "forwarded", "hours": 48],
            ["category": NSNull(), "state": "warranty_decided", "hours": 8],
            ["category": NSNull(), "state": "owner_notified", "hours": 8],
            ["category": NSNull(), "state": "dispatched", "hours": 48],
            ["category": NSNull(), "state": "site_reported", "hours": 24],
            ["category": NSNull(), "state": "resolved", "hours": 72],
        ]
    }

    static func start(_ prefix: String, port: Int, sla: [[String: Any]] = ReportDesk.defaultSLA) throws -> ReportDesk {
        let net = try NetworkSiteTests.Network.start(prefix, port: port)
        let service = try net.org.unit("客服中心", code: "CS")
        let afterSales = try net.org.unit("售后部", code: "AS")
        let station = try net.org.site("SH-001", name: "上海浦东维修站", region: net.shanghai, at: (31.22, 121.54), capabilities: ["washer/repair"])
        try net.org.authorise(station)
        try net.certifiedTechnician(at: station)
        let desk = ReportDesk(net: net, service: service, afterSales: afterSales, station: station)
        try desk.settings(["sla": sla, "warranties": [["product_line": "washer", "months": 24]],
                           "subcategories": [["category": "equipment", "code": "noise", "name": "噪音"],
                                             ["category": "equipment", "code": "leak", "name": "漏水"],
                                             ["category": "platform", "code": "login", "name": "无法登录"]]])
        return desk
    }

    /// PUT /v1/cases/settings with `body` (fields absent keep their value).
    func settings(_ body: [String: Any]) throws {
        let response = try org.client.request("PUT", "/v1/cases/settings", body: body)
        guard response.status == 200 else { throw TestFailure("case settings: \(response.status) \(response.text)") }
    }

    /// A case received by customer service (or `unit`), in `region`; its id.
    func open(region: String? = nil, unit: String? = nil, line: String? = "washer", phone: String = "13800000000",
              client: HTTPClient? = nil) throws -> String {
        var body: [String: Any] = ["customer": ["name": "王女士", "phone": phone], "description": "洗衣机脱水时噪音很大",
                                   "channel": "phone", "unit_id": unit ?? service]
        if let region { body["region_id"] = region }
        if let line { body["product"] = ["line": line, "model": "XQG-80", "serial_no": "SN001", "purchase_date": orgDay(-200)] }
        let response = try (client ?? org.client).post("/v1/cases", json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("open a case: \(response.status) \(response.text)")
        }
        return id
    }

    /// POST /v1/cases/{id}/{step}; the case after it.
    @discardableResult
    func step(_ id: String, _ step: String, _ body: [String: Any] = [:]) throws -> [String: Any] {
        let response = try org.client.post("/v1/cases/\(id)/\(step)", json: body)
        guard response.status == 200 else { throw TestFailure("\(step) on \(id): \(response.status) \(response.text)") }
        return response.json
    }

    /// received → classified (equipment) → warranty decided (non-human cause) → owner notified → dispatched to the station.
    func dispatch(_ id: String, subcategory: String = "noise", charge: String = "charged") throws {
        try step(id, "classify", ["category": "equipment", "subcategory": subcategory])
        try step(id, "decide-warranty", ["cause": "non_human", "charge": charge])
        try step(id, "notify-owner", ["note": "电机故障，非人为损坏"])
        try step(id, "dispatch", ["site_id": station])
    }

    /// A dispatched case through the site's report and the resolution; `amount` is the charge.
    func repair(_ id: String, amount: Double? = nil) throws {
        var report: [String: Any] = ["work_done": "更换电机"]
        if let amount { report["charge_amount"] = amount }
        try step(id, "site-report", report)
        try step(id, "resolve")
    }

    func read(_ id: String) throws -> [String: Any] {
        let response = try org.client.get("/v1/cases/\(id)")
        guard response.status == 200 else { throw TestFailure("read \(id): \(response.status) \(response.text)") }
        return response.json
    }

    /// The ids GET /v1/cases?`query` lists (one page of up to 200).
    func listed(_ query: String) throws -> Set<String> {
        let response = try org.client.get("/v1/cases?limit=200&\(query)")
        guard response.status == 200 else { throw TestFailure("list \(query): \(response.status) \(response.text)") }
        return Set(response.orgItems.compactMap { $0["id"] as? String })
    }

    /// The case's `sla` object.
    static func sla(_ record: [String: Any]) -> [String: Any] { record["sla"] as? [String: Any] ?? [:] }

    /// One value of a query run as the owner, as text.
    func value(_ query: String, _ parameters: [String?]) throws -> String? {
        try org.sql(query, parameters).first?.values.first
    }
}
