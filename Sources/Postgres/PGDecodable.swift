// Column value types for decoding rows by position (see PGRowReader): each reads one value in
// either wire format, and throws instead of guessing. Text values are parsed by their text;
// binary values by their column's type, so a binary statement must select the types listed
// in PGBinary (cast in SQL otherwise). SQL NULL is an error unless the type is an Optional.

/// One non-NULL value as the server sent it: a text value's text, or a binary value's bytes,
/// which belong to the PGResult and are valid only during the call the value is passed to.
public struct PGValue {
    public let type: PGType
    public let format: PGFormat
    /// The text of a text-format value; nil for a binary one.
    public let text: String?
    /// The bytes of a binary-format value; empty for a text one.
    public let bytes: UnsafeRawBufferPointer

    public init(text: String, type: PGType) {
        self.type = type
        format = .text
        self.text = text
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
    }

    public init(bytes: UnsafeRawBufferPointer, type: PGType) {
        self.type = type
        format = .binary
        text = nil
        self.bytes = bytes
    }

    /// For error messages: `text "its first 32 characters…"`, or `binary int8 (8 bytes)`.
    public var summary: String {
        guard let text else { return "binary \(type) (\(bytes.count) bytes)" }
        return text.count > 32 ? "text \"\(text.prefix(32))…\"" : "text \"\(text)\""
    }
}

public protocol PGDecodable {
    /// Reads a non-NULL value; throws `PGDecodingError.typeMismatch(value)` if it is not one.
    init(pgValue value: PGValue) throws(PGDecodingError)
    /// What SQL NULL reads as: an `unexpectedNull` error, except for Optional (nil).
    static func pgNull() throws(PGDecodingError) -> Self
}

extension PGDecodable {
    public static func pgNull() throws(PGDecodingError) -> Self { throw .unexpectedNull }
}

extension Optional: PGDecodable where Wrapped: PGDecodable {
    public init(pgValue value: PGValue) throws(PGDecodingError) { self = .some(try Wrapped(pgValue: value)) }
    public static func pgNull() throws(PGDecodingError) -> Self { nil }
}

/// Any value's text: a text value as sent; a binary value rendered as Postgres prints it
/// (PGBinary.text), e.g. a uuid in lowercase canonical form, a date as YYYY-MM-DD.
extension String: PGDecodable {
    public init(pgValue value: PGValue) throws(PGDecodingError) {
        if let text = value.text {
            self = text
            return
        }
        guard let text = PGBinary.text(value) else {
            throw .typeMismatch(value, "no text rendering of this binary type; cast it to text in SQL")
        }
        self = text
    }
}

/// Decimal text, or binary int2, int4 or int8.
extension Int: PGDecodable {
    public init(pgValue value: PGValue) throws(PGDecodingError) { self = Int(try value.integer()) }
}

extension Int64: PGDecodable {
    public init(pgValue value: PGValue) throws(PGDecodingError) { self = try value.integer() }
}

extension Int32: PGDecodable {
    public init(pgValue value: PGValue) throws(PGDecodingError) {
        guard let number = Int32(exactly: try value.integer()) else { throw .typeMismatch(value, "out of range") }
        self = number
    }
}

/// Text as Postgres prints a float8 (NaN, Infinity, -Infinity included), or binary float8,
/// float4, int2, int4, int8 or numeric.
extension Double: PGDecodable {
    public init(pgValue value: PGValue) throws(PGDecodingError) {
        switch (value.format, value.type) {
        case (.binary, .float8):
            guard value.bytes.count == 8 else { throw .typeMismatch(value) }
            self = Double(bitPattern: PGBinary.uint64(value.bytes))
        case (.binary, .float4):
            guard value.bytes.count == 4 else { throw .typeMismatch(value) }
            self = Double(Float(bitPattern: PGBinary.uint32(value.bytes)))
        case (.binary, .int2), (.binary, .int4), (.binary, .int8):
            self = Double(try value.integer())
        default:
            let text = value.text ?? (value.type == .numeric ? PGBinary.numericText(value.bytes) : nil)
            guard let text, let number = Double(text) else { throw .typeMismatch(value) }
            self = number
        }
    }
}

/// Text t/f (or true/false), or binary bool.
extension Bool: PGDecodable {
    public init(pgValue value: PGValue) throws(PGDecodingError) {
        switch value.text {
        case nil where value.type == .bool && value.bytes.count == 1: self = value.bytes[0] != 0
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw .typeMismatch(value)
        }
    }
}

extension PGValue {
    /// The value as a 64-bit integer: decimal text, or binary int2, int4 or int8.
    func integer() throws(PGDecodingError) -> Int64 {
        guard let text else {
            switch (type, bytes.count) {
            case (.int2, 2): return Int64(Int16(bitPattern: PGBinary.uint16(bytes)))
            case (.int4, 4): return Int64(Int32(bitPattern: PGBinary.uint32(bytes)))
            case (.int8, 8): return Int64(bitPattern: PGBinary.uint64(bytes))
            default: throw .typeMismatch(self)
            }
        }
        var digits = text
        guard let number = digits.withUTF8({ PGValue.decimal(UnsafeRawBufferPointer($0)) }) else {
            throw .typeMismatch(self, text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 || $0 == 0x2D } ? "out of range" : nil)
        }
        return number
    }

    /// Parses an optional minus sign and decimal digits, as Postgres prints integers,
    /// accumulating downwards so that Int64.min parses; nil for anything else or on overflow.
    static func decimal(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < bytes.count else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, underflow) = times10.subtractingReportingOverflow(Int64(digit))
            guard !overflow, !underflow else { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }
}
