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
    }

    @Test("an array literal quotes every element and escapes quotes and backslashes")
    func arrays() {
        #expect(["a", "b,c", "say \"hi\"", "back\\slash", "{}", ""].pgText
            == #"{"a","b,c","say \"hi\"","back\\slash","{}",""}"#)
        #expect(([] as [String]).pgText == "{}")
        #expect(["x", nil].pgText == #"{"x",NULL}"#)
        #expect([1, 2].pgText == #"{"1","2"}"#)
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
