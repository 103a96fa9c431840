// What one query costs through the loop: a prepared SELECT one at a time, with parameters, a
// tenant transaction and the same as a pipelined tenant query, and 16 tasks sharing a pool of
// 4. (Formerly a test, Tests/PostgresTests/RoundTripMeasurement.swift; tests do not time.)

import EventLoop
import Postgres

enum RoundTrip {
    static func run(url: String, loop: EventLoop) async throws {
        let iterations = 2000
        let connection = try await PGConnection.connect(url, on: loop)
        defer { connection.close() }
        for _ in 0..<100 { _ = try await connection.query("SELECT 1") }     // warm up

        Bench.report("round trip: SELECT 1, one connection", try await Bench.median(runs: 5) {
            for _ in 0..<iterations { _ = try await connection.query("SELECT 1") }
        }, per: iterations)

        Bench.report("round trip: SELECT with 2 parameters", try await Bench.median(runs: 5) {
            for index in 0..<iterations {
                _ = try await connection.query("SELECT $1::int AS n, $2::text AS t", [index, "客服"])
            }
        }, per: iterations)

        let pool = PGPool(url: url, loop: loop, size: 4)
        defer { pool.close() }
        Bench.report("round trip: tenant transaction with one SELECT", try await Bench.median(runs: 5) {
            for index in 0..<(iterations / 2) {
                _ = try await pool.transaction(tenant: "tenant-\(index % 7)") { connection in
                    try await connection.query("SELECT current_setting('orgd.tenant_id') AS t")
                }
            }
        }, per: iterations / 2)

        Bench.report("round trip: the same as a pipelined tenant query", try await Bench.median(runs: 5) {
            for index in 0..<iterations {
                _ = try await pool.query(tenant: "tenant-\(index % 7)", "SELECT current_setting('orgd.tenant_id') AS t")
            }
        }, per: iterations)

        Bench.report("round trip: 16 tasks on a pool of 4, per query", try await Bench.median(runs: 5) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask { for _ in 0..<(iterations / 16) { _ = try await pool.query("SELECT 1") } }
                }
                try await group.waitForAll()
            }
        }, per: iterations)
    }
}
