// One row of a PGResult, read by column name or index. Values are Postgres text output:
// booleans are "t"/"f", numbers in decimal (a binary result's values are rendered so).
// Accessors return nil for NULL, for an unknown column, and for text that does not parse as
// the asked type; PGRowReader (`row.reader()`, `row.decode(as:)`) reads by position and
// throws instead.

public struct PGRow: Sendable {
    public let result: PGResult
    public let row: Int

    public subscript(column: Int) -> String? { result[row, column] }

    public subscript(name: String) -> String? {
        guard let column = result.columnIndex(name) else { return nil }
        return result[row, column]
    }

    public func string(_ name: String) -> String? { self[name] }
    public func int(_ name: String) -> Int? { self[name].flatMap { Int($0) } }
    public func double(_ name: String) -> Double? { self[name].flatMap { Double($0) } }

    public func bool(_ name: String) -> Bool? {
        switch self[name] {
        case "t", "true": return true
        case "f", "false": return false
        default: return nil
        }
    }

    /// True for SQL NULL (and for a column the row does not have).
    public func isNull(_ name: String) -> Bool { self[name] == nil }

    public func string(_ column: Int) -> String? { self[column] }
    public func int(_ column: Int) -> Int? { self[column].flatMap { Int($0) } }
    public func double(_ column: Int) -> Double? { self[column].flatMap { Double($0) } }
    public func bool(_ column: Int) -> Bool? {
        switch self[column] {
        case "t", "true": return true
        case "f", "false": return false
        default: return nil
        }
    }
    public func isNull(_ column: Int) -> Bool { self[column] == nil }
}
