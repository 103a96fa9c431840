// Reading a row into Swift values by column position: a cursor that decodes the next column as
// the asked PGDecodable type, and the whole-result helpers built on it. Position, not name:
// the statement's column list and its decoder are written side by side, and the helpers check
// that the decoder read every column, so the two cannot drift apart silently.

/// A cursor over one row's columns. `next` decodes the column at `column` and moves past it;
/// every failure is a PGDecodingError naming the row, the column and what was found.
public struct PGRowReader {
    public let result: PGResult
    public let row: Int
    public private(set) var column = 0        // the next column to read

    public init(_ row: PGRow) {
        result = row.result
        self.row = row.row
    }

    /// Columns not read yet.
    public var remaining: Int { result.columns.count - column }

    /// Decodes the next column as `T`: a missing column, a NULL for a non-optional `T`, or a
    /// value that is not a `T` throws.
    public mutating func next<T: PGDecodable>(_ type: T.Type = T.self) throws(PGDecodingError) -> T {
        let index = column
        guard index < result.columns.count else {
            throw PGDecodingError(kind: .missingColumn, row: row, column: index, expected: "\(T.self)",
                                  found: "the row has \(result.columns.count) columns")
        }
        column += 1
        do {
            // The value's bytes stay valid: `result` is part of `self`, which lives across the call.
            guard let value = result.value(row, index) else { return try T.pgNull() }
            return try T(pgValue: value)
        } catch {
            var located = error
            located.row = row
            located.column = index
            located.columnName = result.columns[index]
            located.expected = "\(T.self)"
            throw located
        }
    }

    /// Moves past `count` columns without decoding them.
    public mutating func skip(_ count: Int = 1) throws(PGDecodingError) {
        guard count <= remaining else {
            throw PGDecodingError(kind: .missingColumn, row: row, column: result.columns.count,
                                  expected: "\(count) more columns", found: "the row has \(result.columns.count) columns")
        }
        column += count
    }

    /// Throws `.unconsumedColumns` unless every column was read (or skipped).
    public func finish() throws(PGDecodingError) {
        guard remaining > 0 else { return }
        throw PGDecodingError(kind: .unconsumedColumns, row: row, column: column, columnName: result.columns[column],
                              expected: "the decoder (\(column) of \(result.columns.count) columns read)",
                              found: remaining == 1 ? "1 column" : "\(remaining) columns")
    }
}

/// A type made from one row, its columns read in order. `decode(as:)` checks afterwards that
/// every column was read.
public protocol PGRowDecodable {
    init(row: inout PGRowReader) throws
}

extension PGRow {
    public func reader() -> PGRowReader { PGRowReader(self) }

    /// The row as a `T`; throws what `T` throws, or `.unconsumedColumns` if it left some unread.
    public func decode<T: PGRowDecodable>(as type: T.Type = T.self) throws -> T {
        var reader = PGRowReader(self)
        let value = try T(row: &reader)
        try reader.finish()
        return value
    }

    /// The row as a tuple of exactly its columns, e.g. `try row.decode(String.self, Int?.self)`.
    public func decode<each T: PGDecodable>(_ types: repeat (each T).Type) throws(PGDecodingError) -> (repeat each T) {
        var reader = PGRowReader(self)
        let values = (repeat try reader.next(each types))
        try reader.finish()
        return values
    }
}

extension PGResult {
    /// Every row as a `T` (see PGRow.decode(as:)).
    public func decode<T: PGRowDecodable>(as type: T.Type = T.self) throws -> [T] {
        var values: [T] = []
        values.reserveCapacity(count)
        for row in self { values.append(try row.decode(as: T.self)) }
        return values
    }

    /// The first row as a `T`, or nil if there is none.
    public func decodeFirst<T: PGRowDecodable>(as type: T.Type = T.self) throws -> T? {
        try first.map { row in try row.decode(as: T.self) }
    }

    /// Every row as a tuple of exactly its columns, e.g.
    /// `for (id, revision) in try result.decode(String.self, Int.self) { ... }`.
    public func decode<each T: PGDecodable>(_ types: repeat (each T).Type) throws(PGDecodingError) -> [(repeat each T)] {
        var values: [(repeat each T)] = []
        values.reserveCapacity(count)
        for row in self { values.append(try row.decode(repeat each types)) }
        return values
    }

    /// The first row as a tuple of exactly its columns, or nil if there is none.
    public func decodeFirst<each T: PGDecodable>(_ types: repeat (each T).Type) throws(PGDecodingError) -> (repeat each T)? {
        guard let row = first else { return nil }
        let values: (repeat each T) = try row.decode(repeat each types)
        return values
    }
}
