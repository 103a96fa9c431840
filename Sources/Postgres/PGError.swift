// The one error type of the Postgres module: what failed (kind) and, for server errors, the
// SQLSTATE and diagnostic fields, so the HTTP layer can map it to a status without parsing text.

import CPostgres

public struct PGError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unavailable     // cannot connect, or the connection was lost: HTTP 503
        case query           // the server rejected the statement; `sqlState` says why
        case timeout         // statement_timeout (57014) or our own deadline
        case protocolError   // libpq or the server did something this module does not handle
        case poolClosed      // the pool or connection was closed by its owner
        case refused         // connected, but the pool's connection check refused the session
                             // (e.g. a serving role that bypasses row-level security): HTTP 503
    }

    public var kind: Kind
    public var sqlState: String?       // five-character SQLSTATE, only for server errors
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil,
                hint: String? = nil, constraint: String? = nil, table: String? = nil,
                column: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isCheckViolation: Bool { sqlState == "23514" }
    public var isExclusionViolation: Bool { sqlState == "23P01" }
    public var isNotNullViolation: Bool { sqlState == "23502" }
    /// A serialization failure or a deadlock: the whole transaction may succeed if retried.
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// RAISE EXCEPTION in PL/pgSQL without an explicit ERRCODE.
    public var isRaisedByApp: Bool { sqlState == "P0001" }

    public var description: String {
        var text = sqlState.map { "\($0): \(message)" } ?? "\(kind): \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }

    static func unavailable(_ message: String) -> PGError { PGError(kind: .unavailable, message: message) }
    static func protocolError(_ message: String) -> PGError { PGError(kind: .protocolError, message: message) }
    static let closed = PGError(kind: .poolClosed, message: "the connection was closed")
}

extension PGError {
    /// Reads the diagnostic fields of a PGRES_FATAL_ERROR result. `connectionLost` says whether
    /// the connection is BAD now, which makes any error `.unavailable` (e.g. 57P01 on shutdown).
    init(result: OpaquePointer, connectionLost: Bool) {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let state = field("C")
        self.init(kind: PGError.kind(sqlState: state, connectionLost: connectionLost),
                  sqlState: state,
                  message: field("M") ?? PGError.trimmed(PQresultErrorMessage(result)),
                  detail: field("D"), hint: field("H"), constraint: field("n"),
                  table: field("t"), column: field("c"))
    }

    /// 57014 is query_canceled (statement_timeout); class 08 and 57P01–57P03 mean the server
    /// is gone or going away, which callers treat like a failed connection.
    static func kind(sqlState: String?, connectionLost: Bool) -> Kind {
        if connectionLost { return .unavailable }
        guard let sqlState else { return .query }
        if sqlState == "57014" { return .timeout }
        if sqlState.hasPrefix("08") || sqlState.hasPrefix("57P0") { return .unavailable }
        return .query
    }

    /// libpq messages end with a newline and sometimes start with "ERROR:  ".
    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        var text = Substring(String(cString: message))
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text.isEmpty ? "unknown libpq error" : String(text)
    }
}
