// Reading an import JSON document into the same cells a CSV gives, with each value's JSON type
// checked against its column: text columns take a string, counts an integer, lists an array
// of strings, `headcount` a string ("1-3") or its object, `reports_to` and `contact` their
// objects; null clears a value as an empty cell does. A value of another type is refused with
// its row and field (issue 9: a number name 12345 was stored as "12345", an object as
// `["$ne": 1]`, true as "1", and `effective_date: 20240101` silently meant today). A key no
// column has is refused as `unknown_field`, as on every JSON body. The body is parsed strictly
// (JSONTree: duplicate keys refused).

import App
import ChartRender
import HTTP

package enum ImportJSON {
    /// What a column accepts in JSON.
    package enum Kind { case text, integer, list, headcount, reportsTo, contact, readOnly }

    package static func kind(of key: String, in resource: ChartCSV.Resource) -> Kind? {
        if ChartCSV.readOnly.contains(key) { return ChartCSV.columns[resource]!.contains(key) ? .readOnly : nil }
        switch (resource, key) {
        case (_, "sort_order"), (.positions, "span_min"), (.positions, "span_max"), (.units, "planned_establishment"),
             (.positions, "title_no"), (.positions, "reports_to_title_no"), (.assignments, "position_title_no"):
            return .integer
        case (.units, "functions"), (.positions, "duties"), (.positions, "forms"): return .list
        case (.positions, "headcount"): return .headcount
        case (.positions, "reports_to"): return .reportsTo
        case (.people, "contact"): return .contact
        case (.people, _) where key.hasPrefix("contact.") && key.count > 8: return .text
        default: return ChartCSV.columns[resource]!.contains(key) ? .text : nil
        }
    }

    package struct Record {
        package var resource: ChartCSV.Resource
        package var row: Int                        // 1-based index in its array
        package var fields: [String: String]
    }

    package struct Document {
        package var effectiveDate: String?
        package var records: [Record] = []
        package var errors: [ImportError] = []
    }

    /// The document's records as cells, and every record refused for a type or an unknown key.
    /// Throws a problem for a body that is not a JSON object of the four lists (400 for bad
    /// JSON or a duplicate key, 422 naming the key otherwise).
    package static func read(_ bytes: [UInt8]) throws -> Document {
        let tree: JSONTree
        do { tree = try JSONTree.parse(bytes) } catch { throw Problem.from(error) }
        guard case .object(let members) = tree else {
            throw Problem.invalid("", rule: "type", "an import document is a JSON object, not \(tree.typeName)")
        }
        var document = Document()
        for member in members {
            if member.key == "effective_date" {
                guard case .string(let text) = member.value else {
                    throw Problem.invalid("effective_date", rule: "type", "effective_date must be a date string YYYY-MM-DD, not \(member.value.typeName)")
                }
                document.effectiveDate = text
                continue
            }
            guard let resource = ChartCSV.Resource(rawValue: member.key) else {
                throw Problem.invalid(member.key, rule: "unknown_field", "unknown key \(member.key); an import holds effective_date, units, positions, people and assignments")
            }
            guard case .array(let items) = member.value else {
                throw Problem.invalid(resource.rawValue, rule: "type", "\(resource.rawValue) must be an array, not \(member.value.typeName)")
            }
            for (index, item) in items.enumerated() {
                do {
                    document.records.append(Record(resource: resource, row: index + 1, fields: try cells(item, resource, path: "\(resource.rawValue)[\(index)]")))
                } catch {
                    document.errors.append(ImportError(resource: resource.rawValue, row: index + 1, field: error.field, rule: error.rule, message: error.message))
                }
            }
        }
        return document
    }

    /// One record's cells; the first wrong type or unknown key as a FieldError whose field is
    /// the column (the row is the record's) and whose message names the JSON path.
    package static func cells(_ item: JSONTree, _ resource: ChartCSV.Resource, path: String) throws(FieldError) -> [String: String] {
        guard case .object(let members) = item else {
            throw FieldError(field: "", rule: "type", message: "\(path) must be an object, not \(item.typeName)")
        }
        var fields: [String: String] = [:]
        for member in members {
            let key = member.key, value = member.value
            guard let kind = kind(of: key, in: resource) else {
                throw FieldError(field: key, rule: "unknown_field", message: "\(path).\(key) is not a field of \(resource.rawValue)")
            }
            if value == .null, kind != .readOnly {
                if kind == .reportsTo {
                    fields["reports_to_unit_code"] = ""; fields["reports_to_title"] = ""; fields["reports_to_title_no"] = ""
                } else {
                    fields[key] = ""
                }
                continue
            }
            switch kind {
            case .text: fields[key] = try text(value, key, path)
            case .integer: fields[key] = try integer(value, key, path)
            case .list:
                guard case .array(let elements) = value else { throw wrong(key, path, "an array of strings", value) }
                var lines: [String] = []
                for (index, element) in elements.enumerated() {
                    let line = try text(element, key, path, item: index)
                    // The cell holds one item per line: a line break inside an item would come
                    // back as two items, the silent coercion this reader exists to refuse.
                    guard !line.contains(where: \.isNewline) else {
                        throw FieldError(field: key, rule: "single_line",
                                         message: "\(path).\(key)[\(index)] must be one line; make each line an item of its own")
                    }
                    lines.append(line)
                }
                fields[key] = lines.joined(separator: "\n")
            case .headcount: fields[key] = try headcount(value, path)
            case .reportsTo:
                let parts = try object(value, key, path, keys: ["unit_code", "title", "title_no"])
                for (name, column) in [("unit_code", "reports_to_unit_code"), ("title", "reports_to_title")] {
                    guard let part = parts[name] else { fields[column] = ""; continue }
                    fields[column] = part == .null ? "" : try text(part, key, path + ".reports_to", name: name)
                }
                if let number = parts["title_no"], number != .null {
                    fields["reports_to_title_no"] = try integer(number, key, path + ".reports_to", name: "title_no")
                }
            case .contact:
                guard case .object(let entries) = value else { throw wrong(key, path, "an object of strings", value) }
                for entry in entries {
                    fields["contact.\(entry.key)"] = entry.value == .null ? "" : try text(entry.value, key, path + ".contact", name: entry.key)
                }
            case .readOnly: break
            }
        }
        return fields
    }

    /// `{"kind": ..., "n" | "min", "max"}` as the CSV's text: "7", "1-3", "2+" (a range without
    /// a maximum), "N", "7/region". Without `kind`, a `min` means a range and an `n` an exact count,
    /// as on POST /v1/positions.
    private static func headcount(_ value: JSONTree, _ path: String) throws(FieldError) -> String {
        if case .string(let text) = value { return text }
        let parts = try object(value, "headcount", path, keys: ["kind", "n", "min", "max"])
        let at = path + ".headcount"
        let kind: String
        if let kindValue = parts["kind"] {
            kind = try text(kindValue, "headcount", at, name: "kind")
        } else if parts["min"] != nil {
            kind = "range"
        } else if parts["n"] != nil {
            kind = "exact"
        } else {
            throw FieldError(field: "headcount", rule: "required", message: "\(at).kind is required")
        }
        func count(_ name: String) throws(FieldError) -> String {
            guard let value = parts[name] else { return "" }
            return try integer(value, "headcount", at, name: name)
        }
        switch kind {
        case "exact": return try count("n")
        case "range":
            let low = try count("min"), high = try count("max")
            return high.isEmpty ? "\(low)+" : "\(low)-\(high)"
        case "unbounded": return "N"
        case "per_region": return "\(try count("n"))/region"
        default: throw FieldError(field: "headcount", rule: "one_of", message: "\(at).kind must be exact, range, unbounded or per_region")
        }
    }

    private static func object(_ value: JSONTree, _ key: String, _ path: String, keys: Set<String>) throws(FieldError) -> [String: JSONTree] {
        guard case .object(let members) = value else { throw wrong(key, path, "an object", value) }
        var parts: [String: JSONTree] = [:]
        for member in members {
            guard keys.contains(member.key) else {
                throw FieldError(field: key, rule: "unknown_field", message: "\(path).\(key).\(member.key) is not a field of \(key)")
            }
            parts[member.key] = member.value
        }
        return parts
    }

    private static func text(_ value: JSONTree, _ key: String, _ path: String, name: String? = nil, item: Int? = nil) throws(FieldError) -> String {
        guard case .string(let text) = value else {
            throw wrong(key, path, "a string", value, name: name, item: item)
        }
        return text
    }

    /// An integer written as one; its digits as the cell.
    private static func integer(_ value: JSONTree, _ key: String, _ path: String, name: String? = nil) throws(FieldError) -> String {
        guard case .number(let text) = value, !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else {
            throw wrong(key, path, "an integer", value, name: name)
        }
        guard Int(text) != nil else {
            throw FieldError(field: key, rule: "range", message: "\(path).\(name ?? key) must be an integer from \(Int.min) to \(Int.max)")
        }
        return text
    }

    private static func wrong(_ key: String, _ path: String, _ expected: String, _ value: JSONTree,
                              name: String? = nil, item: Int? = nil) -> FieldError {
        var at = path + "." + (name ?? key)
        if let item { at += "[\(item)]" }
        let found: String
        if case .number(let text) = value { found = "the number \(text)" } else { found = value.typeName }
        return FieldError(field: key, rule: "type", message: "\(at) must be \(expected), not \(found)")
    }
}
