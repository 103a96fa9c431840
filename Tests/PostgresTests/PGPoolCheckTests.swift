// The pool's connection check: it runs on every new connection before the connection is lent,
// a refusal reaches the waiting task as that error (not a generic "unavailable") and the
// connection is not kept, and once the check passes the pool serves again by itself.

import EventLoop
import Postgres
import Synchronization
import Testing

@Suite("PGPool connection check")
struct PGPoolCheckTests {
    @Test("a refused connection is never lent; the refusal is what the task gets; a later passing check serves")
    func refusalThenRecovery() async throws {
        let url = try TestDatabase.adminURL()
        let state = CheckState()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1, waitTimeout: .seconds(2)) { connection throws(PGError) in
                state.checks.add(1, ordering: .relaxed)
                _ = try await connection.query("SELECT 1")
                if state.refuse.load(ordering: .relaxed) { throw PGError(kind: .refused, message: "not this role") }
            }
            defer { pool.close() }
            do {
                _ = try await pool.query("SELECT 1")
                Issue.record("a refused connection was lent")
            } catch let error as PGError {
                #expect(error.kind == .refused && error.message == "not this role", "\(error)")
            }
            #expect(pool.stats.open == 0)
            state.refuse.store(false, ordering: .relaxed)
            var served = false
            for _ in 0..<100 where !served {
                served = (try? await pool.query("SELECT 1")) != nil
                if !served { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(served)
            _ = try await pool.query("SELECT 2")
            #expect(state.checks.load(ordering: .relaxed) >= 2)
        }
    }
}

/// What the check reads and counts, shared with the loop's thread.
final class CheckState: Sendable {
    let refuse = Atomic<Bool>(true)       // the check refuses while set
    let checks = Atomic<Int>(0)           // how many times it ran
}
