// The rows one statement returned, copied out of libpq's PGresult so that no PGresult ever
// outlives the function that received it: every value's bytes back to back in one buffer (one
// allocation per result, not one per value), in the format the statement asked for, with each
// column's type. A collection of `PGRow`s; read them by position with `PGRowReader`, or as
// text by name with PGRow's accessors.

import CPostgres

public struct PGResult: Sendable, RandomAccessCollection {
    public let columns: [String]
    /// Each column's type (PQftype); `.unspecified` in results built by hand.
    public let columnTypes: [PGType]
    /// The format of every value in the result: text unless the statement asked for binary.
    public let format: PGFormat
    public let count: Int                 // rows
    /// The command tag, e.g. "INSERT 0 1", "SELECT 3", "COMMIT" (or "ROLLBACK" for a COMMIT of
    /// a failed transaction).
    public let commandTag: String
    /// Rows inserted, updated, deleted, selected, moved, fetched or copied (PQcmdTuples); 0 for
    /// other commands.
    public let affectedRows: Int
    let bytes: [UInt8]                    // every non-NULL value, row-major, back to back
    let cells: [Cell]                     // row-major: cells[row * columns.count + column]

    /// Where one value's bytes are in `bytes`; a negative length is SQL NULL.
    struct Cell {
        var start: Int
        var length: Int
    }

    /// A text-format result, as the server would send it; nil values are NULL.
    public init(columns: [String], rows: [[String?]], commandTag: String = "", affectedRows: Int = 0) {
        var bytes: [UInt8] = []
        var cells: [Cell] = []
        cells.reserveCapacity(rows.count * columns.count)
        for row in rows {
            precondition(row.count == columns.count, "a row of \(row.count) values for \(columns.count) columns")
            for value in row {
                guard let value else {
                    cells.append(Cell(start: bytes.count, length: -1))
                    continue
                }
                cells.append(Cell(start: bytes.count, length: value.utf8.count))
                bytes.append(contentsOf: value.utf8)
            }
        }
        self.columns = columns
        columnTypes = Array(repeating: .unspecified, count: columns.count)
        format = .text
        count = rows.count
        self.commandTag = commandTag
        self.affectedRows = affectedRows
        self.bytes = bytes
        self.cells = cells
    }

    /// Copies every value and the command status out of `result`; the caller still PQclears it.
    init(copying result: OpaquePointer) {
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
        // Two passes: the lengths first, so the bytes are copied into one exact allocation.
        var total = 0
        for row in 0..<rowCount {
            for column in 0..<columnCount { total += Int(PQgetlength(result, row, column)) }
        }
        var cells: [Cell] = []
        cells.reserveCapacity(Int(rowCount) * Int(columnCount))
        bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var offset = 0
            for row in 0..<rowCount {
                for column in 0..<columnCount {
                    if PQgetisnull(result, row, column) != 0 {
                        cells.append(Cell(start: offset, length: -1))
                        continue
                    }
                    let length = Int(PQgetlength(result, row, column))
                    if length > 0 {
                        let value = UnsafeRawPointer(PQgetvalue(result, row, column)!)
                        UnsafeMutableRawPointer(buffer.baseAddress! + offset).copyMemory(from: value, byteCount: length)
                    }
                    cells.append(Cell(start: offset, length: length))
                    offset += length
                }
            }
            initialized = offset
        }
        self.cells = cells
        columns = names
        columnTypes = types
        format = columnCount > 0 && PQfformat(result, 0) == 1 ? .binary : .text
        count = Int(rowCount)
        commandTag = String(cString: PQcmdStatus(result))
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
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
        withValue(row, column) { value in
            guard let value else { return nil }
            if format == .text { return String(decoding: value.bytes, as: UTF8.self) }
            return try? String(pgValue: value)
        }
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
        columns.firstIndex(of: name)
    }

    /// Calls `body` with the value at `row`, `column` (nil for NULL); the value's bytes are
    /// valid only inside `body`.
    func withValue<R, E: Error>(_ row: Int, _ column: Int, _ body: (PGValue?) throws(E) -> R) throws(E) -> R {
        let cell = cells[row * columns.count + column]
        guard cell.length >= 0 else { return try body(nil) }
        let type = columnTypes[column]
        // withUnsafeBytes is rethrows, not typed: carry the typed error out through a Result.
        let outcome: Result<R, E> = bytes.withUnsafeBytes { all in
            let value = PGValue(bytes: UnsafeRawBufferPointer(rebasing: all[cell.start..<cell.start + cell.length]),
                                type: type, format: format)
            do throws(E) { return .success(try body(value)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }
}
