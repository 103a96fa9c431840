// A request body parsed strictly (RFC 8259) into a tree that keeps what Foundation's parser
// loses: numbers as their exact text (so 1.5, 1e20 and 2^63 can be told apart from integers
// and named as such), members in document order, and duplicate keys, which are refused here
// with their path rather than letting the first or last one win silently. Bodies are at most
// ORGD_MAX_BODY_BYTES (1 MiB by default), so the tree is built whole; nesting is bounded so
// that no body can exhaust the stack.

public indirect enum JSONTree: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)                      // the literal as written, e.g. "-12", "1.5e3"
    case string(String)
    case array([JSONTree])
    case object([Member])                    // in document order, keys unique

    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONTree
    }

    /// The deepest nesting of arrays and objects a body may have.
    public static let maximumDepth = 64

    /// Parses `bytes` as one JSON value. Throws a FieldError: rule "json" (field "") for text
    /// that is not JSON, with the byte offset; rule "duplicate_key" naming the repeated key's
    /// path (e.g. "headcount.min", "checks[2].action").
    public static func parse(_ bytes: [UInt8]) throws(FieldError) -> JSONTree {
        var parser = JSONTreeParser(bytes: bytes)
        return try parser.document()
    }

    /// How a client would name this value's JSON type.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The recursive-descent parser behind `JSONTree.parse`. `path` is kept only to name a
/// duplicate key, so it holds keys and indexes and is formatted only then.
struct JSONTreeParser {
    enum Step { case key(String), index(Int) }

    let bytes: [UInt8]
    var index = 0
    var path: [Step] = []

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws(FieldError) -> JSONTree {
        skipSpace()
        let value = try self.value(depth: 0)
        skipSpace()
        guard index == bytes.count else { throw malformed("unexpected text after the JSON value") }
        return value
    }

    private mutating func value(depth: Int) throws(FieldError) -> JSONTree {
        guard index < bytes.count else { throw malformed("unexpected end of the body") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw malformed("unexpected character")
        }
    }

    private mutating func object(depth: Int) throws(FieldError) -> JSONTree {
        guard depth <= JSONTree.maximumDepth else { throw malformed("nested deeper than \(JSONTree.maximumDepth) levels") }
        index += 1
        var members: [JSONTree.Member] = []
        var seen: Set<String> = []          // used only past `smallObject` members
        skipSpace()
        if peek(UInt8(ascii: "}")) { index += 1; return .object(members) }
        while true {
            skipSpace()
            guard peek(UInt8(ascii: "\"")) else { throw malformed("expected a member name in quotes") }
            let key = try string()
            skipSpace()
            guard peek(UInt8(ascii: ":")) else { throw malformed("expected ':' after a member name") }
            index += 1
            skipSpace()
            if isDuplicate(key, members, &seen) {
                throw FieldError(field: JSONTreeParser.join(path + [.key(key)]), rule: "duplicate_key", message: "appears twice in the same object")
            }
            path.append(.key(key))
            let value = try self.value(depth: depth)
            path.removeLast()
            members.append(JSONTree.Member(key: key, value: value))
            skipSpace()
            guard index < bytes.count else { throw malformed("unexpected end of the body inside an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw malformed("expected ',' or '}' in an object")
        }
    }

    private mutating func array(depth: Int) throws(FieldError) -> JSONTree {
        guard depth <= JSONTree.maximumDepth else { throw malformed("nested deeper than \(JSONTree.maximumDepth) levels") }
        index += 1
        var elements: [JSONTree] = []
        skipSpace()
        if peek(UInt8(ascii: "]")) { index += 1; return .array(elements) }
        while true {
            skipSpace()
            path.append(.index(elements.count))
            elements.append(try value(depth: depth))
            path.removeLast()
            skipSpace()
            guard index < bytes.count else { throw malformed("unexpected end of the body inside an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw malformed("expected ',' or ']' in an array")
        }
    }

    /// Small objects (most bodies) are searched in place; larger ones through `seen`.
    private static let smallObject = 16

    private func isDuplicate(_ key: String, _ members: [JSONTree.Member], _ seen: inout Set<String>) -> Bool {
        if members.count < Self.smallObject { return members.contains { $0.key == key } }
        if seen.isEmpty { seen = Set(members.map(\.key)) }
        return !seen.insert(key).inserted
    }

    /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? — returned as written.
    private mutating func number() throws(FieldError) -> String {
        let start = index
        if peek(UInt8(ascii: "-")) { index += 1 }
        if peek(UInt8(ascii: "0")) {
            index += 1
        } else {
            guard digits() > 0 else { throw malformed("a number needs digits") }
        }
        if peek(UInt8(ascii: ".")) {
            index += 1
            guard digits() > 0 else { throw malformed("a number needs digits after '.'") }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard digits() > 0 else { throw malformed("a number needs digits in its exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }

    /// A quoted string: escapes decoded, raw control characters and invalid UTF-8 refused,
    /// \u escapes paired into scalars (a lone surrogate is refused).
    private mutating func string() throws(FieldError) -> String {
        index += 1
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            // The common case, no escapes: one validating copy.
            guard let text = String(validating: bytes[start..<index], as: UTF8.self) else { throw malformed("a string is not valid UTF-8") }
            index += 1
            return text
        }
        var scalars = String.UnicodeScalarView()
        var runStart = start
        while true {
            guard index < bytes.count else { throw malformed("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                try appendRun(runStart..<index, to: &scalars)
                index += 1
                if byte == UInt8(ascii: "\"") { return String(scalars) }
                scalars.append(try escape())
                runStart = index
            } else if byte < 0x20 {
                throw malformed("a control character must be escaped inside a string")
            } else {
                index += 1
            }
        }
    }

    /// Appends raw UTF-8 bytes, refusing invalid sequences.
    private func appendRun(_ range: Range<Int>, to scalars: inout String.UnicodeScalarView) throws(FieldError) {
        if range.isEmpty { return }
        var decoder = UTF8()
        var iterator = bytes[range].makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return
            case .error: throw malformed("a string is not valid UTF-8")
            }
        }
    }

    private mutating func escape() throws(FieldError) -> Unicode.Scalar {
        guard index < bytes.count else { throw malformed("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hex4()
            if (0xD800...0xDBFF).contains(unit) {
                guard peek(UInt8(ascii: "\\")), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw malformed("a high surrogate must be followed by a low one")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw malformed("a high surrogate must be followed by a low one") }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(unit) else { throw malformed("a lone low surrogate") }
            return scalar
        default:
            throw malformed("unknown escape")
        }
    }

    private mutating func hex4() throws(FieldError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw malformed("\\u needs four hex digits") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed("\\u needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    private mutating func literal(_ word: String) throws(FieldError) {
        let expected = word.utf8
        guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
            throw malformed("unexpected word")
        }
        index += expected.count
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func malformed(_ reason: String) -> FieldError {
        FieldError(field: "", rule: "json", message: "body is not valid JSON: \(reason) at byte \(index)")
    }

    /// [units, 3, name] → "units[3].name".
    static func join(_ path: [Step]) -> String {
        var text = ""
        for step in path {
            switch step {
            case .index(let index): text += "[\(index)]"
            case .key(let key): text += text.isEmpty ? key : "." + key
            }
        }
        return text
    }
}
