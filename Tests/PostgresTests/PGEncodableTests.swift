// Parameters in Postgres text format, checked without a server (the live tests round-trip them).

import Postgres
import Testing

@Suite("PGEncodable")
struct PGEncodableTests {
    @Test("booleans are t and f, and nil is SQL NULL")
    func scalars() {
        #expect(true.pgText == "t")
        #expect(false.pgText == "f")
        #expect((nil as Int?).pgText == nil)
        #expect((42 as Int?).pgText == "42")
        #expect(Int64.min.pgText == "-9223372036854775808")
    }

    @Test("doubles keep their precision and spell the special values as Postgres does")
    func doubles() {
        #expect(0.1.pgText == "0.1")
        #expect(Double.nan.pgText == "NaN")
        #expect(Double.infinity.pgText == "Infinity")
        #expect((-Double.infinity).pgText == "-Infinity")
        #expect(Double.leastNonzeroMagnitude.pgText == "0", "Postgres refuses subnormal float8 input")
        #expect((-Double.leastNonzeroMagnitude).pgText == "-0")
    }

    @Test("an array literal quotes every element and escapes quotes and backslashes")
    func arrays() {
        #expect(["a", "b,c", "say \"hi\"", "back\\slash", "{}", ""].pgText
            == #"{"a","b,c","say \"hi\"","back\\slash","{}",""}"#)
        #expect(([] as [String]).pgText == "{}")
        #expect(["x", nil].pgText == #"{"x",NULL}"#)
        #expect([1, 2].pgText == #"{"1","2"}"#)
    }

    @Test("the byte-wise array literal is identical to the scalar-by-scalar one it replaced")
    func arraysByteIdentical() {
        let cases: [[String?]] = [
            [], [nil], [""], ["\"", "\\", "\\\"", "\"\\"], ["a\"b\\c\"", "\\\\"],
            ["客服中心 · 上海分部 🛠", "e\u{301}", "售后\"维修\\站"], ["NULL", nil, "null", "{}", "a,b", " "],
            ["4c6a5e0e-2f7a-4f37-9a51-6c1d6a0b9f10", "00000000-0000-0000-0000-000000000000"],
            [String(repeating: "\"", count: 100) + String(repeating: "é", count: 100)],
        ]
        for elements in cases {
            #expect(elements.pgText.map { Array($0.utf8) } == Array(scalarByScalarLiteral(elements).utf8), "\(elements)")
        }
        #expect(["a\"b", nil, "c\\d", "维"].pgText.map { Array($0.utf8) } == Array(#"{"a\"b",NULL,"c\\d","维"}"#.utf8))
    }

    @Test("JSON and raw wrappers pass their text through")
    func wrappers() {
        #expect(PGJSON(Array(#"{"a":1}"#.utf8)).pgText == #"{"a":1}"#)
        #expect(PGRaw("[2024-01-01,)").pgText == "[2024-01-01,)")
    }

    @Test("SQLSTATEs map to the error kinds the HTTP layer turns into statuses")
    func kinds() {
        #expect(PGError(kind: .query, sqlState: "23505", message: "").isUniqueViolation)
        #expect(PGError(kind: .query, sqlState: "40P01", message: "").isSerializationFailure)
        #expect(PGError(kind: .query, sqlState: "40001", message: "").isSerializationFailure)
        #expect(PGError(kind: .query, sqlState: "P0001", message: "").isRaisedByApp)
        #expect(PGError(kind: .query, sqlState: "23P01", message: "").isExclusionViolation)
    }
}

/// The array literal as PGEncodable built it before it worked on bytes: the reference the new
/// builder must match byte for byte.
private func scalarByScalarLiteral(_ elements: [String?]) -> String {
    var literal = "{"
    for (index, element) in elements.enumerated() {
        if index > 0 { literal += "," }
        guard let text = element else {
            literal += "NULL"
            continue
        }
        literal += "\""
        for character in text.unicodeScalars {
            if character == "\"" || character == "\\" { literal += "\\" }
            literal.unicodeScalars.append(character)
        }
        literal += "\""
    }
    return literal + "}"
}
