// Helpers for the service-network tests: short calls on an `OrgClient` that add product lines,
// regions and sites, move a site to authorised, and sign in a user whose grant reaches one
// region subtree, each returning ids.

import Foundation
import HTTP
@testable import OrgChart
import Testing

extension OrgClient {
    /// Adds a product line (and nothing if it exists).
    func productLine(_ code: String, name: String? = nil) throws {
        let response = try client.post("/v1/network/vocabulary/product_line", json: ["code": code, "name": name ?? code])
        guard response.status == 201 || response.status == 409 else { throw TestFailure("product line \(code): \(response.text)") }
    }

    @discardableResult
    func region(_ name: String, code: String, parent: String? = nil, from: String? = nil) throws -> String {
        var body: [String: Any] = ["name": name, "code": code]
        if let parent { body["parent_id"] = parent }
        if let from { body["effective_date"] = from }
        let response = try client.post("/v1/regions", json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create region \(name): \(response.status) \(response.text)")
        }
        return id
    }

    /// A planned site; `at` is (latitude, longitude).
    @discardableResult
    func site(_ code: String, name: String? = nil, kind: String = "repair_station", region: String, at point: (Double, Double)? = nil,
              capabilities: [String] = [], extra: [String: Any] = [:]) throws -> String {
        var body: [String: Any] = ["code": code, "name": name ?? code, "kind": kind, "region_id": region, "capabilities": capabilities]
        if let point { body["location"] = ["latitude": point.0, "longitude": point.1] }
        body.merge(extra) { $1 }
        let response = try client.post("/v1/network/sites", json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create site \(code): \(response.status) \(response.text)")
        }
        return id
    }

    /// Moves a site along `statuses` in turn, each with a reason; fails on the first refusal.
    func move(_ site: String, through statuses: [String], extra: [String: Any] = [:]) throws {
        for status in statuses {
            var body: [String: Any] = ["to": status, "reason": "test: to \(status)"]
            body.merge(extra) { $1 }
            let response = try client.post("/v1/network/sites/\(site)/transitions", json: body)
            guard response.status == 201 else { throw TestFailure("move \(site) to \(status): \(response.status) \(response.text)") }
        }
    }

    /// planned → onboarding → authorised.
    func authorise(_ site: String, until: String? = nil) throws {
        try move(site, through: ["onboarding"])
        try move(site, through: ["authorised"], extra: until.map { ["authorised_until": $0] } ?? [:])
    }

    /// A user of this tenant at `grade` holding the built-in role `role` over the region subtree
    /// `region` (the whole tenant when nil).
    func regionalUser(_ login: String, grade: String, role: String = "Regional manager", region: String?) throws -> HTTPClient {
        let created = try client.post("/v1/users", json: ["login": login, "display_name": login, "password": "long-enough-password", "grade": grade])
        guard created.status == 201, let id = created.json["id"] as? String else { throw TestFailure("create user: \(created.text)") }
        try OrgSQL.run(tenant: tenant.id, """
            INSERT INTO grants (tenant_id, subject_kind, subject_id, role_id, scope_kind, scope_id, scope_path)
            SELECT $1::uuid, 'user', $2::uuid, r.id, CASE WHEN $4::uuid IS NULL THEN 'tenant' ELSE 'region' END, $4::uuid,
                   CASE WHEN $4::uuid IS NULL THEN NULL ELSE orgd_region_path($4::uuid)::text[] END
            FROM roles r WHERE r.name = $3
            """, [tenant.id, id, role, region])
        return HTTPClient(port: port, token: try tenant.login(port: port, login: login, password: "long-enough-password"))
    }
}
