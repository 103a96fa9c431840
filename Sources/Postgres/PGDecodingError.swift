// Why a row could not be decoded into the asked Swift values, and where: the row, the column's
// position and name, the type asked for and what the column held. Decoding never yields nil
// for a value that is not there; a column list and its decoder that drift apart fail here.
// Not a PGError: the statement succeeded, the program read its result wrongly (HTTP 500).

public struct PGDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case missingColumn        // the decoder read past the row's last column
        case unexpectedNull       // SQL NULL where a non-optional type was asked for
        case typeMismatch         // not the asked type: does not parse, another type, out of range
        case unconsumedColumns    // the decoder finished with columns left unread
    }

    public var kind: Kind
    public var row: Int?               // 0-based, nil until the reader knows it
    public var column: Int?            // 0-based: the one read, or the first one left unread
    public var columnName: String?     // nil when the row has no such column
    public var expected: String        // the Swift type asked for, e.g. "Int32"
    public var found: String           // what was there, e.g. `text "abc"`, "NULL", "binary uuid"

    public init(kind: Kind, row: Int? = nil, column: Int? = nil, columnName: String? = nil,
                expected: String = "", found: String) {
        self.kind = kind
        self.row = row
        self.column = column
        self.columnName = columnName
        self.expected = expected
        self.found = found
    }

    /// For PGDecodable conformers: `value` is not a `Self` (`why` says more, e.g. "out of range").
    /// The row reader adds where it was and what was asked for.
    public static func typeMismatch(_ value: PGValue, _ why: String? = nil) -> PGDecodingError {
        PGDecodingError(kind: .typeMismatch, found: why.map { "\(value.summary) (\($0))" } ?? value.summary)
    }

    public static let unexpectedNull = PGDecodingError(kind: .unexpectedNull, found: "NULL")

    public var description: String {
        var place = row.map { "row \($0)" } ?? "a row"
        if let column { place += ", column \(column)" }
        if let columnName { place += " (\(columnName))" }
        switch kind {
        case .unconsumedColumns: return "\(place): \(expected) left \(found) unread"
        case .missingColumn: return "\(place): expected \(expected), but \(found)"
        case .unexpectedNull, .typeMismatch: return "\(place): expected \(expected), found \(found)"
        }
    }
}
