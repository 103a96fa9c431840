// CSV export of a chart, one file per resource (units, positions, people, assignments), in the
// columns `POST /v1/org/import` reads back: an export re-imported changes nothing. UTF-8 with a
// byte-order mark so Excel shows Chinese, CRLF line ends, RFC 4180 quoting. Lists (functions,
// duties, forms) are one item per line inside a quoted field. Posts sharing a title in one unit
// are told apart by `title_no` (1, 2 … in sort then creation order; empty for a unique title),
// and so are the managers' and holders' posts that name them; these columns come last, so that
// files read by column position before they existed still read the same.
//
// Cells a spreadsheet would run as a formula (starting with = + - @, a tab or a CR: CSV
// injection) are written behind an apostrophe, which spreadsheets show as plain text; ImportCSV
// removes that apostrophe again, so an export re-imports unchanged (see `defused`).

import Foundation

package enum ChartCSV {
    package enum Resource: String, CaseIterable, Sendable {
        case units, positions, people, assignments
    }

    package static let columns: [Resource: [String]] = [
        .units: ["code", "name", "kind", "parent_code", "tier", "role_label", "functions", "sort_order", "planned_establishment"],
        .positions: ["unit_code", "title", "grade", "headcount", "kind", "reports_to_unit_code", "reports_to_title",
                     "duties", "forms", "span_min", "span_max", "sort_order", "establishment", "filled", "vacant",
                     "title_no", "reports_to_title_no"],
        .people: ["employee_no", "name"],
        .assignments: ["employee_no", "unit_code", "position_title", "kind", "start_date", "end_date", "region_code", "person_name", "position_title_no"],
    ]

    /// Columns an export writes for reading only; import ignores them.
    package static let readOnly: Set<String> = ["establishment", "filled", "vacant", "person_name"]

    package static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The file for `resource`: BOM, header, one record per row.
    package static func document(_ chart: Chart, _ resource: Resource) -> [UInt8] {
        var header = columns[resource]!
        var records: [[String]] = []
        switch resource {
        case .units:
            for unit in chart.units {
                records.append([unit.code, unit.name, unit.kind, unit.parentCode ?? "", unit.tier ?? "", unit.roleLabel ?? "",
                                unit.functions.joined(separator: "\n"), String(unit.sortOrder),
                                unit.plannedEstablishment.map(String.init) ?? ""])
            }
        case .positions:
            for unit in chart.units {
                for seat in unit.seats {
                    records.append([unit.code, seat.title, seat.grade ?? "", seat.headcount, seat.kind,
                                    seat.reportsTo?.unitCode ?? "", seat.reportsTo?.title ?? "",
                                    seat.duties.joined(separator: "\n"), seat.forms.joined(separator: "\n"),
                                    seat.spanMin.map(String.init) ?? "", seat.spanMax.map(String.init) ?? "", String(seat.sortOrder),
                                    seat.establishment.map(String.init) ?? "", String(seat.holders.count),
                                    seat.establishment == nil ? "" : String(seat.vacant),
                                    number(seat.titleNo), number(seat.reportsTo?.titleNo)])
                }
            }
        case .people:
            let people = chart.people.values.sorted { $0.employeeNo < $1.employeeNo }
            // Contact columns only for what the caller may read privately: `contact.<field>`.
            let contactKeys = Set(people.flatMap { ($0.contact ?? []).map(\.0) }).sorted()
            header += contactKeys.map { "contact.\($0)" }
            for person in people {
                let contact = Dictionary(person.contact ?? [], uniquingKeysWith: { first, _ in first })
                records.append([person.employeeNo, person.name] + contactKeys.map { contact[$0] ?? "" })
            }
        case .assignments:
            for unit in chart.units {
                for seat in unit.seats {
                    for holder in seat.holders {
                        records.append([holder.employeeNo, unit.code, seat.title, holder.kind, holder.since, holder.until ?? "",
                                        holder.regionCode ?? "", holder.name, number(seat.titleNo)])
                    }
                }
            }
        }
        var out = byteOrderMark
        out += Array(line(header).utf8)
        for record in records { out += Array(line(record).utf8) }
        return out
    }

    /// A title number's cell: empty when the title is unique in its unit.
    package static func number(_ value: Int?) -> String { value.map(String.init) ?? "" }

    /// One CRLF-terminated record.
    package static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    /// Characters that make a spreadsheet read a cell as a formula.
    package static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// The cell behind an apostrophe when it would start a formula, or when it already is
    /// apostrophes before such a start (so that `restored` can tell the two apart). Round trip:
    /// `restored(defused(x)) == x` for every x.
    package static func defused(_ cell: String) -> String {
        let afterApostrophes = cell.drop { $0 == "'" }
        guard let first = afterApostrophes.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }

    /// An imported cell without the apostrophe `defused` put before a formula start.
    package static func restored(_ cell: String) -> String {
        guard cell.first == "'" else { return cell }
        let afterApostrophes = cell.drop { $0 == "'" }
        guard let first = afterApostrophes.first, formulaStarts.contains(first) else { return cell }
        return String(cell.dropFirst())
    }

    /// RFC 4180: a field holding a comma, quote, CR or LF (or edge spaces) is quoted, quotes
    /// doubled; a formula start is defused first.
    package static func quote(_ cell: String) -> String {
        let field = defused(cell)
        let needs = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || field.hasPrefix(" ") || field.hasSuffix(" ")
        guard needs else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
