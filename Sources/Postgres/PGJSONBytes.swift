// A json or jsonb value as its UTF-8 bytes, to splice into a response without parsing it or
// making a String of it: the text of a text-format value, or of a binary jsonb value after
// its version byte. Also a parameter, like PGJSON.

public struct PGJSONBytes: PGDecodable, PGEncodable, Sendable, Equatable {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Text format: any column's text. Binary: json, jsonb, or a text type holding JSON.
    public init(pgValue value: PGValue) throws(PGDecodingError) {
        if let text = value.text {
            bytes = Array(text.utf8)
            return
        }
        switch value.type {
        case .json:
            bytes = Array(value.bytes)
        case .jsonb:
            guard let text = PGBinary.jsonText(value.bytes) else { throw .typeMismatch(value, "unknown jsonb version") }
            bytes = Array(text)
        case let type where type.isTextual:
            bytes = Array(value.bytes)
        default:
            throw .typeMismatch(value)
        }
    }

    public var pgText: String? { String(decoding: bytes, as: UTF8.self) }
}
