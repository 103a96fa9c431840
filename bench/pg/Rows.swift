// Reading a realistic result: 1,000 units of 15 columns (four uuids, three of them sometimes
// NULL; text with Chinese; int4, int8; bool; dates; a small jsonb), as orgd's stores read them.
// Decode alone (the result fetched once, read 20 times) and end to end (query and read), by
// name with the text accessors, and by position with PGRowReader in text and in binary.

import EventLoop
import Postgres

enum Rows {
    static let rowCount = 1000
    static let passes = 20          // decode-only: reads of the same result per timed run
    static let queries = 50         // end to end: queries per timed run

    static let create = """
        CREATE TEMP TABLE bench_units AS
        SELECT gen_random_uuid() AS id, '4c6a5e0e-2f7a-4f37-9a51-6c1d6a0b9f10'::uuid AS tenant_id,
               CASE WHEN n > 1 THEN gen_random_uuid() END AS parent_id,
               CASE WHEN n % 3 > 0 THEN gen_random_uuid() END AS manager_id,
               'U' || lpad(n::text, 6, '0') AS code, '客服中心 ' || n || ' · 上海分部' AS name,
               (ARRAY['department', 'team', 'site', 'region'])[1 + n % 4] AS kind,
               (n % 7)::int4 AS depth, (n * 3)::int8 AS revision, (n % 40)::int4 AS position_count,
               n % 10 = 0 AS archived, n = 1 AS is_root,
               DATE '2024-01-01' + n % 700 AS valid_from,
               CASE WHEN n % 5 = 0 THEN DATE '2027-01-01' + n % 30 END AS valid_to,
               jsonb_build_object('max_headcount', n % 50, 'grades', jsonb_build_array('B+1', 'B+3'),
                                  'requires_site', n % 2 = 0) AS rules
        FROM generate_series(1, \(rowCount)) n
        """
    static let select = """
        SELECT id, tenant_id, parent_id, manager_id, code, name, kind, depth, revision, position_count,
               archived, is_root, valid_from, valid_to, rules
        FROM bench_units ORDER BY code
        """

    static func run(url: String, loop: EventLoop) async throws {
        let connection = try await PGConnection.connect(url, on: loop)
        defer { connection.close() }
        _ = try await connection.simpleQuery(create)
        let sizes = try await connection.query("""
            SELECT avg(octet_length(id::text) + octet_length(tenant_id::text) + coalesce(octet_length(parent_id::text), 0)
                       + coalesce(octet_length(manager_id::text), 0) + octet_length(code) + octet_length(name)
                       + octet_length(kind) + octet_length(depth::text) + octet_length(revision::text)
                       + octet_length(position_count::text) + 2 + octet_length(valid_from::text)
                       + coalesce(octet_length(valid_to::text), 0) + octet_length(rules::text))::int AS text,
                   avg(octet_length(uuid_send(id)) * 2 + coalesce(octet_length(uuid_send(parent_id)), 0)
                       + coalesce(octet_length(uuid_send(manager_id)), 0) + octet_length(code) + octet_length(name)
                       + octet_length(kind) + 4 + 8 + 4 + 2 + 4 + coalesce(4 * (valid_to IS NOT NULL)::int, 0)
                       + octet_length(jsonb_send(rules)))::int AS binary
            FROM bench_units
            """)
        print("value bytes per row, text\t\(sizes[0].int("text")!)\t\tbytes")
        print("value bytes per row, binary\t\(sizes[0].int("binary")!)\t\tbytes")

        let text = try await connection.query(select)
        precondition(text.count == rowCount && text.columns.count == 15)
        Bench.report("decode: by name, text accessors", Bench.median { readByName(text) }, per: rowCount * passes)
        #if !BASELINE
        let binary = try await connection.query(PGQuery(unsafeSQL: select).binary())
        precondition(binary.format == .binary)
        Bench.report("decode: by name, text accessors on a binary result", Bench.median { readByName(binary) }, per: rowCount * passes)
        Bench.report("decode: by position, text", try Bench.median { try readByPosition(text) }, per: rowCount * passes)
        Bench.report("decode: by position, binary", try Bench.median { try readByPosition(binary) }, per: rowCount * passes)
        #endif

        Bench.report("query only, text", try await Bench.median {
            for _ in 0..<queries { Bench.sink &+= try await connection.query(select).count }
        }, per: rowCount * queries)
        Bench.report("end to end: query and read by name, text", try await Bench.median {
            for _ in 0..<queries { readByName(try await connection.query(select), passes: 1) }
        }, per: rowCount * queries)
        #if !BASELINE
        let binaryQuery = PGQuery(unsafeSQL: select).binary()
        Bench.report("query only, binary", try await Bench.median {
            for _ in 0..<queries { Bench.sink &+= try await connection.query(binaryQuery).count }
        }, per: rowCount * queries)
        Bench.report("end to end: query and read by position, text", try await Bench.median {
            for _ in 0..<queries { try readByPosition(try await connection.query(PGQuery(unsafeSQL: select)), passes: 1) }
        }, per: rowCount * queries)
        Bench.report("end to end: query and read by position, binary", try await Bench.median {
            for _ in 0..<queries { try readByPosition(try await connection.query(binaryQuery), passes: 1) }
        }, per: rowCount * queries)
        #endif
    }

    /// The way orgd's stores read rows today: each column by name, as text, into an array of
    /// values (as `decode(as:)` makes one).
    static func readByName(_ result: PGResult, passes: Int = passes) {
        for _ in 0..<passes {
            let units = result.map { row in
                NamedUnit(id: row.string("id")!, tenantID: row.string("tenant_id")!,
                          parentID: row.string("parent_id"), managerID: row.string("manager_id"),
                          code: row.string("code")!, name: row.string("name")!, kind: row.string("kind")!,
                          depth: row.int("depth")!, revision: row.int("revision")!,
                          positionCount: row.int("position_count")!, archived: row.bool("archived")!,
                          isRoot: row.bool("is_root")!, validFrom: row.string("valid_from")!,
                          validTo: row.string("valid_to"), rules: row.string("rules")!)
            }
            for unit in units { Bench.sink &+= unit.depth &+ unit.rules.utf8.count }
        }
    }

    #if !BASELINE
    static func readByPosition(_ result: PGResult, passes: Int = passes) throws {
        for _ in 0..<passes {
            for unit in try result.decode(as: Unit.self) {
                Bench.sink &+= unit.depth &+ unit.rules.bytes.count
            }
        }
    }
    #endif
}

struct NamedUnit {
    var id: String
    var tenantID: String
    var parentID: String?
    var managerID: String?
    var code: String
    var name: String
    var kind: String
    var depth: Int
    var revision: Int
    var positionCount: Int
    var archived: Bool
    var isRoot: Bool
    var validFrom: String
    var validTo: String?
    var rules: String
}

#if !BASELINE
struct Unit: PGRowDecodable {
    var id: String
    var tenantID: String
    var parentID: String?
    var managerID: String?
    var code: String
    var name: String
    var kind: String
    var depth: Int
    var revision: Int64
    var positionCount: Int32
    var archived: Bool
    var isRoot: Bool
    var validFrom: String
    var validTo: String?
    var rules: PGJSONBytes

    init(row: inout PGRowReader) throws {
        id = try row.next()
        tenantID = try row.next()
        parentID = try row.next()
        managerID = try row.next()
        code = try row.next()
        name = try row.next()
        kind = try row.next()
        depth = try row.next()
        revision = try row.next()
        positionCount = try row.next()
        archived = try row.next()
        isRoot = try row.next()
        validFrom = try row.next()
        validTo = try row.next()
        rules = try row.next()
    }
}
#endif
