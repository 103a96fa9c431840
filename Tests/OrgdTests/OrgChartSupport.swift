// Helpers for the org-chart tests: a signed-in client for a fresh tenant, short calls that
// create units, positions, people and assignments and return their ids, and SQL as the owner
// for test setup (grants) and for checking that a refused change left the database unchanged.

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

struct OrgClient {
    let tenant: TestTenant
    let client: HTTPClient
    let port: Int

    static func start(_ prefix: String, port: Int) throws -> OrgClient {
        let tenant = try TestTenant.create(prefix)
        return OrgClient(tenant: tenant, client: HTTPClient(port: port, token: try tenant.login(port: port)), port: port)
    }

    @discardableResult
    func unit(_ name: String, code: String, kind: String = "department", parent: String? = nil, tier: String? = nil,
              extra: [String: Any] = [:]) throws -> String {
        var body: [String: Any] = ["name": name, "code": code, "kind": kind]
        if let parent { body["parent_id"] = parent }
        if let tier { body["tier"] = tier }
        body.merge(extra) { $1 }
        let response = try client.post("/v1/units", json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create unit \(name): \(response.status) \(response.text)")
        }
        return id
    }

    @discardableResult
    func position(_ title: String, unit: String, grade: String? = nil, headcount: [String: Any] = ["kind": "exact", "n": 1],
                  extra: [String: Any] = [:]) throws -> String {
        var body: [String: Any] = ["title": title, "unit_id": unit, "headcount": headcount]
        if let grade { body["grade"] = grade }
        body.merge(extra) { $1 }
        let response = try client.post("/v1/positions", json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create position \(title): \(response.status) \(response.text)")
        }
        return id
    }

    @discardableResult
    func person(_ name: String, _ number: String, contact: [String: String] = [:]) throws -> String {
        let response = try client.post("/v1/people", json: ["name": name, "employee_no": number, "contact": contact])
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create person \(name): \(response.status) \(response.text)")
        }
        return id
    }

    @discardableResult
    func assign(_ person: String, to position: String, kind: String = "primary", start: String? = nil,
                end: String? = nil) throws -> RawResponse {
        var body: [String: Any] = ["person_id": person, "position_id": position, "kind": kind]
        if let start { body["start_date"] = start }
        if let end { body["end_date"] = end }
        return try client.post("/v1/assignments", json: body)
    }

    /// A user of this tenant at `grade` holding the built-in role `role` over `scope` (a unit id, or the tenant).
    func user(_ login: String, grade: String, role: String = "HR", unitScope: String? = nil) throws -> HTTPClient {
        let created = try client.post("/v1/users", json: ["login": login, "display_name": login, "password": "long-enough-password", "grade": grade])
        guard created.status == 201, let id = created.json["id"] as? String else { throw TestFailure("create user: \(created.text)") }
        try OrgSQL.run(tenant: tenant.id, """
            INSERT INTO grants (tenant_id, subject_kind, subject_id, role_id, scope_kind, scope_id, scope_path)
            SELECT $1::uuid, 'user', $2::uuid, r.id, CASE WHEN $4::uuid IS NULL THEN 'tenant' ELSE 'unit' END, $4::uuid,
                   CASE WHEN $4::uuid IS NULL THEN NULL ELSE orgd_unit_path($4::uuid)::text[] END
            FROM roles r WHERE r.name = $3
            """, [tenant.id, id, role, unitScope])
        return HTTPClient(port: port, token: try tenant.login(port: port, login: login, password: "long-enough-password"))
    }

    /// Rows of a query run as the owner with this tenant set, as dictionaries of text.
    func sql(_ query: String, _ parameters: [String?] = []) throws -> [[String: String]] {
        try OrgSQL.run(tenant: tenant.id, query, parameters)
    }
}

enum OrgSQL {
    @discardableResult
    static func run(tenant: String, _ sql: String, _ parameters: [String?] = []) throws -> [[String: String]] {
        var configuration = Configuration()
        configuration.adminDatabaseURL = try TestEnvironment.adminDatabaseURL
        let box = RowsBox()
        let status = AdminCommands.onLoop(configuration) { pool in
            let result = try await pool.transaction(tenant: tenant) { connection in
                try await connection.query(sql, parameters)
            }
            box.set(result.map { row in
                var values: [String: String] = [:]
                for (index, column) in result.columns.enumerated() { values[column] = row.string(index) }
                return values
            })
        }
        guard status == 0 else { throw TestFailure("SQL failed: \(sql)") }
        return box.value
    }
}

final class RowsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [[String: String]] = []
    func set(_ value: [[String: String]]) { lock.lock(); stored = value; lock.unlock() }
    var value: [[String: String]] { lock.lock(); defer { lock.unlock() }; return stored }
}

extension RawResponse {
    var orgItems: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
}

func orgDay(_ offset: Int) -> String {
    Day.today.adding(days: offset).description
}
