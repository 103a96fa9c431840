// Statements built by interpolation: values become $1, $2, ... in order, NULL for nil, trusted
// fragments are spliced with their parameters renumbered; then the same against a real Postgres
// through a connection, a pool, a tenant query and a pipeline.

import EventLoop
import Postgres
import Testing

private enum Units {
    static let columns: StaticString = "u.id, u.code, u.name"
    static func from(day: String) -> PGQuery {
        "units u JOIN unit_versions v ON v.unit_id = u.id AND \(day)::date <@ v.valid"
    }
}

@Suite("PGQuery")
struct PGQueryTests {
    @Test("interpolated values become $1, $2, ... in order of appearance and are not spliced")
    func numbering() {
        let id = "4c6a5e0e-2f7a-4f37-9a51-6c1d6a0b9f10"
        let day = "2026-12-01'; DROP TABLE units; --"
        let query: PGQuery = "SELECT * FROM units WHERE id = \(id)::uuid AND day = \(day)::date AND depth < \(3)"
        #expect(query.sql == "SELECT * FROM units WHERE id = $1::uuid AND day = $2::date AND depth < $3")
        #expect(query.params == [id, day, "3"])
        #expect(query.resultFormat == .text)
    }

    @Test("a nil optional binds NULL, a present one its value")
    func nulls() {
        let tier: String? = nil
        let limit: Int? = 50
        let query: PGQuery = "SELECT \(tier)::text, \(limit)::int, \(nil as Bool?)::bool"
        #expect(query.sql == "SELECT $1::text, $2::int, $3::bool")
        #expect(query.params == [nil, "50", nil])
    }

    @Test("a literal without interpolations is sent as written, with no parameters")
    func literal() {
        let query: PGQuery = "SELECT 1 AS one -- no $ here"
        #expect(query.sql == "SELECT 1 AS one -- no $ here")
        #expect(query.params.isEmpty)
        #expect(query.description == query.sql)
    }

    @Test("spliced fragments are SQL, and a spliced query's parameters are renumbered after the ones before it")
    func splicing() {
        let id = "4c6a5e0e-2f7a-4f37-9a51-6c1d6a0b9f10"
        let query: PGQuery = """
            SELECT \(unescaped: Units.columns), \("a")::text AS before FROM \(unescaped: Units.from(day: "2026-12-01")) \
            WHERE u.id = \(id)::uuid AND u.code <> \(unescaped: "'x'")
            """
        #expect(query.sql == """
            SELECT u.id, u.code, u.name, $1::text AS before FROM units u JOIN unit_versions v ON v.unit_id = u.id \
            AND $2::date <@ v.valid WHERE u.id = $3::uuid AND u.code <> 'x'
            """)
        #expect(query.params == ["a", "2026-12-01", id])
    }

    @Test("a spliced query with several parameters keeps their order, and so does append")
    func appending() {
        let range: PGQuery = "BETWEEN \(1) AND \(9)"
        var query: PGQuery = "SELECT n FROM t WHERE m = \(0) AND n \(unescaped: range) AND o = \(10)"
        #expect(query.sql == "SELECT n FROM t WHERE m = $1 AND n BETWEEN $2 AND $3 AND o = $4")
        query.append(" AND p = ANY(\(["x", "y"])::text[])")
        query.append(" FOR UPDATE")
        #expect(query.sql == "SELECT n FROM t WHERE m = $1 AND n BETWEEN $2 AND $3 AND o = $4 AND p = ANY($5::text[]) FOR UPDATE")
        #expect(query.params == ["0", "1", "9", "10", #"{"x","y"}"#])
    }

    @Test("SQL made at run time is taken only through init(unsafeSQL:)")
    func unsafeSQL() {
        let table = "inspections_42"
        let query: PGQuery = "SELECT count(*) FROM \(unescaped: PGQuery(unsafeSQL: table)) WHERE site = \("上海")"
        #expect(query.sql == "SELECT count(*) FROM inspections_42 WHERE site = $1")
    }

    @Test("binary() asks for binary results and a PGStatement keeps the format")
    func formats() {
        let query: PGQuery = "SELECT \(1)::int"
        #expect(query.binary().resultFormat == .binary)
        let statement = PGStatement(query.binary())
        #expect(statement.sql == "SELECT $1::int")
        #expect(statement.params.map(\.pgText) == ["1"])
        #expect(statement.resultFormat == .binary)
        #expect(PGStatement("SELECT 1").resultFormat == .text)
    }
}

@Suite("PGQuery against Postgres")
struct PGQueryLiveTests {
    @Test("a connection binds interpolated values, NULL and text the server would choke on if spliced")
    func connection() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let name = "o'reilly 客服 \\ \"维修\""
            let missing: Int? = nil
            let query: PGQuery = "SELECT \(name)::text AS name, \(missing)::int AS missing, \(41) + 1 AS n"
            let row = try await connection.query(query)[0]
            #expect(row["name"] == name)
            #expect(row.isNull("missing"))
            #expect(row.int("n") == 42)
            // The same statement again runs the prepared statement, with other values.
            let again: PGQuery = "SELECT \("x")::text AS name, \(7 as Int?)::int AS missing, \(1) + 1 AS n"
            #expect(try await connection.query(again)[0].int("missing") == 7)
        }
    }

    @Test("a NUL character in an interpolated value is refused before it reaches the server")
    func nul() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let error = await pgError { _ = try await connection.query("SELECT \(1)::int, \("a\u{0}b")::text" as PGQuery) }
            #expect(error?.sqlState == "22021")
            #expect(error?.message.contains("$2") == true)
        }
    }

    @Test("an unannotated literal still goes to the text API, so existing call sites keep their meaning")
    func unannotatedLiteral() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            let catalog = "pg_catalog.pg_class"
            // As a PGQuery this would be `FROM $1`, a syntax error.
            let result = try await connection.query("SELECT count(*) > 0 AS ok FROM \(catalog)")
            #expect(result[0].bool("ok") == true)
        }
    }

    @Test("a pool, a tenant query and a pipeline each take a PGQuery, in text or binary")
    func poolAndPipeline() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 1)
            defer { pool.close() }
            let plain = try await pool.query("SELECT \(5)::int4 * 2 AS n" as PGQuery)
            #expect(try plain.decode(Int.self) == [10])
            let tenant = "o'reilly"
            let seen = try await pool.query(tenant: tenant, ("SELECT current_setting('orgd.tenant_id') AS t, \(3)::int8 AS n" as PGQuery).binary())
            #expect(seen.format == .binary)
            #expect(try seen.decodeFirst(String.self, Int.self)! == (tenant, 3))
            try await pool.withConnection { connection in
                let results = try await connection.pipeline([
                    PGStatement(("SELECT \("维修")::text AS a" as PGQuery).binary()),
                    PGStatement("SELECT \(2)::int AS b" as PGQuery),
                ])
                #expect(results[0].format == .binary && results[1].format == .text)
                #expect(try results[0].decode(String.self) == ["维修"])
                #expect(try results[1].decode(Int.self) == [2])
            }
        }
    }
}
