// A tenant's case rules, as one document (GET/PUT /v1/cases/settings): the number prefix, the
// tier that may decide a free repair of a human-caused fault, the subcategories of each category,
// the warranty months of each product line, and the SLA hours per state (and category). Reading
// needs cases.handle anywhere; replacing is tenant.update (the restructuring tier), since the
// free-repair tier is policy. Every statement of case_settings, case_subcategories,
// product_warranties and case_sla_rules is here.

import Access
import App
import CaseFlow
import HTTP
import Network
import Policy
import Postgres

package struct CaseSettings: Sendable, JSONResource {
    package struct Subcategory: Sendable {
        package var category: String
        package var code: String
        package var name: String

        package init(category: String, code: String, name: String) {
            self.category = category
            self.code = code
            self.name = name
        }
    }

    package struct SLARule: Sendable {
        package var category: String?
        package var state: String
        package var hours: Double

        package init(category: String?, state: String, hours: Double) {
            self.category = category
            self.state = state
            self.hours = hours
        }
    }

    package var numberPrefix = "CS"
    package var freeRepairTier: String?          // nil: the ladder's second tier
    package var subcategories: [Subcategory] = []
    package var warranties: [(productLine: String, months: Int)] = []
    package var sla: [SLARule] = []
    package var revision = 0

    package init() {}

    /// The tier index a free repair of a human-caused fault needs on `ladder`.
    package func freeRepairTier(on ladder: GradeLadder) -> Int {
        freeRepairTier.flatMap(ladder.tierIndex(named:)) ?? min(1, ladder.tiers.count - 1)
    }

    package func write(to json: inout JSONWriter) { write(to: &json, ladder: nil) }

    package func write(to json: inout JSONWriter, ladder: GradeLadder?) {
        json.beginObject()
        json.field("number_prefix", numberPrefix)
        json.field("free_repair_tier", ladder.map { $0.tierName(freeRepairTier(on: $0)) } ?? freeRepairTier)
        json.key("subcategories")
        json.beginArray()
        for sub in subcategories {
            json.beginObject()
            json.field("category", sub.category)
            json.field("code", sub.code)
            json.field("name", sub.name)
            json.endObject()
        }
        json.endArray()
        json.key("warranties")
        json.beginArray()
        for warranty in warranties {
            json.beginObject()
            json.field("product_line", warranty.productLine)
            json.field("months", warranty.months)
            json.endObject()
        }
        json.endArray()
        json.key("sla")
        json.beginArray()
        for rule in sla {
            json.beginObject()
            json.field("category", rule.category)
            json.field("state", rule.state)
            json.field("hours", rule.hours)
            json.endObject()
        }
        json.endArray()
        json.field("revision", revision)
        json.endObject()
    }
}

package enum CaseSettingsStore {
    /// The tenant's settings (the defaults when none are stored); `forUpdate` locks the row.
    package static func read(_ connection: PGConnection, forUpdate: Bool = false) async throws -> CaseSettings {
        var settings = CaseSettings()
        if let (prefix, tier, revision) = try await connection.query("""
            SELECT number_prefix, free_repair_tier, revision FROM case_settings \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """).decodeFirst(String.self, String?.self, Int.self) {
            settings.numberPrefix = prefix
            settings.freeRepairTier = tier
            settings.revision = revision
        }
        settings.subcategories = try await connection.query("""
            SELECT category, code, name FROM case_subcategories ORDER BY category, code
            """ as PGQuery).decode(String.self, String.self, String.self).map { CaseSettings.Subcategory(category: $0.0, code: $0.1, name: $0.2) }
        settings.warranties = try await connection.query("""
            SELECT product_line, warranty_months FROM product_warranties ORDER BY product_line
            """ as PGQuery).decode(String.self, Int.self).map { (productLine: $0.0, months: $0.1) }
        settings.sla = try await connection.query("""
            SELECT category, state, hours::float8 FROM case_sla_rules ORDER BY state, category NULLS FIRST
            """ as PGQuery).decode(String?.self, String.self, Double.self).map { CaseSettings.SLARule(category: $0.0, state: $0.1, hours: $0.2) }
        return settings
    }

    package static func subcategoryExists(_ connection: PGConnection, category: String, code: String) async throws -> Bool {
        try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM case_subcategories WHERE category = \(category) AND code = \(code))
            """ as PGQuery).decodeFirst(Bool.self) ?? false
    }

    /// The product line's warranty months; nil when the tenant set none.
    package static func warrantyMonths(_ connection: PGConnection, productLine: String) async throws -> Int? {
        try await connection.query("""
            SELECT warranty_months FROM product_warranties WHERE product_line = \(productLine)
            """ as PGQuery).decodeFirst(Int.self)
    }

    /// Replaces the tenant's settings with `settings`; its new revision.
    package static func replace(_ connection: PGConnection, tenant: String, _ settings: CaseSettings) async throws -> Int {
        let revision = try await connection.query("""
            INSERT INTO case_settings (tenant_id, number_prefix, free_repair_tier) VALUES (\(tenant)::uuid, \(settings.numberPrefix), \(settings.freeRepairTier))
            ON CONFLICT (tenant_id) DO UPDATE SET number_prefix = EXCLUDED.number_prefix, free_repair_tier = EXCLUDED.free_repair_tier,
                revision = case_settings.revision + 1, updated_at = now()
            RETURNING revision
            """ as PGQuery).decodeFirst(Int.self)!
        _ = try await connection.query("DELETE FROM case_subcategories" as PGQuery)
        _ = try await connection.query("DELETE FROM product_warranties" as PGQuery)
        _ = try await connection.query("DELETE FROM case_sla_rules" as PGQuery)
        _ = try await connection.query("""
            INSERT INTO case_subcategories (tenant_id, category, code, name)
            SELECT \(tenant)::uuid, u.category, u.code, u.name
            FROM unnest(\(settings.subcategories.map(\.category))::text[], \(settings.subcategories.map(\.code))::text[],
                        \(settings.subcategories.map(\.name))::text[]) AS u(category, code, name)
            """ as PGQuery)
        _ = try await connection.query("""
            INSERT INTO product_warranties (tenant_id, product_line, warranty_months)
            SELECT \(tenant)::uuid, u.line, u.months
            FROM unnest(\(settings.warranties.map(\.productLine))::text[], \(settings.warranties.map(\.months))::int[]) AS u(line, months)
            """ as PGQuery)
        _ = try await connection.query("""
            INSERT INTO case_sla_rules (tenant_id, category, state, hours)
            SELECT \(tenant)::uuid, u.category, u.state, u.hours
            FROM unnest(\(settings.sla.map(\.category))::text[], \(settings.sla.map(\.state))::text[],
                        \(settings.sla.map(\.hours))::float8[]) AS u(category, state, hours)
            """ as PGQuery)
        return revision
    }
}

package enum CaseSettingsRoutes {
    package static let read = Endpoint<NoBody, Void, CaseSettings>(
        action: .caseSettingsRead, resource: "case_settings",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, _, connection in try await CaseSettingsStore.read(connection) },
        encode: { call, settings in
            var json = JSONWriter()
            settings.write(to: &json, ladder: call.caller.ladder)
            return ETag.response(revision: settings.revision, body: json.bytes)
        })

    package struct Body: Decodable, Sendable {
        package struct Subcategory: Decodable, Sendable { package var category: String; package var code: String; package var name: String }
        package struct Warranty: Decodable, Sendable { package var product_line: String; package var months: Int }
        package struct Rule: Decodable, Sendable { package var category: String?; package var state: String; package var hours: Double }
        package var number_prefix: String?
        package var free_repair_tier: String?
        package var subcategories: [Subcategory]?
        package var warranties: [Warranty]?
        package var sla: [Rule]?
    }

    /// Replaces the settings; fields absent keep their value. 422 naming the field for a tier off
    /// the ladder, an unknown product line, a state without a clock, a rule given twice.
    package static let replace = Endpoint<Body, CaseSettings, (before: CaseSettings, after: CaseSettings)>(
        action: .tenantUpdate, resource: "case_settings",
        check: { call in
            let body = call.body
            if let prefix = body.number_prefix {
                let bytes = Array(prefix.utf8)
                guard (1...8).contains(bytes.count), (0x41...0x5a).contains(bytes[0]),
                      bytes.allSatisfy({ (0x41...0x5a).contains($0) || (0x30...0x39).contains($0) }) else {
                    throw Problem.invalid("number_prefix", rule: "format", "number_prefix is 1–8 capital letters or digits, starting with a letter")
                }
            }
            for (index, sub) in (body.subcategories ?? []).enumerated() {
                guard CaseCategory(rawValue: sub.category) != nil else {
                    throw Problem.invalid("subcategories[\(index)].category", rule: "category", "category must be platform, equipment or other")
                }
                try NetworkVocabularyRoutes.termCode(sub.code, field: "subcategories[\(index)].code")
                try NetworkRules.required(sub.name, field: "subcategories[\(index)].name", limit: 100)
            }
            let subKeys = (body.subcategories ?? []).map { "\($0.category)/\($0.code)" }
            if Set(subKeys).count != subKeys.count { throw Problem.invalid("subcategories", rule: "unique", "each subcategory is given once") }
            for (index, warranty) in (body.warranties ?? []).enumerated() where !(0...240).contains(warranty.months) {
                throw Problem.invalid("warranties[\(index)].months", rule: "range", "months is from 0 to 240")
            }
            let clocked = Set(CaseState.allCases.filter { !$0.isSettled }.map(\.rawValue))
            for (index, rule) in (body.sla ?? []).enumerated() {
                if let category = rule.category, CaseCategory(rawValue: category) == nil {
                    throw Problem.invalid("sla[\(index)].category", rule: "category", "category must be platform, equipment or other, or null for all")
                }
                guard clocked.contains(rule.state) else {
                    throw Problem.invalid("sla[\(index)].state", rule: "clocked_state", "sla[\(index)].state must be one of " + clocked.sorted().joined(separator: ", "))
                }
                // case_sla_rules.hours keeps hundredths: less than 0.01 would be stored as 0, which it refuses.
                guard rule.hours.isFinite, rule.hours >= 0.01, rule.hours <= 8760 else {
                    throw Problem.invalid("sla[\(index)].hours", rule: "range", "hours is from 0.01 to 8760")
                }
            }
            let ruleKeys = (body.sla ?? []).map { "\($0.category ?? "*")/\($0.state)" }
            if Set(ruleKeys).count != ruleKeys.count { throw Problem.invalid("sla", rule: "unique", "each (category, state) rule is given once") }
        },
        load: { call, connection in
            let current = try await CaseSettingsStore.read(connection, forUpdate: true)
            try await ETag.check(call.context, revision: current.revision, connection)
            return current
        },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, before, connection in
            let body = call.body
            if let tier = body.free_repair_tier, call.caller.ladder.tierIndex(named: tier) == nil {
                throw Problem.policy(.tierUnknown(tier), field: "free_repair_tier")
            }
            let lines = try await NetworkTermStore.all(connection).codes(.productLine)
            for (index, warranty) in (body.warranties ?? []).enumerated() where !lines.contains(warranty.product_line) {
                throw Problem.invalid("warranties[\(index)].product_line", rule: "known_product_line",
                                      "\(warranty.product_line) is not a product line of this tenant")
            }
            var after = before
            if let prefix = body.number_prefix { after.numberPrefix = prefix }
            if let tier = body.free_repair_tier { after.freeRepairTier = tier }
            if let subs = body.subcategories { after.subcategories = subs.map { .init(category: $0.category, code: $0.code, name: $0.name.trimmed) } }
            if let warranties = body.warranties { after.warranties = warranties.map { (productLine: $0.product_line, months: $0.months) } }
            if let sla = body.sla { after.sla = sla.map { .init(category: $0.category, state: $0.state, hours: $0.hours) } }
            after.revision = try await CaseSettingsStore.replace(connection, tenant: call.caller.tenantID!, after)
            return (before, after)
        },
        audit: { call, _, changed in
            Audited("case.settings.update", resource: "case_settings", id: call.caller.tenantID, before: changed.before.json,
                    after: changed.after.json)
        },
        encode: { call, changed in
            var json = JSONWriter()
            changed.after.write(to: &json, ladder: call.caller.ladder)
            return ETag.response(revision: changed.after.revision, body: json.bytes)
        })
}
