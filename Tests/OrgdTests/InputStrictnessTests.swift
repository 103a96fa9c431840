// Issue 9, defect 6, over HTTP against a real Postgres: loose input on JSON bodies. expires_at
// took 10000-01-01T00:00:00Z and 2030/01/01 00:00; a role description of 1,000,000 characters
// was stored; {"name":"a","name":"b"} kept "a"; NUL got a 422 without a field; 1.5 in an
// integer field was "not valid JSON"; preview's user_id was named `id`; unknown fields were
// ignored and text/plain bodies accepted. Each refusal names the field and rule and changes
// nothing.

import Foundation
import HTTP
import Testing

@Suite("input strictness: JSON bodies")
struct InputStrictnessTests {
    static func send(_ client: HTTPClient, _ method: String, _ path: String, _ body: String,
                     type: String? = "application/json") throws -> RawResponse {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        if let token = client.token { text += "Authorization: Bearer \(token)\r\n" }
        if let type { text += "Content-Type: \(type)\r\n" }
        let bytes = Array(body.utf8)
        text += "Content-Length: \(bytes.count)\r\n\r\n"
        let raw = try RawClient(port: client.port, timeout: 30)
        try raw.send(Array(text.utf8) + bytes)
        return try raw.readResponse()
    }

    static func roleCount(_ fixture: AccessFixture) throws -> Int {
        try fixture.admin.get("/v1/access/roles?limit=200").items.count
    }

    @Test("expires_at of API keys and grants must be an RFC 3339 date-time on the calendar: 422 naming the field")
    func expiresAt() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try AccessFixture("expiry", port: port)
            let user = try fixture.user("grantee", grade: "B+5")
            let viewer = try fixture.role("Viewer")
            for (index, bad) in ["10000-01-01T00:00:00Z", "2030/01/01 00:00", "2030-02-30T00:00:00Z", "2030-01-01T25:00:00Z",
                                 "2030-01-01", "2030-01-01T00:00:00"].enumerated() {
                let key = try fixture.admin.post("/v1/api-keys", json: ["name": "k\(index)", "expires_at": bad])
                #expect(key.status == 422, "\(bad): \(key.text)")
                #expect(key.json["field"] as? String == "expires_at", "\(bad)")
                #expect(key.json["rule"] as? String == "format", "\(bad)")
                let grant = try fixture.admin.post("/v1/access/grants", json: [
                    "subject": ["kind": "user", "id": user], "role_id": viewer, "scope": ["kind": "tenant"], "expires_at": bad,
                ])
                #expect(grant.status == 422, "\(bad): \(grant.text)")
                #expect(grant.json["field"] as? String == "expires_at", "\(bad)")
            }
            #expect(try fixture.admin.get("/v1/api-keys").items.isEmpty)
            let key = try fixture.admin.post("/v1/api-keys", json: ["name": "offset", "expires_at": "2030-01-01T08:00:00+08:00"])
            #expect(key.status == 201, "\(key.text)")
            #expect(key.json["expires_at"] as? String == "2030-01-01T00:00:00Z")
            let grant = try fixture.admin.post("/v1/access/grants", json: [
                "subject": ["kind": "user", "id": user], "role_id": viewer, "scope": ["kind": "tenant"], "expires_at": "2030-01-01T00:00:00.5Z",
            ])
            #expect(grant.status == 201, "\(grant.text)")
        }
    }

    @Test("a body that is not JSON by its Content-Type is 415 and changes nothing; JSON with a charset is fine")
    func mediaType() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try AccessFixture("media", port: port)
            let body = #"{"name":"Typed","permissions":["org.read"]}"#
            let before = try Self.roleCount(fixture)
            for type in ["text/plain", "application/x-www-form-urlencoded", nil] as [String?] {
                let answer = try Self.send(fixture.admin, "POST", "/v1/access/roles", body, type: type)
                #expect(answer.status == 415, "\(type ?? "none"): \(answer.text)")
                #expect(answer.code == "UNSUPPORTED_MEDIA_TYPE")
                #expect(answer.header("Content-Type") == "application/problem+json")
            }
            #expect(try Self.roleCount(fixture) == before)
            let accepted = try Self.send(fixture.admin, "POST", "/v1/access/roles", body, type: "application/json; charset=UTF-8")
            #expect(accepted.status == 201, "\(accepted.text)")
        }
    }

    @Test("unknown fields are refused as unknown_field at their path, top-level and nested, on create and update")
    func unknownFields() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("unknown", port: port)
            let unit = try org.unit("客服中心", code: "CC")
            let top = try Self.send(org.client, "POST", "/v1/units", #"{"name":"x","code":"X1","kind":"department","prent_id":null}"#)
            #expect(top.status == 422, "\(top.text)")
            #expect(top.json["field"] as? String == "prent_id")
            #expect(top.json["rule"] as? String == "unknown_field")
            let nested = try Self.send(org.client, "POST", "/v1/positions",
                                       #"{"title":"t","unit_id":"\#(unit)","headcount":{"kind":"exact","n":1,"mx":2}}"#)
            #expect(nested.json["field"] as? String == "headcount.mx", "\(nested.text)")
            let patch = try Self.send(org.client, "PATCH", "/v1/units/\(unit)", #"{"nmae":"新名"}"#)
            #expect(patch.status == 422)
            #expect(patch.json["field"] as? String == "nmae")
            #expect(try org.sql("SELECT count(*) AS n FROM positions")[0]["n"] == "0")
            #expect(try org.sql("SELECT count(*) AS n FROM units")[0]["n"] == "1")
        }
    }

    @Test("a repeated key is 400 JSON_DUPLICATE_KEY naming its path, and nothing is created")
    func duplicateKeys() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try AccessFixture("dupkey", port: port)
            let before = try Self.roleCount(fixture)
            let top = try Self.send(fixture.admin, "POST", "/v1/access/roles", #"{"name":"a","name":"b","permissions":["org.read"]}"#)
            #expect(top.status == 400, "\(top.text)")
            #expect(top.code == "JSON_DUPLICATE_KEY")
            #expect(top.json["field"] as? String == "name")
            let deep = try Self.send(fixture.admin, "POST", "/v1/access/check",
                                     #"{"checks":[{"action":"org.read","target":{"kind":"tenant","kind":"user"}}]}"#)
            #expect(deep.code == "JSON_DUPLICATE_KEY")
            #expect(deep.json["field"] as? String == "checks[0].target.kind")
            #expect(try Self.roleCount(fixture) == before)
        }
    }

    @Test("free text has a maximum in characters: a 1,000,000-character description is refused, 2,000 Chinese characters are not")
    func longText() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try AccessFixture("longtext", port: port)
            let before = try Self.roleCount(fixture)
            let huge = try fixture.admin.post("/v1/access/roles", json: ["name": "Huge", "permissions": ["org.read"],
                                                                         "description": String(repeating: "x", count: 1_000_000)])
            #expect(huge.status == 422)
            #expect(huge.json["field"] as? String == "description")
            #expect(huge.json["rule"] as? String == "length")
            let over = try fixture.admin.post("/v1/access/roles", json: ["name": "Over", "permissions": ["org.read"],
                                                                         "description": String(repeating: "职", count: 2_001)])
            #expect(over.json["rule"] as? String == "length")
            #expect(try Self.roleCount(fixture) == before)
            let fits = try fixture.admin.post("/v1/access/roles", json: ["name": "Fits", "permissions": ["org.read"],
                                                                         "description": String(repeating: "职", count: 2_000) ])
            #expect(fits.status == 201, "\(fits.text)")
            let name = try fixture.admin.post("/v1/users", json: ["login": "u1", "display_name": String(repeating: "名", count: 201),
                                                                  "password": AccessFixture.password])
            #expect(name.json["field"] as? String == "display_name")
        }
    }

    @Test("NUL and control characters get a 422 naming the field, before the database sees them")
    func controlCharacters() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("nul", port: port)
            for (body, field) in [(#"{"name":"a\u0000b","code":"N1","kind":"department"}"#, "name"),
                                  (#"{"name":"a\nb","code":"N1","kind":"department"}"#, "name"),
                                  (#"{"name":"ab","code":"N1","kind":"department","functions":["x\u0007"]}"#, "functions[0]")] {
                let answer = try Self.send(org.client, "POST", "/v1/units", body)
                #expect(answer.status == 422, "\(answer.text)")
                #expect(answer.json["field"] as? String == field)
                #expect(answer.json["rule"] as? String == "control_character")
            }
            #expect(try org.sql("SELECT count(*) AS n FROM units")[0]["n"] == "0")
        }
    }

    @Test("numbers in integer fields: a fraction is 'type', too large is 'range', both at the field",
          arguments: [("1.5", "type"), ("1e20", "range"), ("9223372036854775808", "range"), ("-9223372036854775809", "range")])
    func integers(_ number: String, _ rule: String) async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("ints", port: port)
            let unit = try org.unit("客服中心", code: "CC")
            let answer = try Self.send(org.client, "POST", "/v1/positions",
                                       #"{"title":"t","unit_id":"\#(unit)","headcount":{"kind":"exact","n":\#(number)}}"#)
            #expect(answer.status == 422, "\(answer.text)")
            #expect(answer.code == "VALIDATION_FAILED")
            #expect(answer.json["field"] as? String == "headcount.n")
            #expect(answer.json["rule"] as? String == rule)
        }
    }

    @Test("an invalid user_id in an access preview is named user_id, not id")
    func previewUserID() async throws {
        try await TestEnvironment.withServer { port in
            let fixture = try AccessFixture("preview", port: port)
            let answer = try fixture.admin.post("/v1/access/preview", json: ["action": "user.update", "user_id": "not-a-uuid", "grade": "B+3"])
            #expect(answer.status == 422, "\(answer.text)")
            #expect(answer.json["field"] as? String == "user_id")
            let role = try fixture.admin.post("/v1/access/preview", json: ["action": "role.delete", "role_id": "nope"])
            #expect(role.json["field"] as? String == "role_id", "\(role.text)")
        }
    }
}
