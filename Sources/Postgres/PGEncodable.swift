// Query parameters in Postgres text format. A nil `pgText` is SQL NULL; the server parses the
// text according to the parameter's type (cast in SQL where it cannot be inferred: `$1::uuid`).

public protocol PGEncodable {
    var pgText: String? { get }
}

extension String: PGEncodable { public var pgText: String? { self } }
extension Substring: PGEncodable { public var pgText: String? { String(self) } }
extension Int: PGEncodable { public var pgText: String? { String(self) } }
extension Int64: PGEncodable { public var pgText: String? { String(self) } }
extension Int32: PGEncodable { public var pgText: String? { String(self) } }
extension Bool: PGEncodable { public var pgText: String? { self ? "t" : "f" } }

extension Double: PGEncodable {
    public var pgText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        // Postgres's float8 input refuses subnormals ("value out of range: underflow"), so a
        // value too small to be normal goes as the zero it is indistinguishable from.
        if isSubnormal { return sign == .minus ? "-0" : "0" }
        return String(self)
    }
}

extension Optional: PGEncodable where Wrapped: PGEncodable {
    public var pgText: String? { self?.pgText }
}

/// A one-dimensional array literal, `{"a","b\"c",NULL}`: every element quoted, `"` and `\`
/// escaped with a backslash, nil elements as unquoted NULL. Nested arrays are not supported.
/// Built from the elements' UTF-8 bytes in one pass (uuid-array parameters are on the hot path
/// of tree reads); both escaped characters are ASCII, so no multi-byte sequence is split.
extension Array: PGEncodable where Element: PGEncodable {
    public var pgText: String? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var literal: [UInt8] = []
        literal.reserveCapacity(2 + count * 40)          // a quoted uuid and its comma
        literal.append(UInt8(ascii: "{"))
        for (index, element) in enumerated() {
            if index > 0 { literal.append(UInt8(ascii: ",")) }
            guard var text = element.pgText else {
                literal.append(contentsOf: "NULL".utf8)
                continue
            }
            literal.append(quote)
            text.withUTF8 { bytes in
                // Copy runs between the characters to escape; each such character starts the
                // next run, after its backslash.
                var run = 0
                for index in bytes.indices where bytes[index] == quote || bytes[index] == backslash {
                    literal.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                    literal.append(backslash)
                    run = index
                }
                literal.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
            }
            literal.append(quote)
        }
        literal.append(UInt8(ascii: "}"))
        return String(decoding: literal, as: UTF8.self)
    }
}

/// JSON text for a `json`/`jsonb` parameter, from bytes a JSON writer produced.
public struct PGJSON: PGEncodable, Sendable {
    public var text: String
    public init(_ bytes: [UInt8]) { text = String(decoding: bytes, as: UTF8.self) }
    public init(_ text: String) { self.text = text }
    public var pgText: String? { text }
}

/// Text passed as is, for types without a Swift counterpart here (uuid, ltree, daterange, ...).
public struct PGRaw: PGEncodable, Sendable {
    public var text: String
    public init(_ text: String) { self.text = text }
    public var pgText: String? { text }
}
