// Issue 10's defect: a refused write audited itself through a second pooled connection while
// its handler still held the first. With `--db-pool 1` every refusal made inside a transaction
// waited out the pool's timeout and its audit row was silently lost. Now the refusal is written
// after the rollback on the connection the request already holds. Run here with one loop and
// one connection, so the old code cannot pass: each refusal must be answered 403 and audited.

import Foundation
import Testing

@Suite("refusals are audited on the request's own connection (issue 10)")
struct RefusalAuditTests {
    @Test("with --db-pool 1, a refusal inside a transaction and one before it are both answered 403 and audited")
    func refusalsAuditedWithOneConnection() async throws {
        try await TestEnvironment.withServer({
            $0.loops = 1
            $0.poolSize = 1
        }) { port in
            let attack = try EscalationTests.Attack("refusal-pool1", port: port)
            // Refused inside the transaction (the unit's parent and tier are read first) ...
            let unit = try attack.attacker.post("/v1/units", json: ["name": "影子事业部", "code": "SHADOW", "kind": "department", "tier": "A+"])
            #expect(unit.status == 403, "\(unit.text)")
            #expect(unit.code == "RESTRUCTURE_REQUIRES_TIER")
            // ... and before any transaction began.
            let user = try attack.attacker.post("/v1/users", json: ["login": "shadow", "display_name": "shadow", "grade": "A+1"])
            EscalationTests.expectRefused(user, ["actor": "B+1", "target": "A+1"])
            #expect(try attack.refusals("unit.create") == ["RESTRUCTURE_REQUIRES_TIER"])
            #expect(try attack.refusals("user.create") == ["GRADE_NOT_ABOVE_TARGET"])
        }
    }

    @Test("with --db-pool 1, eight refusals sent at once on one loop are all answered and all audited")
    func concurrentRefusalsAuditedWithOneConnection() async throws {
        try await TestEnvironment.withServer({
            $0.loops = 1
            $0.poolSize = 1
        }) { port in
            let attack = try EscalationTests.Attack("refusal-pool1-many", port: port)
            let token = attack.attacker.token ?? ""
            // Eight connections, every request sent before any answer is read: all eight are in
            // orgd at once, on its one loop, competing for its one connection.
            var clients: [RawClient] = []
            for n in 0..<8 {
                let body = Array(try JSONSerialization.data(withJSONObject: [
                    "name": "影子\(n)", "code": "SHADOW\(n)", "kind": "department", "tier": "A+",
                ]))
                let head = "POST /v1/units HTTP/1.1\r\nHost: test\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
                let client = try RawClient(port: port, timeout: 30)
                try client.send(Array(head.utf8) + body)
                clients.append(client)
            }
            let statuses = try clients.map { try $0.readResponse().status }
            #expect(statuses == Array(repeating: 403, count: 8))
            #expect(try attack.refusals("unit.create") == Array(repeating: "RESTRUCTURE_REQUIRES_TIER", count: 8))
        }
    }
}
