// What an import file asks for, checked before anything is written: units, positions, people
// and assignments referring to each other by natural keys (unit code, unit code + position
// title — with its title_no when the unit has several posts of that title — employee number),
// so that a file can be written by hand. A CSV (one resource per file)
// and a JSON document ({"units": [...], ...}) are both read into the same cells, then checked by
// the same rules as the single-resource endpoints; every broken rule becomes an ImportError with
// its row and field instead of stopping at the first.
//
// A column (or JSON key) that is absent leaves an existing value alone; an empty cell (or null)
// clears it. Lists (functions, duties, forms) are one item per line in a CSV cell, arrays in JSON.

import App
import ChartRender
import Foundation
import HTTP
import Policy

package struct ImportError: Sendable {
    package var resource: String
    package var row: Int                // CSV: spreadsheet row (header = 1); JSON: 1-based index in its array
    package var field: String?
    package var rule: String?
    package var message: String
}

package struct ImportBatch: Sendable {
    /// A cell: nil when the column is absent, .some(nil) when empty, else the trimmed text.
    package typealias Cell = String??

    package struct Unit: Sendable {
        package var row: Int
        package var code: String
        package var name: String?
        package var kind: String?
        package var parentCode: Cell
        package var tier: Cell
        package var roleLabel: Cell
        package var functions: [String]?
        package var sortOrder: Int?
        package var plannedEstablishment: Int?? = nil
    }

    package struct Position: Sendable {
        package var row: Int
        package var unitCode: String
        package var title: String
        package var titleNo: Int?                   // which post of this title, when the unit has several
        package var grade: Cell
        package var headcount: (kind: String, min: Int?, max: Int?)?
        package var kind: String?
        package var reportsTo: ChartPositionRef??
        package var duties: [String]?
        package var forms: [String]?
        package var spanMin: Int??
        package var spanMax: Int??
        package var sortOrder: Int?
        package var ref: ChartPositionRef { ChartPositionRef(unitCode: unitCode, title: title, titleNo: titleNo) }
    }

    package struct Person: Sendable {
        package var row: Int
        package var employeeNo: String
        package var name: String?
        package var contact: [String: String]?
    }

    package struct Assignment: Sendable {
        package var row: Int
        package var employeeNo: String
        package var position: ChartPositionRef
        package var kind: String
        package var start: String?
        package var end: Cell
        package var regionCode: String?             // the region a per-region post's holder covers
    }

    package var effectiveDate: String
    package var units: [Unit] = []
    package var positions: [Position] = []
    package var people: [Person] = []
    package var assignments: [Assignment] = []
    package var errors: [ImportError] = []

    package var isEmpty: Bool { units.isEmpty && positions.isEmpty && people.isEmpty && assignments.isEmpty }

    // MARK: reading

    /// A CSV of one resource.
    package static func csv(_ bytes: [UInt8], resource: ChartCSV.Resource, effectiveDate: String, ladder: GradeLadder) -> ImportBatch {
        var batch = ImportBatch(effectiveDate: effectiveDate)
        let parsed: (header: [String], records: [ImportCSV.Record])
        do {
            parsed = try ImportCSV.parse(bytes)
        } catch {
            batch.errors.append(ImportError(resource: resource.rawValue, row: error.row, field: nil, rule: "csv", message: error.message))
            return batch
        }
        let known = Set(ChartCSV.columns[resource]!).union(ChartCSV.readOnly)
        for column in parsed.header where !known.contains(column) && !(resource == .people && column.hasPrefix("contact.")) {
            batch.errors.append(ImportError(resource: resource.rawValue, row: 1, field: column, rule: "known_column",
                                            message: "unknown column \(column); \(resource.rawValue) takes \(ChartCSV.columns[resource]!.joined(separator: ", "))"))
        }
        guard batch.errors.isEmpty else { return batch }
        for record in parsed.records { batch.add(resource, row: record.row, record.fields, ladder: ladder) }
        return batch
    }

    /// A JSON document `{"effective_date"?, "units"?, "positions"?, "people"?, "assignments"?}`,
    /// each value's type checked by ImportJSON. The query's effective date wins over the file's.
    package static func json(_ bytes: [UInt8], effectiveDate: String?, ladder: GradeLadder) throws -> ImportBatch {
        let document = try ImportJSON.read(bytes)
        // The file's own date is checked even when the query's wins: a malformed field is refused.
        let fileDate = try document.effectiveDate.map { try OrgDate.body($0) }
        let date = try OrgDate.body(effectiveDate ?? fileDate)
        var batch = ImportBatch(effectiveDate: date)
        batch.errors = document.errors
        for record in document.records { batch.add(record.resource, row: record.row, record.fields, ladder: ladder) }
        return batch
    }

    // MARK: checking

    private mutating func add(_ resource: ChartCSV.Resource, row: Int, _ fields: [String: String], ladder: GradeLadder) {
        let reader = Cells(fields: fields)
        do {
            try reader.checkText()
            switch resource {
            case .units: units.append(try unit(reader, row: row, ladder: ladder))
            case .positions: positions.append(try position(reader, row: row, ladder: ladder))
            case .people: people.append(try person(reader, row: row))
            case .assignments: assignments.append(try assignment(reader, row: row))
            }
        } catch let problem as Problem {
            errors.append(ImportError(resource: resource.rawValue, row: row, field: problem.field, rule: problem.rule, message: problem.detail))
        } catch let field as FieldError {
            errors.append(ImportError(resource: resource.rawValue, row: row, field: field.field, rule: field.rule, message: "\(field.field) \(field.message)"))
        } catch {
            errors.append(ImportError(resource: resource.rawValue, row: row, field: nil, rule: nil, message: "\(error)"))
        }
    }

    private func unit(_ cells: Cells, row: Int, ladder: GradeLadder) throws -> Unit {
        let code = try cells.required("code")
        try OrgRules.code(code)
        // Trimmed as UnitStore stores it, so that a name read back compares equal to the file's.
        let name = try cells.text("name").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let name { try OrgRules.name(name) }
        let parent = cells.cell("parent_code")
        if let parentCode = parent ?? nil { try OrgRules.code(parentCode, field: "parent_code") }
        if parent??.caseInsensitiveCompare(code) == .orderedSame {
            throw Problem.invalid("parent_code", rule: "not_self", "a unit is not its own parent")
        }
        let tier = cells.cell("tier")
        if let tier = tier ?? nil { _ = try OrgRules.tier(tier, ladder) }
        let label = cells.cell("role_label")
        if let label = label ?? nil { try OrgRules.roleLabel(label) }
        let functions = cells.list("functions")
        if let functions { try OrgRules.list(functions, field: "functions") }
        let order = try cells.integer("sort_order") ?? nil
        if let order { try OrgRules.sortOrder(order) }
        let planned = try cells.integer("planned_establishment")
        try OrgRules.plannedEstablishment(planned ?? nil)
        return Unit(row: row, code: code, name: name, kind: try cells.text("kind"), parentCode: parent, tier: tier,
                    roleLabel: label, functions: functions, sortOrder: order, plannedEstablishment: planned)
    }

    private func position(_ cells: Cells, row: Int, ladder: GradeLadder) throws -> Position {
        let unitCode = try cells.required("unit_code")
        let title = try cells.required("title")
        try OrgRules.name(title, field: "title")
        let grade = cells.cell("grade")
        if let grade = grade ?? nil { _ = try ladder.grade(grade) }
        let headcount = try cells.text("headcount").map { try Headcount.parse($0).validated() }
        let kind = try cells.text("kind")
        if let kind { try PositionRoutes.checkKind(kind) }
        var reportsTo: ChartPositionRef?? = nil
        switch (cells.cell("reports_to_unit_code"), cells.cell("reports_to_title")) {
        case (nil, nil): reportsTo = nil
        case (.some(.some(let code)), .some(.some(let managerTitle))):
            reportsTo = .some(ChartPositionRef(unitCode: code, title: managerTitle, titleNo: try cells.titleNo("reports_to_title_no")))
        case (.some(nil), .some(nil)), (.some(nil), nil), (nil, .some(nil)): reportsTo = .some(nil)
        default:
            throw Problem.invalid("reports_to_title", rule: "both_or_neither", "reports_to_unit_code and reports_to_title name the manager's position together")
        }
        let duties = cells.list("duties")
        if let duties { try OrgRules.list(duties, field: "duties") }
        let forms = cells.list("forms")
        if let forms { try OrgRules.list(forms, field: "forms") }
        let spanMin = try cells.integer("span_min")
        let spanMax = try cells.integer("span_max")
        try PositionRoutes.checkSpan(spanMin ?? nil, spanMax ?? nil)
        let order = try cells.integer("sort_order") ?? nil
        if let order { try OrgRules.sortOrder(order) }
        return Position(row: row, unitCode: unitCode, title: title, titleNo: try cells.titleNo("title_no"), grade: grade, headcount: headcount, kind: kind,
                        reportsTo: reportsTo, duties: duties, forms: forms, spanMin: spanMin, spanMax: spanMax, sortOrder: order)
    }

    private func person(_ cells: Cells, row: Int) throws -> Person {
        let number = try cells.required("employee_no")
        try PersonRoutes.checkEmployeeNo(number)
        let name = try cells.text("name")
        if let name { try OrgRules.name(name) }
        var contact: [String: String]?
        for (key, value) in cells.fields where key.hasPrefix("contact.") {
            let value = value.trimmingSpaces
            if !value.isEmpty { contact = (contact ?? [:]).merging([String(key.dropFirst(8)): value]) { $1 } } else if contact == nil { contact = [:] }
        }
        if let contact { _ = try PersonRoutes.contactJSON(contact) }
        return Person(row: row, employeeNo: number, name: name, contact: contact)
    }

    private func assignment(_ cells: Cells, row: Int) throws -> Assignment {
        let number = try cells.required("employee_no")
        let unitCode = try cells.required("unit_code")
        let title = try cells.required("position_title")
        let kind = try cells.text("kind") ?? "primary"
        guard ["primary", "concurrent", "acting"].contains(kind) else {
            throw Problem.invalid("kind", rule: "one_of", "kind must be primary, concurrent or acting")
        }
        let start = try cells.text("start_date").map { try OrgDate.body($0, field: "start_date") }
        let end = cells.cell("end_date")
        if let end = end ?? nil {
            _ = try OrgDate.body(end, field: "end_date")
            if end < (start ?? effectiveDate) {
                throw Problem.invalid("end_date", rule: "not_before_start", "end_date \(end) is before start_date \(start ?? effectiveDate)")
            }
        }
        if kind == "acting" && (end ?? nil) == nil {
            throw Problem.invalid("end_date", rule: "required", "an acting assignment needs an end_date, on which it ends by itself")
        }
        return Assignment(row: row, employeeNo: number, position: ChartPositionRef(unitCode: unitCode, title: title, titleNo: try cells.titleNo("position_title_no")), kind: kind,
                          start: start, end: end, regionCode: try cells.text("region_code"))
    }

    /// Typed access to one record's cells, each refusal naming the column.
    package struct Cells {
        package var fields: [String: String]

        package func cell(_ name: String) -> Cell {
            guard let raw = fields[name] else { return nil }
            let text = raw.trimmingSpaces
            return .some(text.isEmpty ? nil : text)
        }

        package func text(_ name: String) throws -> String? { cell(name) ?? nil }

        package func required(_ name: String) throws -> String {
            guard let text = try text(name) else { throw Problem.invalid(name, rule: "required", "\(name) is required") }
            return text
        }

        package func integer(_ name: String) throws -> Int?? {
            guard let cell = cell(name) else { return nil }
            guard let text = cell else { return .some(nil) }
            guard let value = Int(text) else { throw Problem.invalid(name, rule: "integer", "\(name) must be a whole number, got \(text)") }
            return .some(value)
        }

        package static let listColumns: Set<String> = ["functions", "duties", "forms"]

        /// Every cell within the input limits (TextRules.orgd), as on JSON bodies: a list cell
        /// item by item, since each line is one item.
        package func checkText() throws(FieldError) {
            for (name, raw) in fields.sorted(by: { $0.key < $1.key }) {
                if Self.listColumns.contains(name) {
                    for (index, item) in (list(name) ?? []).enumerated() {
                        try TextRules.orgd.check(item, field: "\(name)[\(index)]", name: name)
                    }
                } else {
                    try TextRules.orgd.check(raw.trimmingSpaces, field: name, name: name)
                }
            }
        }

        /// A title number (title_no and the columns naming a manager's or a holder's post): a
        /// whole number from 1, nil when absent or empty.
        package func titleNo(_ name: String) throws -> Int? {
            guard let value = try integer(name) ?? nil else { return nil }
            guard value >= 1 else { throw Problem.invalid(name, rule: "positive", "\(name) counts the unit's posts of this title from 1, got \(value)") }
            return value
        }

        /// Lines of a list cell, blank ones dropped; nil when the column is absent.
        package func list(_ name: String) -> [String]? {
            guard let raw = fields[name] else { return nil }
            return raw.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n")
                .map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        }
    }
}
