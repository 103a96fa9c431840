// Pipeline mode against a real Postgres: several statements in one round trip and one
// implicit transaction, and the one-round-trip tenant query built on it.

import EventLoop
import Postgres
import Testing

@Suite("PGConnection pipeline")
struct PGPipelineTests {
    @Test("a pipeline returns one result per statement and reuses statements prepared outside it")
    func results() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            _ = try await connection.query("SELECT $1::int * 2 AS n", [1])
            for round in 0..<3 {
                let results = try await connection.pipeline([
                    PGStatement("SELECT $1::int * 2 AS n", [round]),
                    PGStatement("SELECT $1::text AS name, $2::text AS missing", ["维修站", nil as String?]),
                    PGStatement("SELECT generate_series(1, 3) AS i"),
                ])
                #expect(results.count == 3)
                #expect(results[0][0].int("n") == round * 2)
                #expect(results[1][0]["name"] == "维修站")
                #expect(results[1][0].isNull("missing"))
                #expect(results[2].count == 3)
            }
            let prepared = try await connection.query("SELECT count(*) AS n FROM pg_prepared_statements")
            #expect(prepared[0].int("n") == 4)        // three pipeline statements and this one
            #expect(try await connection.query("SELECT 5 AS n")[0].int("n") == 5)   // back in normal mode
        }
    }

    @Test("a failing statement undoes the whole pipeline and the connection stays usable")
    func atomic() async throws {
        let url = try TestDatabase.adminURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let table = TestDatabase.unique("inspections")
            _ = try await connection.simpleQuery("CREATE TABLE \(table) (id int PRIMARY KEY)")
            let error = await pgError {
                _ = try await connection.pipeline([
                    PGStatement("INSERT INTO \(table) VALUES (1)"),
                    PGStatement("INSERT INTO \(table) VALUES (1)"),
                    PGStatement("INSERT INTO \(table) VALUES (2)"),
                ])
            }
            #expect(error?.isUniqueViolation == true)
            #expect(try await connection.query("SELECT count(*) AS n FROM \(table)")[0].int("n") == 0)
            #expect(connection.transactionStatus == .idle)
            let results = try await connection.pipeline([PGStatement("INSERT INTO \(table) VALUES (3)"),
                                                          PGStatement("SELECT count(*) AS n FROM \(table)")])
            #expect(results[1][0].int("n") == 1)
            _ = try await connection.simpleQuery("DROP TABLE \(table)")
        }
    }

    @Test("a tenant query sees its tenant, in one round trip, and leaves no setting behind")
    func tenantQuery() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            defer { pool.close() }
            for tenant in ["acme", "globex", "o'reilly"] {
                let seen = try await pool.query(tenant: tenant, "SELECT current_setting('orgd.tenant_id') AS t")
                #expect(seen[0]["t"] == tenant)
            }
            let after = try await pool.query("SELECT coalesce(current_setting('orgd.tenant_id', true), '') AS t")
            #expect(after[0]["t"] == "")
        }
    }

    @Test("concurrent pipelines and plain queries on one connection are answered in order")
    func interleaved() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let order = LoopBox<[Int]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        if index % 2 == 0 {
                            let results = try await connection.pipeline([PGStatement("SELECT $1::int AS i", [index]),
                                                                         PGStatement("SELECT 0")])
                            order.value.append(results[0][0].int("i")!)
                        } else {
                            order.value.append(try await connection.query("SELECT $1::int AS i", [index])[0].int("i")!)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(order.value == Array(0..<30))
        }
    }
}
