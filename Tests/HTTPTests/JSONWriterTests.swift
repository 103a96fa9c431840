// The JSON writer's output, checked byte for byte and by reading it back with Foundation.

import Foundation
import Testing
import HTTP

@Suite("JSON writer")
struct JSONWriterTests {
    func text(_ build: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        build(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes `value` as a one-element array and reads it back with JSONSerialization.
    func roundTrip(_ value: String) throws -> String? {
        var writer = JSONWriter()
        writer.beginArray()
        writer.string(value)
        writer.endArray()
        let decoded = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String]
        return decoded?.first
    }

    @Test("nested objects and arrays get their commas and colons")
    func nesting() {
        let json = text { w in
            w.beginObject()
            w.field("name", "north")
            w.key("units"); w.beginArray()
            w.beginObject(); w.field("id", 1); w.endObject()
            w.beginObject(); w.field("id", 2); w.endObject()
            w.beginArray(); w.endArray()
            w.endArray()
            w.key("empty"); w.beginObject(); w.endObject()
            w.field("ok", true)
            w.endObject()
        }
        #expect(json == #"{"name":"north","units":[{"id":1},{"id":2},[]],"empty":{},"ok":true}"#)
    }

    @Test("quotes, backslashes and control characters are escaped and read back unchanged")
    func escaping() throws {
        let nasty = "q\"b\\s/\n\r\t\u{8}\u{C}" + String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }) + "\u{7F}"
        #expect(try roundTrip(nasty) == nasty)
        #expect(text { $0.string("\u{1}\n\"\\") } == #""\u0001\n\"\\""#)
    }

    @Test("escapes at the edges, in a row and between runs of plain text keep every byte",
          arguments: ["\"", "\"\"", "a\"", "\"a", "\n\u{1}\\", "客\"服\n中心\\", "plain", "", "x\ty\rz"])
    func escapesAmongRuns(_ value: String) throws {
        #expect(try roundTrip(value) == value)
        #expect(try roundTrip(value + value) == value + value)
    }

    @Test("Chinese and other non-ASCII text is written as UTF-8, not escaped")
    func chinese() throws {
        let value = "客服中心 · 售后 🚚"
        #expect(text { $0.string(value) } == "\"\(value)\"")
        #expect(try roundTrip(value) == value)
    }

    @Test("integers are exact at both extremes", arguments: [0, -7, 42, Int.max, Int.min])
    func integers(_ value: Int) {
        #expect(text { $0.int(value) } == String(value))
    }

    @Test("whole doubles lose the fraction and others keep their shortest exact form")
    func doubles() throws {
        #expect(text { $0.double(3) } == "3")
        #expect(text { $0.double(-0.5) } == "-0.5")
        for value in [0.1, 1e300, -2.5e-8, 123456.789, 1e16] {
            let json = text { $0.beginArray(); $0.double(value); $0.endArray() }
            let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [NSNumber]
            #expect(decoded?.first?.doubleValue == value, "\(json)")
        }
    }

    @Test("NaN and infinity are written as null", arguments: [Double.nan, .infinity, -.infinity])
    func nonFinite(_ value: Double) {
        #expect(text { $0.double(value) } == "null")
    }

    @Test("a nil field is written as null")
    func nilFields() {
        let json = text { w in
            w.beginObject()
            w.field("s", nil as String?); w.field("i", nil as Int?); w.field("d", nil as Double?); w.field("b", nil as Bool?)
            w.endObject()
        }
        #expect(json == #"{"s":null,"i":null,"d":null,"b":null}"#)
    }

    @Test("raw JSON is inserted as one value")
    func raw() {
        #expect(text { w in w.beginArray(); w.int(1); w.raw(Array(#"{"a":1}"#.utf8)); w.null(); w.endArray() } == #"[1,{"a":1},null]"#)
    }

    @Test("a JSONValue object keeps its members in order")
    func jsonValue() {
        let value = JSONValue.object([("z", .number(1)), ("a", .array([.string("x"), .null, .bool(false)])),
                                      ("m", .object([]))])
        #expect(String(decoding: value.jsonBytes, as: UTF8.self) == #"{"z":1,"a":["x",null,false],"m":{}}"#)
        #expect(value == value)
        #expect(value != .object([("a", .array([.string("x"), .null, .bool(false)])), ("z", .number(1)), ("m", .object([]))]))
    }
}
