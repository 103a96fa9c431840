// Prints what one query costs through the loop (prepared SELECT, one at a time, and with
// several tasks sharing a pool), so changes to the connection code can be compared. Asserts
// only that the numbers are sane; the figures go to docs/performance.md.

import EventLoop
import Postgres
import Testing

@Suite("Round trip")
struct RoundTripMeasurement {
    @Test("a prepared query round trip through the loop is measured")
    func measure() async throws {
        let url = try TestDatabase.appURL()
        let iterations = 2000
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            for _ in 0..<100 { _ = try await connection.query("SELECT 1") }     // warm up

            var start = ContinuousClock.now
            for _ in 0..<iterations { _ = try await connection.query("SELECT 1") }
            let serial = (ContinuousClock.now - start) / iterations

            start = ContinuousClock.now
            for index in 0..<iterations { _ = try await connection.query("SELECT $1::int AS n, $2::text AS t", [index, "客服"]) }
            let withParams = (ContinuousClock.now - start) / iterations

            let pool = PGPool(url: url, loop: loop, size: 4)
            defer { pool.close() }
            start = ContinuousClock.now
            for index in 0..<(iterations / 2) {
                _ = try await pool.transaction(tenant: "tenant-\(index % 7)") { connection in
                    try await connection.query("SELECT current_setting('orgd.tenant_id') AS t")
                }
            }
            let transaction = (ContinuousClock.now - start) / (iterations / 2)

            start = ContinuousClock.now
            for index in 0..<iterations {
                _ = try await pool.query(tenant: "tenant-\(index % 7)", "SELECT current_setting('orgd.tenant_id') AS t")
            }
            let tenantQuery = (ContinuousClock.now - start) / iterations

            start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask { for _ in 0..<(iterations / 16) { _ = try await pool.query("SELECT 1") } }
                }
                try await group.waitForAll()
            }
            let pooled = (ContinuousClock.now - start) / iterations

            print("round trip, one connection: \(serial.micros) µs; with 2 params: \(withParams.micros) µs; "
                  + "tenant transaction with one SELECT: \(transaction.micros) µs; "
                  + "the same as a pipelined tenant query: \(tenantQuery.micros) µs; 16 tasks on a pool of 4: \(pooled.micros) µs per query (\(1_000_000 / max(1, pooled.micros)) queries/s)")
            #expect(serial < .milliseconds(10))
        }
    }
}

extension Duration {
    var micros: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
