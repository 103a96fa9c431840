// Creating tenants and signing in for tests, over the same code paths operators use: the
// tenant is made by TenantStore (what `orgd tenant create` runs) and every request after that
// goes over HTTP.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Postgres

struct TestTenant {
    let id: String
    let slug: String
    let adminLogin: String
    let adminPassword: String

    /// A new tenant with a unique slug; `prefix` keeps test output readable.
    static func create(_ prefix: String = "t") throws -> TestTenant {
        try TestEnvironment.migrate()
        let slug = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        var configuration = Configuration()
        configuration.adminDatabaseURL = try TestEnvironment.adminDatabaseURL
        let box = ResultBox()
        let status = AdminCommands.onLoop(configuration) { pool in
            let created = try await pool.transaction { connection in
                try await TenantStore.create(slug: slug, name: "Test \(slug)", on: connection)
            }
            box.set(created)
        }
        guard status == 0, let created = box.value else { throw TestFailure("could not create tenant \(slug)") }
        return TestTenant(id: created.id, slug: slug, adminLogin: created.adminLogin, adminPassword: created.setupSecret)
    }

    /// Signs in and returns the bearer token.
    func login(port: Int, login: String? = nil, password: String? = nil) throws -> String {
        let response = try HTTPClient(port: port).post("/v1/auth/login", json: [
            "tenant": slug, "login": login ?? adminLogin, "password": password ?? adminPassword,
        ])
        guard response.status == 200, let token = response.json["token"] as? String else {
            throw TestFailure("login failed: \(response.status) \(response.text)")
        }
        return token
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: TenantStore.Created?
    func set(_ value: TenantStore.Created) { lock.lock(); stored = value; lock.unlock() }
    var value: TenantStore.Created? { lock.lock(); defer { lock.unlock() }; return stored }
}

/// JSON requests over RawClient, one connection per request.
struct HTTPClient {
    let port: Int
    var token: String?

    init(port: Int, token: String? = nil) {
        self.port = port
        self.token = token
    }

    func request(_ method: String, _ path: String, body: Any? = nil, headers: [String: String] = [:]) throws -> RawResponse {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        var bytes: [UInt8] = []
        if let body {
            bytes = Array(try JSONSerialization.data(withJSONObject: body))
            text += "Content-Type: application/json\r\nContent-Length: \(bytes.count)\r\n"
        }
        text += "\r\n"
        let client = try RawClient(port: port, timeout: 10)
        try client.send(Array(text.utf8) + bytes)
        return try client.readResponse(head: method == "HEAD")
    }

    func get(_ path: String) throws -> RawResponse { try request("GET", path) }
    func post(_ path: String, json: Any? = nil) throws -> RawResponse { try request("POST", path, body: json) }
    func patch(_ path: String, json: Any) throws -> RawResponse { try request("PATCH", path, body: json) }
    func delete(_ path: String) throws -> RawResponse { try request("DELETE", path) }
}
