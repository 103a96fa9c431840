// The rows one statement returned, copied out of libpq's PGresult so that no PGresult ever
// outlives the function that received it: every value's bytes back to back in one buffer (one
// allocation per result, not one per value), in the format the statement asked for, with each
// column's type. A collection of `PGRow`s; read them by position with `PGRowReader`, or as
// text by name with PGRow's accessors.

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
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(bytes.count, 1), alignment: 1)
        buffer.copyBytes(from: bytes)
        storage = Storage(columns: columns, columnTypes: Array(repeating: .unspecified, count: columns.count),
                          format: .text, rowCount: rows.count, commandTag: commandTag, affectedRows: affectedRows,
                          bytes: buffer, cells: cells)
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
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(total, 1), alignment: 1)
        var cells: [Cell] = []
        cells.reserveCapacity(Int(rowCount) * Int(columnCount))
        var offset = 0
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) != 0 {
                    cells.append(Cell(start: offset, length: -1))
                    continue
                }
                let length = Int(PQgetlength(result, row, column))
                if length > 0 {
                    (bytes.baseAddress! + offset).copyMemory(from: PQgetvalue(result, row, column)!, byteCount: length)
                }
                cells.append(Cell(start: offset, length: length))
                offset += length
            }
        }
        storage = Storage(columns: names, columnTypes: types,
                          format: columnCount > 0 && PQfformat(result, 0) == 1 ? .binary : .text,
                          rowCount: Int(rowCount), commandTag: String(cString: PQcmdStatus(result)),
                          affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0, bytes: bytes, cells: cells)
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
        guard let value = value(row, column) else { return nil }
        if value.format == .text { return String(decoding: value.bytes, as: UTF8.self) }
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
        columns.firstIndex(of: name)
    }

    /// The value at `row`, `column`, nil for NULL. Its bytes live in `storage`: use it only
    /// while this result is (as it is for the rest of a method of the result or of a value
    /// that holds it).
    func value(_ row: Int, _ column: Int) -> PGValue? {
        let cell = storage.cells[row * storage.columns.count + column]
        guard cell.length >= 0 else { return nil }
        return PGValue(bytes: UnsafeRawBufferPointer(start: storage.bytes.baseAddress! + cell.start, count: cell.length),
                       type: storage.columnTypes[column], format: storage.format)
    }

    /// Where one value's bytes are in `Storage.bytes`; a negative length is SQL NULL.
    struct Cell {
        var start: Int
        var length: Int
    }

    /// Everything copied out of one PGresult, in one object so that copies of the result share
    /// it. Written only by its initialiser, hence safe to read from any thread.
    final class Storage: @unchecked Sendable {
        let columns: [String]
        let columnTypes: [PGType]
        let format: PGFormat
        let rowCount: Int
        let commandTag: String
        let affectedRows: Int
        let bytes: UnsafeMutableRawBufferPointer      // every non-NULL value, row-major, back to back; owned
        let cells: [Cell]                              // row-major: cells[row * columns.count + column]

        init(columns: [String], columnTypes: [PGType], format: PGFormat, rowCount: Int, commandTag: String,
             affectedRows: Int, bytes: UnsafeMutableRawBufferPointer, cells: [Cell]) {
            self.columns = columns
            self.columnTypes = columnTypes
            self.format = format
            self.rowCount = rowCount
            self.commandTag = commandTag
            self.affectedRows = affectedRows
            self.bytes = bytes
            self.cells = cells
        }

        deinit { bytes.deallocate() }
    }
}
