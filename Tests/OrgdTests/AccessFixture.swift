// A tenant with its founding administrator signed in, and the few steps access tests repeat:
// make a user at a grade, find a role by name, grant it, sign in as someone else.

import Foundation
import Testing

struct AccessFixture {
    let tenant: TestTenant
    let port: Int
    let admin: HTTPClient

    init(_ prefix: String, port: Int) throws {
        tenant = try TestTenant.create(prefix)
        self.port = port
        admin = HTTPClient(port: port, token: try tenant.login(port: port))
    }

    static let password = "access-test-password"

    /// Creates a user (by the founder) and returns its id.
    func user(_ login: String, grade: String?) throws -> String {
        var body: [String: Any] = ["login": login, "display_name": login, "password": Self.password]
        if let grade { body["grade"] = grade }
        let created = try admin.post("/v1/users", json: body)
        guard created.status == 201, let id = created.json["id"] as? String else {
            throw TestFailure("could not create \(login): \(created.status) \(created.text)")
        }
        return id
    }

    func client(_ login: String) throws -> HTTPClient {
        HTTPClient(port: port, token: try tenant.login(port: port, login: login, password: Self.password))
    }

    /// The id of the role with this display name.
    func role(_ name: String) throws -> String {
        let roles = try admin.get("/v1/access/roles").json["items"] as? [[String: Any]] ?? []
        guard let id = roles.first(where: { $0["name"] as? String == name })?["id"] as? String else {
            throw TestFailure("no role \(name)")
        }
        return id
    }

    /// Grants `role` to `user` over the tenant, as `by` (the founder by default); the response.
    @discardableResult
    func grant(_ role: String, to user: String, by client: HTTPClient? = nil,
               scope: [String: Any] = ["kind": "tenant"]) throws -> RawResponse {
        try (client ?? admin).post("/v1/access/grants", json: [
            "subject": ["kind": "user", "id": user], "role_id": try self.role(role), "scope": scope,
        ])
    }

    /// The founder's own id.
    var adminID: String {
        get throws { try #require(try admin.get("/v1/access/me").json["subject"] as? [String: Any])["id"] as! String }
    }
}

extension RawResponse {
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    var code: String? { json["code"] as? String }
}

extension HTTPClient {
    func put(_ path: String, json: Any) throws -> RawResponse { try request("PUT", path, body: json) }
}
