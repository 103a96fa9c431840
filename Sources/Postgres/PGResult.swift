// The rows one statement returned, copied out of libpq's PGresult as text so that no PGresult
// ever outlives the function that received it. A collection of `PGRow`s.

import CPostgres

public struct PGResult: Sendable, RandomAccessCollection {
    public let columns: [String]
    let values: [String?]                 // row-major: values[row * columns.count + column]
    public let count: Int                 // rows
    /// The command tag, e.g. "INSERT 0 1", "SELECT 3", "COMMIT" (or "ROLLBACK" for a COMMIT of
    /// a failed transaction).
    public let commandTag: String
    /// Rows inserted, updated, deleted, selected, moved, fetched or copied (PQcmdTuples); 0 for
    /// other commands.
    public let affectedRows: Int

    public init(columns: [String], rows: [[String?]], commandTag: String = "", affectedRows: Int = 0) {
        self.columns = columns
        values = rows.flatMap { $0 }
        count = rows.count
        self.commandTag = commandTag
        self.affectedRows = affectedRows
    }

    /// Copies every value and the command status out of `result`; the caller still PQclears it.
    init(copying result: OpaquePointer) {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var names: [String] = []
        names.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            names.append(String(cString: PQfname(result, Int32(column))))
        }
        var cells: [String?] = []
        cells.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) != 0 {
                    cells.append(nil)
                } else {
                    let bytes = UnsafeRawPointer(PQgetvalue(result, row, column)!)
                    let length = Int(PQgetlength(result, row, column))
                    cells.append(String(decoding: UnsafeRawBufferPointer(start: bytes, count: length),
                                        as: UTF8.self))
                }
            }
        }
        columns = names
        values = cells
        count = rowCount
        commandTag = String(cString: PQcmdStatus(result))
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(row: Int) -> PGRow {
        precondition(row >= 0 && row < count, "row \(row) out of 0..<\(count)")
        return PGRow(result: self, row: row)
    }

    /// The value at `row`, `column` as text; nil for SQL NULL.
    public subscript(row: Int, column: Int) -> String? {
        values[row * columns.count + column]
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
}
