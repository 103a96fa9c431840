// Field rules shared by units, positions and people; each refusal is a 422 naming the field
// and the rule, thrown before anything is written.

import App
import Foundation
import HTTP
import Policy
import Postgres

package enum OrgRules {
    /// Kinds every tenant has (read-only); a tenant adds its own through /v1/unit-kinds.
    package static let defaultKinds = ["board", "office", "center", "department", "room", "group", "regional_office",
                               "alliance", "secretariat", "substation"]
    /// How the source document writes the built-in kinds.
    package static let defaultKindLabels = ["board": "董事会", "office": "办公室", "center": "中心", "department": "部门", "room": "室",
                                    "group": "组", "regional_office": "驻外办事处", "alliance": "联盟", "secretariat": "秘书处",
                                    "substation": "分站"]
    package static let roleLabels = ["decision", "functional_management", "functional", "assistant", "business"]

    package static func name(_ text: String, field: String = "name") throws {
        let count = text.trimmingCharacters(in: .whitespacesAndNewlines).count
        guard (1...200).contains(count) else { throw Problem.invalid(field, rule: "length", "\(field) must be 1 to 200 characters") }
    }

    /// Unit and region codes: letters, digits, "_", "." and "-", 1–64, starting with a letter or digit.
    package static func code(_ text: String, field: String = "code") throws {
        let bytes = Array(text.utf8)
        let ok = (1...64).contains(bytes.count) && bytes.allSatisfy { isAlnum($0) || $0 == 95 || $0 == 46 || $0 == 45 }
            && isAlnum(bytes[0])
        guard ok else {
            throw Problem.invalid(field, rule: "format", "\(field) must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit")
        }
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    /// Numbered lists (functions, duties, forms): 0–100 non-blank items of at most 1,000
    /// characters, each one line — a CSV export writes a list one item per line, so an item
    /// holding a line break would come back from an import as two.
    package static func list(_ items: [String], field: String) throws {
        guard items.count <= 100 else { throw Problem.invalid(field, rule: "max_items", "\(field) has at most 100 items") }
        for (index, item) in items.enumerated() {
            let count = item.trimmingCharacters(in: .whitespacesAndNewlines).count
            guard (1...1000).contains(count) else {
                throw Problem.invalid("\(field)[\(index)]", rule: "length", "\(field)[\(index)] must be 1 to 1000 characters")
            }
            guard !item.trimmingCharacters(in: .whitespacesAndNewlines).contains(where: \.isNewline) else {
                throw Problem.invalid("\(field)[\(index)]", rule: "single_line", "\(field)[\(index)] must be one line; make each line an item of its own")
            }
        }
    }

    /// A JSON array of strings, for jsonb columns.
    package static func jsonList(_ items: [String]) -> PGJSON {
        var json = JSONWriter()
        json.beginArray()
        for item in items { json.string(item) }
        json.endArray()
        return PGJSON(json.bytes)
    }

    /// A tier on the tenant's ladder; its index for the policy.
    package static func tier(_ text: String, _ ladder: GradeLadder, field: String = "tier") throws -> Int {
        guard let index = ladder.tierIndex(named: text) else {
            let names = ladder.tiers.map(\.name).joined(separator: ", ")
            throw Problem.invalid(field, rule: "on_ladder", "\(field) \(text) is not a tier of the tenant's ladder (\(names))")
        }
        return index
    }

    package static func roleLabel(_ text: String) throws {
        guard roleLabels.contains(text) else {
            throw Problem.invalid("role_label", rule: "one_of", "role_label must be one of \(roleLabels.joined(separator: ", "))")
        }
    }

    /// A unit kind: a built-in one or one the tenant added (unit_kinds) and has not retired. A
    /// unit keeping the kind it has (`current`) passes even when that kind is retired, so a
    /// retired kind refuses new units without making its units' other fields unchangeable.
    package static func kind(_ text: String, _ connection: PGConnection, current: String? = nil) async throws {
        if defaultKinds.contains(text) || text == current { return }
        guard let retired = try await UnitKindStore.isRetired(connection, text) else {
            throw Problem.invalid("kind", rule: "vocabulary", "kind \(text) is neither a built-in kind (\(defaultKinds.joined(separator: ", "))) nor one the tenant added (POST /v1/unit-kinds)")
        }
        if retired {
            throw Problem.invalid("kind", rule: "not_retired", "kind \(text) is retired: units that have it keep it, no unit gets it any more")
        }
    }

    /// A body field naming an object by id must be a UUID. Changes check it before they read the
    /// object, so a malformed request is a 422 whatever its If-Match says (not a 412).
    package static func id(_ value: String?, field: String) throws {
        if let value, EntityID(uuid: value) == nil {
            throw Problem.invalid(field, rule: "uuid", "\(field) must be an id (a UUID), not \(value)")
        }
    }

    /// A unit's planned establishment (满额配置): a count of people, 0 to 1,000,000.
    package static func plannedEstablishment(_ value: Int?) throws {
        guard let value else { return }
        guard (0...1_000_000).contains(value) else {
            throw Problem.invalid("planned_establishment", rule: "range", "planned_establishment must be between 0 and 1000000, got \(value)")
        }
    }

    /// Sort orders are small integers.
    package static func sortOrder(_ value: Int) throws {
        guard (-1_000_000...1_000_000).contains(value) else {
            throw Problem.invalid("sort_order", rule: "range", "sort_order must be between -1000000 and 1000000")
        }
    }
}
