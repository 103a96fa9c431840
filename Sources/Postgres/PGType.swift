// A column's type as Postgres names it on the wire: its OID (PQftype). Binary values can only
// be read knowing the type, and decoding errors name it; text values are read by their text.
// The OIDs of built-in types are fixed (pg_type.dat), so they are spelled here as constants.

public struct PGType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ oid: UInt32) { rawValue = oid }

    public static let unspecified = PGType(0)        // a result built by hand, not by the server
    public static let bool = PGType(16)
    public static let bytea = PGType(17)
    public static let char = PGType(18)              // "char": one byte
    public static let name = PGType(19)
    public static let int8 = PGType(20)
    public static let int2 = PGType(21)
    public static let int4 = PGType(23)
    public static let text = PGType(25)
    public static let oid = PGType(26)
    public static let json = PGType(114)
    public static let float4 = PGType(700)
    public static let float8 = PGType(701)
    public static let unknown = PGType(705)          // an untyped literal, e.g. SELECT 'a'
    public static let bpchar = PGType(1042)          // char(n)
    public static let varchar = PGType(1043)
    public static let date = PGType(1082)
    public static let timestamp = PGType(1114)
    public static let timestamptz = PGType(1184)
    public static let numeric = PGType(1700)
    public static let uuid = PGType(2950)
    public static let jsonb = PGType(3802)

    /// Types whose binary form is their text in UTF-8 (the server's encoding is UTF8).
    public var isTextual: Bool {
        switch self {
        case .text, .varchar, .bpchar, .name, .unknown: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .unspecified: "an unspecified type"
        case .bool: "bool"
        case .bytea: "bytea"
        case .char: "\"char\""
        case .name: "name"
        case .int8: "int8"
        case .int2: "int2"
        case .int4: "int4"
        case .text: "text"
        case .oid: "oid"
        case .json: "json"
        case .float4: "float4"
        case .float8: "float8"
        case .unknown: "unknown"
        case .bpchar: "bpchar"
        case .varchar: "varchar"
        case .date: "date"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .numeric: "numeric"
        case .uuid: "uuid"
        case .jsonb: "jsonb"
        default: "type \(rawValue)"
        }
    }
}
