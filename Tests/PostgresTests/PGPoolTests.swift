// The per-loop pool against a real Postgres: transactions and the tenant setting, retries on
// serialization failure, FIFO hand-off, the bounded wait, and failing fast while the database
// cannot be reached.

import EventLoop
import Postgres
import Testing

@Suite("PGPool")
struct PGPoolTests {
    @Test("a committed transaction's writes are visible afterwards; a failed one's are not")
    func commitAndRollback() async throws {
        let url = try TestDatabase.adminURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 2)
            defer { pool.close() }
            let table = TestDatabase.unique("cases")
            _ = try await pool.query("CREATE TABLE \(table) (id int PRIMARY KEY, title text)")
            try await pool.transaction { connection in
                _ = try await connection.query("INSERT INTO \(table) VALUES (1, $1)", ["空调维修"])
            }
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await pool.transaction { connection in
                    _ = try await connection.query("INSERT INTO \(table) VALUES (2, 'lost')")
                    throw Abort()
                }
            }
            let rows = try await pool.query("SELECT id, title FROM \(table) ORDER BY id")
            #expect(rows.map { $0.int("id") } == [1])
            #expect(rows[0]["title"] == "空调维修")
            #expect(pool.stats.idle == pool.stats.open)       // both connections came back clean
            _ = try await pool.query("DROP TABLE \(table)")
        }
    }

    @Test("the tenant is visible through current_setting inside the transaction and gone after it")
    func tenantSetting() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            defer { pool.close() }
            let tenant = "b6f0c6a4-0000-4000-8000-00000000'0001"     // a quote, to prove escaping
            let seen = try await pool.transaction(tenant: tenant) { connection in
                try await connection.query("SELECT current_setting('orgd.tenant_id', true) AS t")[0]["t"]
            }
            #expect(seen == tenant)
            let after = try await pool.query("SELECT coalesce(current_setting('orgd.tenant_id', true), '') AS t")
            #expect(after[0]["t"] == "")
        }
    }

    @Test("the opening goes with the first statement: one transaction from it to COMMIT, isolation and tenant in force; no statement opens nothing")
    func deferredOpening() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            defer { pool.close() }
            let tenant = "b6f0c6a4-0000-4000-8000-000000000002"
            let seen = try await pool.transaction(tenant: tenant, isolation: .repeatableRead) { connection in
                let first = try await connection.query("""
                    SELECT current_setting('transaction_isolation') AS iso, current_setting('orgd.tenant_id', true) AS t,
                           txid_current()::text AS xid
                    """)[0]
                #expect(connection.transactionStatus == .inTransaction)
                let second = try await connection.query("SELECT txid_current()::text AS xid")[0]
                return (first["iso"], first["t"], first["xid"] == second["xid"])
            }
            #expect(seen.0 == "repeatable read")
            #expect(seen.1 == tenant)
            #expect(seen.2)                                  // both statements ran in one transaction
            // A body that runs nothing sends nothing, and the connection is clean for the next one.
            try await pool.transaction { _ in }
            // A simple-protocol statement first takes the opening along too.
            let simple = try await pool.transaction(tenant: tenant) { connection in
                try await connection.simpleQuery("SELECT current_setting('orgd.tenant_id', true) AS t")[0][0]["t"]
            }
            #expect(simple == tenant)
            // A first statement that fails leaves no transaction behind on the connection.
            let error = await pgError { try await pool.transaction(tenant: tenant) { connection in _ = try await connection.query("SELECT 1/0") } }
            #expect(error?.sqlState == "22012")
            let after = try await pool.query("SELECT coalesce(current_setting('orgd.tenant_id', true), '') AS t")
            #expect(after[0]["t"] == "")
            #expect(pool.stats.idle == pool.stats.open)
        }
    }

    @Test("a statement error caught inside the body still makes the transaction fail at COMMIT")
    func swallowedError() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            defer { pool.close() }
            let error = await pgError {
                try await pool.transaction { connection in
                    _ = try? await connection.query("SELECT 1/0")
                }
            }
            #expect(error?.sqlState == "25P02")
        }
    }

    @Test("a serialization failure reruns the whole body, which then commits")
    func retriesSerializationFailure() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            defer { pool.close() }
            let attempts = LoopBox(0)
            let value = try await pool.transaction { connection in
                attempts.value += 1
                if attempts.value < 3 {
                    _ = try await connection.simpleQuery("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$")
                }
                return try await connection.query("SELECT 7 AS n")[0].int("n")
            }
            #expect(value == 7)
            #expect(attempts.value == 3)
        }
    }

    @Test("after three retries the serialization failure is thrown")
    func givesUp() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            defer { pool.close() }
            let attempts = LoopBox(0)
            let error = await pgError {
                try await pool.transaction { connection in
                    attempts.value += 1
                    _ = try await connection.simpleQuery("DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = 'deadlock_detected'; END $$")
                }
            }
            #expect(error?.isSerializationFailure == true)
            #expect(attempts.value == 1 + PGPool.serializationRetries)
        }
    }

    @Test("two serializable transactions that conflict both succeed, one of them on a retry")
    func realConflict() async throws {
        let url = try TestDatabase.adminURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 2)
            defer { pool.close() }
            let table = TestDatabase.unique("headcount")
            _ = try await pool.query("CREATE TABLE \(table) (unit int, people int)")
            _ = try await pool.query("INSERT INTO \(table) VALUES (1, 10), (2, 20)")
            let barrier = Barrier(count: 2)
            let attempts = LoopBox(0)
            // Each reads one unit and writes the other: a write skew SERIALIZABLE must refuse.
            @Sendable func move(from: Int, to: Int) async throws {
                try await pool.transaction(isolation: .serializable) { connection in
                    attempts.value += 1
                    let sum = try await connection.query("SELECT sum(people) AS s FROM \(table) WHERE unit = $1", [from])[0].int("s")!
                    if attempts.value <= 2 { await barrier.arrive() }
                    _ = try await connection.query("INSERT INTO \(table) VALUES ($1, $2)", [to, sum])
                }
            }
            async let first: Void = move(from: 1, to: 2)
            async let second: Void = move(from: 2, to: 1)
            _ = try await (first, second)
            #expect(attempts.value >= 3)
            #expect(try await pool.query("SELECT count(*) AS n FROM \(table)")[0].int("n") == 4)
            _ = try await pool.query("DROP TABLE \(table)")
        }
    }

    @Test("waiting tasks get the connection in the order they asked for it")
    func fairness() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            defer { pool.close() }
            let order = LoopBox<[Int]>([])
            let release = Inbox<Bool>(loop: loop)
            /// Polls until `condition` holds (each task must be queued before the next asks).
            func until(_ condition: () -> Bool) async throws {
                for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(2)) }
                #expect(condition())
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await pool.withConnection { _ in _ = await release.next(within: .seconds(10)) }
                }
                try await until { pool.stats.open == 1 && pool.stats.idle == 0 && pool.stats.waiting == 0 }
                for index in 1...5 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            order.value.append(index)
                            _ = try await connection.query("SELECT 1")
                        }
                    }
                    try await until { pool.stats.waiting == index }
                }
                release.put(true)
                try await group.waitForAll()
            }
            #expect(order.value == [1, 2, 3, 4, 5])
            #expect(pool.stats.waiting == 0)
            #expect(pool.stats.open == 1)
        }
    }

    @Test("a task that waits longer than waitTimeout gets unavailable, and the pool serves the next one")
    func waitTimeout() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1, waitTimeout: .milliseconds(200))
            defer { pool.close() }
            let release = Inbox<Bool>(loop: loop)
            let holder = Task(executorPreference: loop) {
                try await pool.withConnection { _ in _ = await release.next(within: .seconds(10)) }
            }
            for _ in 0..<500 where !(pool.stats.open == 1 && pool.stats.idle == 0 && pool.stats.waiting == 0) {
                try await Task.sleep(for: .milliseconds(2))
            }
            let start = MonotonicClock.nowMillis()
            let error = await pgError { _ = try await pool.query("SELECT 1") }
            let waited = elapsed(since: start)
            #expect(error?.kind == .unavailable)
            #expect(error?.message.contains("pool wait timed out") == true)
            #expect(waited >= 190 && waited < 2000)
            release.put(true)
            try await holder.value
            #expect(try await pool.query("SELECT 1 AS n")[0].int("n") == 1)
        }
    }

    @Test("while the database is unreachable the second request fails at once, without reconnecting")
    func failsFast() async throws {
        try await onLoop { loop in
            let pool = PGPool(url: "postgresql://orgd@127.0.0.1:1/orgd", loop: loop, size: 4)
            defer { pool.close() }
            let first = await pgError { _ = try await pool.query("SELECT 1") }
            #expect(first?.kind == .unavailable)
            let start = MonotonicClock.nowMillis()
            for _ in 0..<100 {
                let again = await pgError { _ = try await pool.query("SELECT 1") }
                #expect(again?.kind == .unavailable)
            }
            let took = elapsed(since: start)
            #expect(took < 100, "100 requests during an outage took \(took) ms")
            #expect(pool.stats.open <= 1)     // at most the background retry
        }
    }

    @Test("a connection whose backend was terminated is discarded and replaced")
    func replacesBroken() async throws {
        let url = try TestDatabase.adminURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            defer { pool.close() }
            let pid = try await pool.query("SELECT pg_backend_pid() AS pid")[0].int("pid")!
            let killer = try await PGConnection.connect(url, on: loop)
            _ = try await killer.query("SELECT pg_terminate_backend($1)", [pid])
            killer.close()
            try await Task.sleep(for: .milliseconds(50))
            #expect(pool.stats.open == 0)             // the idle connection was evicted at once
            let newPID = try await pool.query("SELECT pg_backend_pid() AS pid")[0].int("pid")!
            #expect(newPID != pid)
        }
    }

    @Test("a transaction left open by withConnection is rolled back before the connection is reused")
    func leftOpen() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            defer { pool.close() }
            try await pool.withConnection { connection in
                _ = try await connection.simpleQuery("BEGIN; SELECT set_config('orgd.tenant_id', 'leak', true)")
            }
            let seen = try await pool.query("SELECT coalesce(current_setting('orgd.tenant_id', true), '') AS t")
            #expect(seen[0]["t"] == "")
            #expect(pool.stats.open == 1)
        }
    }

    @Test("a closed pool refuses work with poolClosed")
    func closed() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            _ = try await pool.query("SELECT 1")
            pool.close()
            let error = await pgError { _ = try await pool.query("SELECT 1") }
            #expect(error?.kind == .poolClosed)
            #expect(pool.stats.open == 0)
        }
    }
}
