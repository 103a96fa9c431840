// One non-blocking connection against a real Postgres: parameters, prepared statements,
// SQLSTATE mapping, timeouts, queuing, and what happens when the server drops it.

import EventLoop
import Postgres
import Testing

/// Expects `body` to throw a PGError and returns it.
func pgError(_ body: () async throws -> Void) async -> PGError? {
    do {
        try await body()
        Issue.record("expected a PGError, nothing was thrown")
        return nil
    } catch let error as PGError {
        return error
    } catch {
        Issue.record("expected a PGError, got \(error)")
        return nil
    }
}

@Suite("PGConnection")
struct PGConnectionTests {
    @Test("the server's role connects and answers a query")
    func connects() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let result = try await connection.query("SELECT 1 AS one, current_setting('application_name') AS app")
            #expect(result.count == 1)
            #expect(result.columns == ["one", "app"])
            #expect(result[0].int("one") == 1)
            #expect(result[0]["app"] == "orgd")
            #expect(!connection.isBroken)
        }
    }

    @Test("parameters carry NULLs, Chinese text, arrays and every scalar type intact")
    func parameters() async throws {
        let url = try TestDatabase.adminURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let name = "客服中心 · 上海分部 🛠"
            let tags = ["售后", "a,b", "quote\"d", "back\\slash", "NULL"]
            let result = try await connection.query("""
                SELECT $1::text AS name, $2::text AS missing, $3::int AS n, $4::bool AS flag,
                       $5::float8 AS x, $6::text[] AS tags, array_length($6::text[], 1) AS tag_count,
                       ($6::text[])[5] IS NULL AS fifth_is_null, $7::jsonb ->> 'unit' AS unit
                """, [name, nil as String?, 42, true, 2.5, tags, PGJSON(#"{"unit":"维修部"}"#)])
            let row = result[0]
            #expect(row["name"] == name)
            #expect(row.isNull("missing"))
            #expect(row.int("n") == 42)
            #expect(row.bool("flag") == true)
            #expect(row.double("x") == 2.5)
            #expect(row.int("tag_count") == 5)
            #expect(row.bool("fifth_is_null") == false)        // the text "NULL" is not NULL
            #expect(row["unit"] == "维修部")
            let back = try await connection.query("SELECT unnest($1::text[]) AS tag", [tags])
            #expect(back.map { $0["tag"] ?? "" } == tags)
        }
    }

    @Test("a NUL character in a parameter is refused before it reaches the server")
    func nulCharacter() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let error = await pgError { _ = try await connection.query("SELECT $1::text", ["a\u{0}b"]) }
            #expect(error?.sqlState == "22021")
            #expect(try await connection.query("SELECT 1").count == 1)
        }
    }

    @Test("a statement is prepared once per connection and reused by its SQL text")
    func preparedOnce() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            for value in 1...5 {
                #expect(try await connection.query("SELECT $1::int + 1 AS n", [value])[0].int("n") == value + 1)
            }
            let prepared = try await connection.query("SELECT name, statement FROM pg_prepared_statements ORDER BY name")
            #expect(prepared.filter { $0["statement"] == "SELECT $1::int + 1 AS n" }.count == 1)
            #expect(prepared.first { $0["statement"] == "SELECT $1::int + 1 AS n" }?["name"] == "s1")
        }
    }

    @Test("a statement that fails to prepare leaves the connection usable")
    func badSQL() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let error = await pgError { _ = try await connection.query("SELEC 1") }
            #expect(error?.kind == .query)
            #expect(error?.sqlState == "42601")
            #expect(try await connection.query("SELECT 2 AS n")[0].int("n") == 2)
        }
    }

    @Test("unique, foreign-key, check and not-null violations carry their SQLSTATE and constraint")
    func constraintErrors() async throws {
        let url = try TestDatabase.adminURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let units = TestDatabase.unique("units")
            let people = TestDatabase.unique("people")
            _ = try await connection.simpleQuery("""
                CREATE TABLE \(units) (id int PRIMARY KEY, name text NOT NULL UNIQUE,
                                       headcount int CONSTRAINT headcount_positive CHECK (headcount > 0));
                CREATE TABLE \(people) (id int PRIMARY KEY, unit_id int REFERENCES \(units)(id));
                INSERT INTO \(units) VALUES (1, '客服部', 3);
                """)

            let unique = await pgError { _ = try await connection.query("INSERT INTO \(units) VALUES (2, $1, 1)", ["客服部"]) }
            #expect(unique?.isUniqueViolation == true)
            #expect(unique?.kind == .query)
            #expect(unique?.constraint == "\(units)_name_key")
            #expect(unique?.table == units)
            #expect(unique?.detail?.contains("客服部") == true)

            let foreign = await pgError { _ = try await connection.query("INSERT INTO \(people) VALUES (1, 99)") }
            #expect(foreign?.isForeignKeyViolation == true)

            let check = await pgError { _ = try await connection.query("UPDATE \(units) SET headcount = 0") }
            #expect(check?.isCheckViolation == true)
            #expect(check?.constraint == "headcount_positive")

            let notNull = await pgError { _ = try await connection.query("INSERT INTO \(units) VALUES (3, NULL, 1)") }
            #expect(notNull?.isNotNullViolation == true)
            #expect(notNull?.column == "name")

            let raised = await pgError { _ = try await connection.simpleQuery("DO $$ BEGIN RAISE EXCEPTION 'grade too low' USING HINT = 'ask a manager'; END $$") }
            #expect(raised?.isRaisedByApp == true)
            #expect(raised?.message == "grade too low")
            #expect(raised?.hint == "ask a manager")
            _ = try await connection.simpleQuery("DROP TABLE \(people), \(units)")
        }
    }

    @Test("statement_timeout cancels a slow statement with kind timeout and the connection stays usable")
    func statementTimeout() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop, statementTimeoutMillis: 100)
            defer { connection.close() }
            let start = MonotonicClock.nowMillis()
            let error = await pgError { _ = try await connection.query("SELECT pg_sleep(2)") }
            #expect(error?.kind == .timeout)
            #expect(error?.sqlState == "57014")
            #expect(elapsed(since: start) < 1500)
            #expect(try await connection.query("SHOW statement_timeout")[0, 0] == "100ms")
        }
    }

    @Test("statement_timeout is added to options the URL already carries")
    func timeoutKeepsURLOptions() async throws {
        let url = TestDatabase.url(try TestDatabase.appURL(), adding: "options", "-c work_mem=5MB")
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop, statementTimeoutMillis: 1234)
            defer { connection.close() }
            let result = try await connection.query("SELECT current_setting('work_mem') AS w, current_setting('statement_timeout') AS t")
            #expect(result[0]["w"] == "5MB")
            #expect(result[0]["t"] == "1234ms")
        }
    }

    @Test("several statements in one simple query return one result each")
    func simpleQuery() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let results = try await connection.simpleQuery("SELECT 1 AS a; SELECT 'x' AS b, 'y' AS c; SET LOCAL work_mem = '8MB'")
            #expect(results.count == 3)
            #expect(results[1].columns == ["b", "c"])
            #expect(results[2].commandTag == "SET")
        }
    }

    @Test("queries issued at once by several tasks on one connection are answered in order")
    func queued() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let order = LoopBox<[Int]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let result = try await connection.query("SELECT $1::int AS i, pg_sleep(0.001)", [index])
                        order.value.append(result[0].int("i")!)
                    }
                }
                try await group.waitForAll()
            }
            #expect(order.value == Array(0..<20))
        }
    }

    @Test("rows affected and the command tag are reported")
    func affectedRows() async throws {
        let url = try TestDatabase.adminURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let table = TestDatabase.unique("sites")
            _ = try await connection.simpleQuery("CREATE TEMP TABLE \(table) (id int)")
            let insert = try await connection.query("INSERT INTO \(table) SELECT generate_series(1, $1::int)", [7])
            #expect(insert.affectedRows == 7)
            #expect(insert.commandTag == "INSERT 0 7")
            let update = try await connection.query("UPDATE \(table) SET id = id + 1 WHERE id > 4")
            #expect(update.affectedRows == 3)
        }
    }

    @Test("a terminated backend breaks the connection: the query in flight and later ones fail as unavailable")
    func terminated() async throws {
        let url = try TestDatabase.adminURL()
        try await onLoop { loop in
            let victim = try await PGConnection.connect(url, on: loop)
            let killer = try await PGConnection.connect(url, on: loop)
            defer { killer.close() }
            let pid = victim.backendPID
            let slow = Task(executorPreference: loop) { try await victim.query("SELECT pg_sleep(5)") }
            try await Task.sleep(for: .milliseconds(100))
            _ = try await killer.query("SELECT pg_terminate_backend($1)", [Int(pid)])
            let error = await pgError { _ = try await slow.value }
            #expect(error?.kind == .unavailable)
            #expect(victim.isBroken)
            let later = await pgError { _ = try await victim.query("SELECT 1") }
            #expect(later?.kind == .unavailable)
        }
    }

    @Test("an idle connection notices at once that the server dropped it")
    func idleDrop() async throws {
        let url = try TestDatabase.adminURL()
        try await onLoop { loop in
            let victim = try await PGConnection.connect(url, on: loop)
            let killer = try await PGConnection.connect(url, on: loop)
            defer { killer.close() }
            _ = try await killer.query("SELECT pg_terminate_backend($1)", [Int(victim.backendPID)])
            for _ in 0..<100 where !victim.isBroken { try await Task.sleep(for: .milliseconds(10)) }
            #expect(victim.isBroken)
        }
    }

    @Test("connecting to a port where nothing listens fails quickly as unavailable")
    func unreachable() async throws {
        try await onLoop { loop in
            let start = MonotonicClock.nowMillis()
            let error = await pgError { _ = try await PGConnection.connect("postgresql://orgd@127.0.0.1:1/orgd", on: loop) }
            #expect(error?.kind == .unavailable)
            #expect(error?.message.contains("127.0.0.1") == true)
            #expect(elapsed(since: start) < 1000)
        }
    }

    @Test("a malformed URL is reported without connecting")
    func malformedURL() async throws {
        try await onLoop { loop in
            let error = await pgError {
                _ = try await PGConnection.connect("postgresql://a@b/c?nonsense=1", on: loop, statementTimeoutMillis: 5)
            }
            #expect(error?.kind == .unavailable)
            #expect(error?.message.contains("nonsense") == true)
        }
    }
}
