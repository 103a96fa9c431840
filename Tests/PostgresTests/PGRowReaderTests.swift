// Decoding rows by position against a real Postgres, in text and in binary: every supported
// type round-trips, NULL is nil only for optionals, and a missing column, a wrong type or a
// column the decoder did not read is an error that says where, never a nil.

import EventLoop
import Postgres
import Testing

/// Runs `query` on a fresh connection (TimeZone UTC, as the binary rendering assumes) in text
/// and then in binary, and gives each result to `check`.
private func inBothFormats(_ query: PGQuery, _ check: @escaping @Sendable (PGResult) throws -> Void) async throws {
    let url = try TestDatabase.appURL()
    try await onLoop { loop in
        let connection = try await PGConnection.connect(url, on: loop)
        defer { connection.close() }
        _ = try await connection.simpleQuery("SET TimeZone = 'UTC'")
        for format in [PGFormat.text, .binary] {
            var formatted = query
            formatted.resultFormat = format
            let result = try await connection.query(formatted)
            #expect(result.format == format)
            try check(result)
        }
    }
}

/// Expects `body` to throw a PGDecodingError and returns it.
private func decodingError(_ body: () throws -> Void) -> PGDecodingError? {
    do {
        try body()
        Issue.record("expected a PGDecodingError, nothing was thrown")
    } catch let error as PGDecodingError {
        return error
    } catch {
        Issue.record("expected a PGDecodingError, got \(error)")
    }
    return nil
}

private struct UnitRow: PGRowDecodable, Equatable {
    static let columns: StaticString = "id, revision, archived, opened_on, name, tier, rules"
    var id: String
    var revision: Int
    var archived: Bool
    var openedOn: String
    var name: String
    var tier: String?
    var rules: PGJSONBytes

    init(row: inout PGRowReader) throws {
        id = try row.next()
        revision = try row.next()
        archived = try row.next()
        openedOn = try row.next()
        name = try row.next()
        tier = try row.next()
        rules = try row.next()
    }

    init(id: String, revision: Int, archived: Bool, openedOn: String, name: String, tier: String?, rules: String) {
        (self.id, self.revision, self.archived, self.openedOn, self.name, self.tier) = (id, revision, archived, openedOn, name, tier)
        self.rules = PGJSONBytes(Array(rules.utf8))
    }
}

/// Reads the first two columns of UnitRow's list and stops: the drift the check must catch.
private struct ShortUnitRow: PGRowDecodable {
    var id: String
    var revision: Int
    init(row: inout PGRowReader) throws {
        id = try row.next()
        revision = try row.next()
    }
}

private let unitID = "4c6a5e0e-2f7a-4f37-9a51-6c1d6a0b9f10"
private let units: PGQuery = """
    SELECT \(unescaped: UnitRow.columns) FROM (VALUES
        (\(unitID)::uuid, 3, false, '2026-12-01'::date, '客服中心 · 上海', NULL::text, '{"max": 5, "名": "维修"}'::jsonb),
        ('00000000-0000-0000-0000-0000000000ff'::uuid, 1, true, '0044-03-15 BC'::date, 'a', 'B+3', '[]'::jsonb)
    ) AS t(\(unescaped: UnitRow.columns))
    """

@Suite("PGRowReader")
struct PGRowReaderTests {
    @Test("every column type round-trips through Postgres in text and in binary")
    func everyType() async throws {
        let json = #"{"a": [1, 2.5, null], "名": "维修"}"#
        let query: PGQuery = """
            SELECT \(unitID)::uuid, \(-32768)::int2, \(Int32.min)::int4, \(Int64.max)::int8, \(true)::bool,
                   \(2.5)::float8, '2026-02-28'::date, \("客服 🛠")::text, \("varchar")::varchar(20),
                   \(json)::jsonb, \(json)::json, \(Int64.min)::int8, \(false)::bool, \(-0.125)::float8,
                   \(Int32.max)::int4
            """
        try await inBothFormats(query) { result throws in
            var row = result[0].reader()
            #expect(try row.next(String.self) == unitID)
            #expect(try row.next(Int.self) == -32768)
            #expect(try row.next(Int32.self) == Int32.min)
            #expect(try row.next(Int64.self) == Int64.max)
            #expect(try row.next(Bool.self) == true)
            #expect(try row.next(Double.self) == 2.5)
            #expect(try row.next(String.self) == "2026-02-28")
            #expect(try row.next(String.self) == "客服 🛠")
            #expect(try row.next(String.self) == "varchar")
            #expect(try row.next(PGJSONBytes.self).bytes == Array(#"{"a": [1, 2.5, null], "名": "维修"}"#.utf8))
            #expect(try row.next(PGJSONBytes.self).bytes == Array(json.utf8))
            #expect(try row.next(Int.self) == Int.min)
            #expect(try row.next(Bool.self) == false)
            #expect(try row.next(Double.self) == -0.125)
            #expect(try row.next(Int32.self) == Int32.max)
            #expect(row.remaining == 0)
            try row.finish()
        }
    }

    @Test("a struct decodes from its column list in both formats, NULL becoming nil for an optional")
    func rowDecodable() async throws {
        try await inBothFormats(units) { result throws in
            let rows = try result.decode(as: UnitRow.self)
            #expect(rows == [
                UnitRow(id: unitID, revision: 3, archived: false, openedOn: "2026-12-01", name: "客服中心 · 上海", tier: nil,
                        rules: #"{"max": 5, "名": "维修"}"#),
                UnitRow(id: "00000000-0000-0000-0000-0000000000ff", revision: 1, archived: true, openedOn: "0044-03-15 BC",
                        name: "a", tier: "B+3", rules: "[]"),
            ])
            #expect(try result.decodeFirst(as: UnitRow.self) == rows.first)
        }
    }

    @Test("a tuple decodes from exactly its columns, and an empty result gives no rows")
    func tuples() async throws {
        try await inBothFormats("SELECT n::int4, CASE WHEN n = 2 THEN NULL ELSE n::text END FROM generate_series(1, 3) n") { result throws in
            let rows = try result.decode(Int.self, String?.self)
            #expect(rows.map(\.0) == [1, 2, 3])
            #expect(rows.map(\.1) == ["1", nil, "3"])
        }
        try await inBothFormats("SELECT 1::int4 WHERE false") { result throws in
            #expect(try result.decode(Int.self).isEmpty)
            #expect(try result.decodeFirst(Int.self) == nil)
        }
    }

    @Test("NULL for a non-optional type is an error naming the row and column")
    func unexpectedNull() async throws {
        try await inBothFormats(units) { result throws in
            var row = result[0].reader()
            try row.skip(5)
            let error = decodingError { _ = try row.next(String.self) }
            #expect(error?.kind == .unexpectedNull)
            #expect(error?.row == 0 && error?.column == 5 && error?.columnName == "tier")
            #expect(error?.expected == "String")
            #expect(error?.description == "row 0, column 5 (tier): expected String, found NULL")
        }
    }

    @Test("reading past the last column is an error, not a nil")
    func missingColumn() async throws {
        try await inBothFormats("SELECT 1::int4 AS one") { result throws in
            var row = result[0].reader()
            _ = try row.next(Int.self)
            let error = decodingError { _ = try row.next(Int?.self) }
            #expect(error?.kind == .missingColumn)
            #expect(error?.column == 1 && error?.columnName == nil)
            #expect(error?.description == "row 0, column 1: expected Optional<Int>, but the row has 1 columns")
            let tooMany = decodingError { _ = try result.decode(Int.self, Int.self) }
            #expect(tooMany?.kind == .missingColumn)
        }
    }

    @Test("a value that is not the asked type is an error saying what was found")
    func wrongType() async throws {
        let query: PGQuery = "SELECT 'abc'::text AS code, \(unitID)::uuid AS id, \(Int64(Int32.max) + 1)::int8 AS big, 1.5::numeric AS ratio, 't'::text AS flag"
        try await inBothFormats(query) { result throws in
            var row = result[0].reader()
            let code = decodingError { _ = try row.next(Int.self) }
            #expect(code?.kind == .typeMismatch && code?.column == 0 && code?.columnName == "code")
            let id = decodingError { _ = try row.next(Int.self) }
            #expect(id?.kind == .typeMismatch && id?.columnName == "id")
            let big = decodingError { _ = try row.next(Int32.self) }
            #expect(big?.kind == .typeMismatch && big?.found.contains("out of range") == true)
            let ratio = decodingError { _ = try row.next(Int.self) }
            #expect(ratio?.kind == .typeMismatch)
            if result.format == .text {
                #expect(code?.description == #"row 0, column 0 (code): expected Int, found text "abc""#)
                #expect(try row.next(Bool.self) == true)       // text decodes by its text
            } else {
                #expect(code?.description == "row 0, column 0 (code): expected Int, found binary text (3 bytes)")
                #expect(decodingError { _ = try row.next(Bool.self) }?.kind == .typeMismatch)   // binary by its type
            }
        }
    }

    @Test("a decoder that leaves columns unread fails, naming the first one it missed")
    func unconsumedColumns() async throws {
        try await inBothFormats(units) { result throws in
            let error = decodingError { _ = try result.decode(as: ShortUnitRow.self) }
            #expect(error?.kind == .unconsumedColumns)
            #expect(error?.column == 2 && error?.columnName == "archived")
            #expect(error?.description == "row 0, column 2 (archived): the decoder (2 of 7 columns read) left 5 columns unread")
            let tuple = decodingError { _ = try result.decodeFirst(String.self, Int.self) }
            #expect(tuple?.kind == .unconsumedColumns)
            // The cursor checks only when asked.
            var row = result[1].reader()
            #expect(try row.next(String.self) == "00000000-0000-0000-0000-0000000000ff")
            #expect(row.remaining == 6)
            #expect(decodingError { try row.finish() }?.kind == .unconsumedColumns)
        }
    }

    @Test("binary values render as exactly the text Postgres prints for them")
    func binaryRendersAsText() async throws {
        let values = [
            "'4C6A5E0E-2F7A-4F37-9A51-6C1D6A0B9F10'::uuid", "0::int2", "-1::int4", "9223372036854775807::int8",
            "true", "false", "2.5::float8", "0.1::float8", "-0.0::float8", "1e100::float8", "1e-5::float8",
            "123456::float8", "'NaN'::float8", "'-Infinity'::float8", "1.5::float4", "'2026-02-28'::date",
            "'2000-01-01'::date", "'1999-12-31'::date", "'0001-01-01 BC'::date", "'0044-03-15 BC'::date",
            "'9999-12-31'::date", "'infinity'::date", "'-infinity'::date",
            "'2026-12-05 18:11:45.123450+08'::timestamptz", "'2000-01-01 00:00:00+00'::timestamptz",
            "'1969-07-20 20:17:40'::timestamp", "'infinity'::timestamptz", "'1999-12-31 23:59:59.999999'::timestamp",
            "0::numeric", "-1.50::numeric", "12345678.9012::numeric", "0.00001234::numeric", "1e20::numeric",
            "'NaN'::numeric", "10000::numeric", "-0.0001::numeric", "'客服'::text", "'ab'::char(5)", "'x'::name",
            "'{\"b\": 1, \"a\": [true]}'::jsonb", "'{\"b\":1}'::json", "'\\x00ff10'::bytea", "26::oid", "'q'::\"char\"",
        ]
        let query = PGQuery(unsafeSQL: "SELECT " + values.joined(separator: ", "))
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let connection = try await PGConnection.connect(url, on: loop)
            defer { connection.close() }
            _ = try await connection.simpleQuery("SET TimeZone = 'UTC'")
            let text = try await connection.query(query)
            let binary = try await connection.query(query.binary())
            #expect(binary.format == .binary)
            for (index, value) in values.enumerated() {
                #expect(binary[0, index] == text[0, index], "\(value)")
                var reader = binary[0].reader()
                try reader.skip(index)
                #expect(try reader.next(String.self) == text[0, index]!, "\(value)")
            }
        }
    }

    @Test("the text accessors read a binary result as they read a text one")
    func legacyAccessorsOnBinary() async throws {
        try await inBothFormats(units) { result throws in
            #expect(result[0]["id"] == unitID)
            #expect(result[0].int("revision") == 3)
            #expect(result[1].bool("archived") == true)
            #expect(result[0].isNull("tier"))
            #expect(result.string(1, "opened_on") == "0044-03-15 BC")
        }
    }

    @Test("a result built by hand decodes as text")
    func handBuilt() throws {
        let result = PGResult(columns: ["id", "n", "x"], rows: [["a", "-12", nil], ["b", "007", "1.5"]])
        #expect(try result.decode(String.self, Int.self, Double?.self).map(\.2) == [nil, 1.5])
        #expect(try result.decode(String.self, Int.self, Double?.self).map(\.1) == [-12, 7])
        let overflow = PGResult(columns: ["n"], rows: [["9223372036854775808"]])
        #expect(decodingError { _ = try overflow.decode(Int.self) }?.found == #"text "9223372036854775808" (out of range)"#)
        #expect(try PGResult(columns: ["n"], rows: [["-9223372036854775808"]]).decode(Int.self) == [Int.min])
        for bad in ["", "-", "1 ", "+1", "1e3", "0x10"] {
            #expect(decodingError { _ = try PGResult(columns: ["n"], rows: [[bad]]).decode(Int.self) }?.kind == .typeMismatch, "\(bad)")
        }
        #expect(try PGResult(columns: ["x"], rows: [["NaN"], ["Infinity"], ["-Infinity"]]).decode(Double.self).map(\.description)
            == ["nan", "inf", "-inf"])
    }
}
