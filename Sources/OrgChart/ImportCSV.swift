// Reading an import CSV (RFC 4180): a UTF-8 byte-order mark is skipped, fields may be quoted
// with doubled quotes inside, records end with CRLF or LF, and a quoted field may span lines.
// Each record keeps its row number: the header is row 1, the first record row 2 (blank lines
// are skipped and not counted; a multi-line quoted field is one row, as in a spreadsheet). The
// apostrophe an export puts before a formula start (ChartCSV.defused) is removed.

import App
import ChartRender

package enum ImportCSV {
    package struct Record: Sendable {
        package var row: Int
        package var fields: [String: String]        // by header name; a missing trailing cell is absent
    }

    package struct Failure: Error, Sendable {
        package var row: Int
        package var message: String
    }

    /// The header and the records; blank lines are skipped. Fails on bad UTF-8, a quote inside
    /// an unquoted field, an unterminated quote, a duplicate or empty header, or a record with
    /// more cells than the header.
    package static func parse(_ bytes: [UInt8]) throws(Failure) -> (header: [String], records: [Record]) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let text = String(validating: body, as: UTF8.self) else { throw Failure(row: 1, message: "the file is not UTF-8") }
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false          // inside a quoted field
        var wasQuoted = false       // the current field was quoted (so an empty one still counts)
        var characters = text.makeIterator()
        var pending: Character?
        func endField() { row.append(field); field = ""; wasQuoted = false }
        func endRecord() {
            if !(row.isEmpty && field.isEmpty && !wasQuoted) { endField(); rows.append(row) }
            row = []
        }
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case ",": endField()
            case "\r\n", "\n", "\r": endRecord()
            case "\"":
                guard field.isEmpty, !wasQuoted else {
                    throw Failure(row: rows.count + 1, message: "a quote inside an unquoted field; quote the whole field and double the quote")
                }
                quoted = true
                wasQuoted = true
            default:
                if wasQuoted { throw Failure(row: rows.count + 1, message: "text after a closing quote") }
                field.append(character)
            }
        }
        if quoted { throw Failure(row: rows.count + 1, message: "a quoted field is not closed") }
        endRecord()
        guard let header = rows.first?.map({ $0.trimmingSpaces }) else { throw Failure(row: 1, message: "the file has no header row") }
        for (index, name) in header.enumerated() {
            if name.isEmpty { throw Failure(row: 1, message: "column \(index + 1) has no name") }
            if header[..<index].contains(name) { throw Failure(row: 1, message: "column \(name) appears twice") }
        }
        var records: [Record] = []
        for (index, cells) in rows.enumerated().dropFirst() {
            guard cells.count <= header.count else {
                throw Failure(row: index + 1, message: "\(cells.count) cells for \(header.count) columns")
            }
            var fields: [String: String] = [:]
            for (column, cell) in zip(header, cells) { fields[column] = ChartCSV.restored(cell) }
            records.append(Record(row: index + 1, fields: fields))
        }
        return (header, records)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    package var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
