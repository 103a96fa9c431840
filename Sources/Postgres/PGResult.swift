// The rows one statement returned, taken out of libpq's PGresult. A text result is copied into
// Strings at once and the PGresult cleared, as orgd's stores read nearly every value of it as
// text; a binary result is kept and read in place (a PGresult is immutable, so any thread may
// read it), each value converted only when it is read, and cleared when the last copy of this
// value goes. A collection of `PGRow`s; read them by position with `PGRowReader`, or as text by
// name with PGRow's accessors.

import CPostgres

public struct PGResult: Sendable, RandomAccessCollection {
    let storage: Storage                  // shared by copies: a PGRow or a reader costs one retain

    public var columns: [String] { storage.columns }
    /// Each column's type (PQftype); `.unspecified` in results built by hand.
    public var columnTypes: [PGType] { storage.columnTypes }
    /// The format of every value in the result: text unless the statement asked for binary.
    public var format: PGFormat { storage.format }
    public var count: Int { storage.rowCount }
    /// The command tag, e.g. "INSERT 0 1", "SELECT 3", "COMMIT" (or "ROLLBACK" for a COMMIT of
    /// a failed transaction).
    public var commandTag: String { storage.commandTag }
    /// Rows inserted, updated, deleted, selected, moved, fetched or copied (PQcmdTuples); 0 for
    /// other commands.
    public var affectedRows: Int { storage.affectedRows }

    /// A text-format result, as the server would send it; nil values are NULL.
    public init(columns: [String], rows: [[String?]], commandTag: String = "", affectedRows: Int = 0) {
        for row in rows {
            precondition(row.count == columns.count, "a row of \(row.count) values for \(columns.count) columns")
        }
        storage = Storage(columns: columns, columnTypes: Array(repeating: .unspecified, count: columns.count),
                          format: .text, rowCount: rows.count, commandTag: commandTag, affectedRows: affectedRows,
                          texts: rows.flatMap { $0 }, binary: nil)
    }

    /// Takes `result` over, so the caller must not clear it: a text result is copied and
    /// cleared now, a binary one when the last copy of this value goes.
    init(taking result: OpaquePointer) {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var names: [String] = []
        var types: [PGType] = []
        names.reserveCapacity(Int(columnCount))
        types.reserveCapacity(Int(columnCount))
        for column in 0..<columnCount {
            names.append(String(cString: PQfname(result, column)))
            types.append(PGType(PQftype(result, column)))
        }
        let format: PGFormat = columnCount > 0 && PQfformat(result, 0) == 1 ? .binary : .text
        var texts: [String?] = []
        if format == .text {
            texts.reserveCapacity(Int(rowCount) * Int(columnCount))
            for row in 0..<rowCount {
                for column in 0..<columnCount {
                    if PQgetisnull(result, row, column) != 0 {
                        texts.append(nil)
                    } else {
                        let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column),
                                                           count: Int(PQgetlength(result, row, column)))
                        texts.append(String(decoding: bytes, as: UTF8.self))
                    }
                }
            }
        }
        storage = Storage(columns: names, columnTypes: types, format: format, rowCount: Int(rowCount),
                          commandTag: String(cString: PQcmdStatus(result)),
                          affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0,
                          texts: texts, binary: format == .binary ? result : nil)
        if format == .text { PQclear(result) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(row: Int) -> PGRow {
        precondition(row >= 0 && row < count, "row \(row) out of 0..<\(count)")
        return PGRow(result: self, row: row)
    }

    /// The value at `row`, `column` as text; nil for SQL NULL. A binary result's values are
    /// rendered as Postgres would print them (see `String.init(pgValue:)`); nil for a type
    /// that has no rendering here.
    public subscript(row: Int, column: Int) -> String? {
        if storage.binary == nil { return storage.texts[row * storage.columns.count + column] }
        guard let value = value(row, column) else { return nil }
        return try? String(pgValue: value)
    }

    /// Typed reads of one cell by row and column name; nil for NULL, a missing row or column,
    /// or text that does not parse (see PGRow).
    public func string(_ row: Int, _ column: String) -> String? { indices.contains(row) ? self[row].string(column) : nil }
    public func int(_ row: Int, _ column: String) -> Int? { indices.contains(row) ? self[row].int(column) : nil }
    public func bool(_ row: Int, _ column: String) -> Bool? { indices.contains(row) ? self[row].bool(column) : nil }
    public func double(_ row: Int, _ column: String) -> Double? { indices.contains(row) ? self[row].double(column) : nil }
    public func isNull(_ row: Int, _ column: String) -> Bool { !indices.contains(row) || self[row].isNull(column) }

    /// The index of the first column called `name`, or nil.
    public func columnIndex(_ name: String) -> Int? {
        storage.columns.firstIndex(of: name)
    }

    /// The value at `row`, `column`, nil for NULL. A binary value's bytes are libpq's: use it
    /// only while this result is alive (as it is for the rest of a method of the result or of
    /// a value that holds it). Traps, like an array, on a row or column out of range.
    func value(_ row: Int, _ column: Int) -> PGValue? {
        precondition(row >= 0 && row < storage.rowCount && column >= 0 && column < storage.columns.count,
                     "row \(row), column \(column) out of \(storage.rowCount) rows, \(storage.columns.count) columns")
        guard let result = storage.binary else {
            return storage.texts[row * storage.columns.count + column].map {
                PGValue(text: $0, type: storage.columnTypes[column])
            }
        }
        let (row, column) = (Int32(truncatingIfNeeded: row), Int32(truncatingIfNeeded: column))
        guard PQgetisnull(result, row, column) == 0 else { return nil }
        return PGValue(bytes: UnsafeRawBufferPointer(start: PQgetvalue(result, row, column),
                                                     count: Int(PQgetlength(result, row, column))),
                       type: storage.columnTypes[Int(column)])
    }

    /// What copies of the result share. Never changed after init, hence safe to read from any
    /// thread.
    final class Storage: @unchecked Sendable {
        let columns: [String]
        let columnTypes: [PGType]
        let format: PGFormat
        let rowCount: Int
        let commandTag: String
        let affectedRows: Int
        let texts: [String?]               // a text result's values, row-major; empty for binary
        let binary: OpaquePointer?         // a binary result's PGresult, read in place; owned

        init(columns: [String], columnTypes: [PGType], format: PGFormat, rowCount: Int, commandTag: String,
             affectedRows: Int, texts: [String?], binary: OpaquePointer?) {
            self.columns = columns
            self.columnTypes = columnTypes
            self.format = format
            self.rowCount = rowCount
            self.commandTag = commandTag
            self.affectedRows = affectedRows
            self.texts = texts
            self.binary = binary
        }

        deinit { if let binary { PQclear(binary) } }
    }
}
