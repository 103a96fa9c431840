// Decoding request bodies: each kind of mistake names the field and the rule it broke.

import Testing
import HTTP

@Suite("JSON request bodies")
struct JSONBodyTests {
    struct Headcount: Decodable, Equatable { var min: Int; var max: Int? }
    enum Grade: String, Decodable { case a1 = "A1", b3 = "B3" }
    struct NewPosition: Decodable, Equatable {
        var title: String
        var headcount: Headcount
        var duties: [String]
        var grade: Grade?
        static func == (l: Self, r: Self) -> Bool { l.title == r.title && l.headcount == r.headcount && l.duties == r.duties }
    }

    func error(_ json: String) -> FieldError? {
        do {
            _ = try decodeJSONBody(NewPosition.self, from: Array(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test("a valid body decodes")
    func valid() throws {
        let position = try decodeJSONBody(NewPosition.self, from: Array(#"{"title":"客服主管","headcount":{"min":1},"duties":["a"],"grade":"B3"}"#.utf8))
        #expect(position == NewPosition(title: "客服主管", headcount: Headcount(min: 1, max: nil), duties: ["a"], grade: .b3))
    }

    @Test("a missing nested key is 'required' at its dotted path")
    func missingKey() {
        #expect(error(#"{"title":"t","headcount":{},"duties":[]}"#)
            == FieldError(field: "headcount.min", rule: "required", message: "is required"))
    }

    @Test("a wrong JSON type is 'type' and says what was expected")
    func wrongType() {
        #expect(error(#"{"title":"t","headcount":{"min":"one"},"duties":[]}"#)
            == FieldError(field: "headcount.min", rule: "type", message: "must be an integer"))
        #expect(error(#"{"title":"t","headcount":{"min":1},"duties":"x"}"#)
            == FieldError(field: "duties", rule: "type", message: "must be an array"))
    }

    @Test("an array element is named by its index")
    func arrayIndex() {
        #expect(error(#"{"title":"t","headcount":{"min":1},"duties":["a","b",3]}"#)
            == FieldError(field: "duties[2]", rule: "type", message: "must be a string"))
    }

    @Test("null where a value is needed is 'not_null'")
    func null() {
        #expect(error(#"{"title":null,"headcount":{"min":1},"duties":[]}"#)?.rule == "not_null")
        #expect(error(#"{"title":null,"headcount":{"min":1},"duties":[]}"#)?.field == "title")
    }

    @Test("a value the type rejects is 'invalid' at its field")
    func invalidValue() {
        let failure = error(#"{"title":"t","headcount":{"min":1},"duties":[],"grade":"Z9"}"#)
        #expect(failure?.field == "grade")
        #expect(failure?.rule == "invalid")
    }

    @Test("a body that is not JSON is rule 'json' on the whole body", arguments: ["{", "nope", #"{"title":}"#])
    func notJSON(_ body: String) throws {
        let failure = try #require(error(body))
        #expect(failure.field == "")
        #expect(failure.rule == "json")
        #expect(failure.message.hasPrefix("body is not valid JSON: "))
    }

    @Test("an empty body is 'required' on the whole body", arguments: ["", "  \r\n"])
    func emptyBody(_ body: String) {
        #expect(error(body) == FieldError(field: "", rule: "required", message: "a JSON body is required"))
    }

    @Test("a body of the wrong top-level type is 'type' on the whole body")
    func wrongTopLevel() {
        #expect(error("[]") == FieldError(field: "", rule: "type", message: "must be an object"))
    }
}
