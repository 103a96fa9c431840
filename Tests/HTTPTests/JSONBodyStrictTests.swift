// The strict decoder (issue 9, defect 6): duplicate keys at any depth, unknown fields at any
// depth, integers that are fractions or out of range, text over its limit or with control
// characters — each named by field path and rule — and the JSON grammar itself.

import Testing
import HTTP

@Suite("strict JSON request bodies")
struct JSONBodyStrictTests {
    struct Headcount: Decodable, Equatable { var min: Int; var max: Int? }
    struct Item: Decodable, Equatable { var action: String; var note: String? }
    struct Body: Decodable, Equatable {
        var name: String
        var description: String?
        var headcount: Headcount?
        var checks: [Item]?
        var contact: [String: String]?
        var small: Int8?
        var ratio: Double?
        var flag: Bool?
    }

    static let rules = TextRules(limits: ["name": .init(maxLength: 5), "description": .init(maxLength: 10, multiline: true)],
                                 fallback: .init(maxLength: 20))

    func decode(_ json: String) throws(FieldError) -> Body {
        try decodeJSONBody(Body.self, from: Array(json.utf8), rules: Self.rules)
    }

    func failure(_ json: String) -> FieldError? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            return error
        }
    }

    @Test("a body using every field decodes exactly")
    func valid() throws {
        let body = try decode(#"{"name":"客服","description":"a\nb","headcount":{"min":1,"max":3},"checks":[{"action":"x"}],"contact":{"phone":"1"},"small":-128,"ratio":1.5,"flag":true}"#)
        #expect(body == Body(name: "客服", description: "a\nb", headcount: Headcount(min: 1, max: 3), checks: [Item(action: "x")],
                             contact: ["phone": "1"], small: -128, ratio: 1.5, flag: true))
    }

    // MARK: duplicate keys

    @Test("a repeated key is refused with its path, at the top and at depth",
          arguments: [(#"{"name":"a","name":"b"}"#, "name"),
                      (#"{"name":"a","headcount":{"min":1,"min":2}}"#, "headcount.min"),
                      (#"{"name":"a","checks":[{"action":"x"},{"action":"y","action":"z"}]}"#, "checks[1].action"),
                      (#"{"name":"a","contact":{"phone":"1","phone":"1"}}"#, "contact.phone")])
    func duplicateKey(_ json: String, _ path: String) {
        #expect(failure(json) == FieldError(field: path, rule: "duplicate_key", message: "appears twice in the same object"))
    }

    @Test("large objects (searched through a set, not in place) find duplicates and members too")
    func largeObjects() throws {
        let entries = (0..<40).map { #""k\#($0)":"v\#($0)""# }
        let contact = "{" + entries.joined(separator: ",") + "}"
        #expect(try decode(#"{"name":"a","contact":\#(contact)}"#).contact?["k39"] == "v39")
        let repeated = "{" + (entries + [#""k30":"again""#]).joined(separator: ",") + "}"
        #expect(failure(#"{"name":"a","contact":\#(repeated)}"#)?.field == "contact.k30")
        struct Wide: Decodable { var k39: String }
        #expect(throws: FieldError(field: "k0", rule: "unknown_field", message: "is not a field of this request")) {
            try decodeJSONBody(Wide.self, from: Array(contact.utf8))
        }
    }

    @Test("keys that differ only by an escape are the same key")
    func duplicateThroughEscape() {
        #expect(failure(#"{"name":"a","n\u0061me":"b"}"#)?.rule == "duplicate_key")
    }

    @Test("a duplicate key is a 400 JSON_DUPLICATE_KEY naming the key")
    func duplicateProblem() {
        let problem = Problem.from(FieldError(field: "headcount.min", rule: "duplicate_key", message: "appears twice in the same object"))
        #expect(problem.status == 400)
        #expect(problem.code == "JSON_DUPLICATE_KEY")
        #expect(problem.field == "headcount.min")
    }

    // MARK: unknown fields

    @Test("a member the type does not read is refused, at the top and nested",
          arguments: [(#"{"name":"a","titel":"x"}"#, "titel"),
                      (#"{"name":"a","headcount":{"min":1,"mx":3}}"#, "headcount.mx"),
                      (#"{"name":"a","checks":[{"action":"x"},{"action":"y","nte":"z"}]}"#, "checks[1].nte")])
    func unknownField(_ json: String, _ path: String) {
        #expect(failure(json) == FieldError(field: path, rule: "unknown_field", message: "is not a field of this request"))
    }

    @Test("every key of a dictionary-typed field is read, so none is unknown")
    func dictionaryKeysAreKnown() throws {
        #expect(try decode(#"{"name":"a","contact":{"phone":"1","wechat":"2"}}"#).contact == ["phone": "1", "wechat": "2"])
    }

    @Test("a hand-written init that only asks contains() still counts the key as known")
    func containsMarksKnown() throws {
        struct Patch: Decodable {
            var cleared = false
            enum CodingKeys: String, CodingKey { case region_id }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                cleared = container.contains(.region_id)
            }
        }
        #expect(try decodeJSONBody(Patch.self, from: Array(#"{"region_id":null}"#.utf8)).cleared)
    }

    // MARK: integers

    @Test("a fraction in an integer field is 'type' at the field; 1.5 is valid JSON",
          arguments: ["1.5", "-0.5", "1e-1", "2.000001"])
    func fraction(_ number: String) {
        #expect(failure(#"{"name":"a","headcount":{"min":\#(number)}}"#)
            == FieldError(field: "headcount.min", rule: "type", message: "must be an integer, not \(number)"))
    }

    @Test("an integer beyond the field's type is 'range' at the field",
          arguments: ["1e20", "9223372036854775808", "-9223372036854775809", "99999999999999999999999", "1e400"])
    func outOfRange(_ number: String) {
        let error = failure(#"{"name":"a","headcount":{"min":\#(number)}}"#)
        #expect(error?.field == "headcount.min")
        #expect(error?.rule == "range")
    }

    @Test("the bounds of a narrow integer type are exact")
    func narrowBounds() throws {
        #expect(try decode(#"{"name":"a","small":127}"#).small == 127)
        #expect(try decode(#"{"name":"a","small":-128}"#).small == -128)
        #expect(failure(#"{"name":"a","small":128}"#)?.rule == "range")
        #expect(failure(#"{"name":"a","small":-129}"#)?.rule == "range")
    }

    @Test("integers at the edges of Int and integral numbers written with an exponent decode")
    func integerEdges() throws {
        #expect(try decode(#"{"name":"a","headcount":{"min":9223372036854775807}}"#).headcount?.min == Int.max)
        #expect(try decode(#"{"name":"a","headcount":{"min":-9223372036854775808}}"#).headcount?.min == Int.min)
        #expect(try decode(#"{"name":"a","headcount":{"min":-0}}"#).headcount?.min == 0)
        #expect(try decode(#"{"name":"a","headcount":{"min":2.0}}"#).headcount?.min == 2)
        #expect(try decode(#"{"name":"a","headcount":{"min":1E3}}"#).headcount?.min == 1000)
    }

    @Test("a string or boolean in an integer field is 'type'")
    func integerType() {
        #expect(failure(#"{"name":"a","headcount":{"min":"1"}}"#)?.rule == "type")
        #expect(failure(#"{"name":"a","headcount":{"min":true}}"#)?.rule == "type")
    }

    // MARK: text

    @Test("length counts characters, not bytes: five Chinese characters fit a limit of five, six do not")
    func lengthInCharacters() throws {
        #expect(try decode(#"{"name":"华南售后部"}"#).name == "华南售后部")
        #expect(failure(#"{"name":"华南售后服务"}"#)
            == FieldError(field: "name", rule: "length", message: "must be at most 5 characters, got 6"))
    }

    @Test("the limit follows the field's name at any depth, and the fallback covers the rest")
    func limitByName() {
        #expect(failure(#"{"name":"a","description":"01234567890"}"#)?.field == "description")
        #expect(failure(#"{"name":"a","checks":[{"action":"012345678901234567890"}]}"#)
            == FieldError(field: "checks[0].action", rule: "length", message: "must be at most 20 characters, got 21"))
    }

    @Test("NUL is refused at its field wherever it is, escaped or not")
    func nul() {
        #expect(failure(#"{"name":"a\u0000"}"#)
            == FieldError(field: "name", rule: "control_character", message: "must not contain NUL (U+0000)"))
        #expect(failure(#"{"name":"a","description":"x\u0000"}"#)?.field == "description")
        #expect(failure(#"{"name":"a","contact":{"phone":"\u0000"}}"#)?.field == "contact.phone")
    }

    @Test("line breaks belong only in multi-line fields; other controls nowhere",
          arguments: [#"\n"#, #"\t"#, #"\r"#, #"\u001b"#, #"\u007f"#, #"\u0085"#])
    func controls(_ escape: String) {
        #expect(failure(#"{"name":"a\#(escape)b"}"#)?.rule == "control_character")
    }

    @Test("a multi-line field takes LF, CR and TAB but not ESC")
    func multiline() throws {
        #expect(try decode(#"{"name":"a","description":"a\r\n\tb"}"#).description == "a\r\n\tb")
        #expect(failure(#"{"name":"a","description":"a\u001bb"}"#)?.rule == "control_character")
    }

    // MARK: grammar

    @Test("text that is not JSON is rule 'json' without a field",
          arguments: [#"{"name":"a",}"#, #"{"name":'a'}"#, #"{"name":"a"} x"#, "{\"name\":\"a\u{01}\"}",
                      #"{"name":01}"#, #"{"name":1.}"#, #"{"name":"\ud800"}"#, #"{"name":"\x"}"#, #"{"name":NaN}"#,
                      #"{"name":tru}"#, #"{"name" "a"}"#])
    func grammar(_ json: String) throws {
        let error = try #require(failure(json))
        #expect(error.rule == "json")
        #expect(error.field == "")
    }

    @Test("invalid UTF-8 is rule 'json'")
    func invalidUTF8() throws {
        let bytes = Array(#"{"name":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: FieldError.self) { try decodeJSONBody(Body.self, from: bytes) }
        do { _ = try decodeJSONBody(Body.self, from: bytes) } catch { #expect(error.rule == "json") }
    }

    @Test("nesting deeper than the limit is refused, not a stack overflow")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: FieldError.self) { try JSONTree.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: JSONTree.maximumDepth) + String(repeating: "]", count: JSONTree.maximumDepth)
        #expect(try JSONTree.parse(Array(fine.utf8)) != .null)
    }

    @Test("surrogate pairs and escapes decode to the characters they name")
    func escapes() throws {
        let tree = try JSONTree.parse(Array(#"["\ud83d\ude00","\"\\\/\b\f\n\r\t","\u4e2d"]"#.utf8))
        #expect(tree == .array([.string("😀"), .string("\"\\/\u{08}\u{0C}\n\r\t"), .string("中")]))
    }

    @Test("numbers keep the text they were written with")
    func exactNumbers() throws {
        #expect(try JSONTree.parse(Array("[-0, 1.50, 1E+2, 9223372036854775808]".utf8))
            == .array([.number("-0"), .number("1.50"), .number("1E+2"), .number("9223372036854775808")]))
    }
}

@Suite("JSON media types")
struct JSONMediaTypeTests {
    @Test("JSON and +json types are accepted, with an optional UTF-8 charset",
          arguments: ["application/json", "Application/JSON", "application/json; charset=utf-8", "application/json;charset=\"UTF-8\"",
                      "application/merge-patch+json", "application/problem+json ; charset=utf-8"])
    func accepted(_ header: String) {
        #expect(JSONMediaType.accepts(header))
    }

    @Test("anything else is refused, including no header",
          arguments: [nil, "", "text/plain", "text/json", "application/x-www-form-urlencoded", "application/+json",
                      "application/json; charset=latin1", "application/json; boundary=x", "application/jsonx", "multipart/form-data"])
    func refused(_ header: String?) {
        #expect(!JSONMediaType.accepts(header))
    }

    @Test("the refusal is a 415 UNSUPPORTED_MEDIA_TYPE naming the header")
    func problem() {
        let problem = JSONMediaType.unsupported("text/plain")
        #expect(problem.status == 415)
        #expect(problem.code == "UNSUPPORTED_MEDIA_TYPE")
        #expect(problem.field == "Content-Type")
    }
}
