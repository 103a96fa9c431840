// The equipment path of the flow (设备问题): the warranty decision (in period computed from the
// purchase date and the product line's warranty months, overridable with a reason; the cause;
// charged or free — a free repair of a human-caused fault needs the tenant's free-repair tier),
// the owner told the cause and the care advice, dispatch to an eligible site of the network
// (CaseSteps+Dispatch), the site's report of its work and parts, and the resolution.

import App
import CaseFlow
import HTTP
import Network
import OrgChart
import Policy
import Postgres

extension CaseSteps {
    package struct WarrantyBody: Decodable, Sendable {
        package var in_period: Bool?                // given only to override the computed answer
        package var override_reason: String?
        package var cause: String
        package var charge: String
        package var note: String?
    }

    /// Whether a purchase on `purchase` is still under a warranty of `months` on `today` (the
    /// same day of the month `months` later is the first day out of it; a missing day of a short
    /// month is its last day).
    static func inWarranty(purchase: String?, months: Int?, today: String) -> Bool {
        guard let purchase = purchase.flatMap({ Day($0) }), let months, months > 0, let now = Day(today) else { return false }
        return now < purchase.adding(months: months)
    }

    package static let decideWarranty = step(.decideWarranty, action: .caseDecideWarranty, check: { (call: Call<WarrantyBody>) in
        let body = call.body
        guard ["human", "non_human"].contains(body.cause) else {
            throw Problem.invalid("cause", rule: "cause", "cause must be human or non_human")
        }
        guard ["charged", "free"].contains(body.charge) else {
            throw Problem.invalid("charge", rule: "charge", "charge must be charged or free")
        }
        try NetworkRules.optional(body.override_reason, field: "override_reason", limit: 500)
        try note(body.note, required: false)
    }, change: { call, record, connection in
        let body = call.body
        var months: Int?
        if let line = record.productLine { months = try await CaseSettingsStore.warrantyMonths(connection, productLine: line) }
        let computed = inWarranty(purchase: record.purchaseDate, months: months, today: OrgDate.today)
        let decided = body.in_period ?? computed
        if decided != computed && (body.override_reason ?? "").trimmed.isEmpty {
            throw Problem.invalid("override_reason", rule: "required_to_override",
                                  "the warranty period is computed as \(computed ? "in" : "out of") period; overriding it needs a reason")
        }
        if body.cause == "human" && body.charge == "free" {
            let settings = try await CaseSettingsStore.read(connection)
            try await call.context.authorize(call.caller, .caseFreeRepair,
                                             record.target(call.caller, requiredTier: settings.freeRepairTier(on: call.caller.ladder)),
                                             resource: "case", id: record.id)
        }
        record.inWarranty = decided
        record.inWarrantyComputed = computed
        record.warrantyOverride = decided != computed ? body.override_reason?.trimmed : nil
        record.cause = body.cause
        record.charge = body.charge
        return StepRecord(note: body.note ?? "") { json in
            json.field("in_period", decided)
            json.field("in_period_computed", computed)
            json.field("warranty_months", months)
            json.field("override_reason", record.warrantyOverride)
            json.field("cause", body.cause)
            json.field("charge", body.charge)
        }
    })

    /// The owner told the cause and the care advice: the note is what they were told.
    package static let notifyOwner = step(.notifyOwner, check: { (call: Call<NoteBody>) in try note(call.body.note, required: true) },
                                          change: { call, _, _ in StepRecord(note: call.body.note ?? "") })

    package struct PartBody: Decodable, Sendable {
        package var part: String
        package var quantity: Int
        package var warehouse_site_id: String?
    }

    package struct SiteReportBody: Decodable, Sendable {
        package var work_done: String
        package var parts: [PartBody]?
        package var charge_amount: Double?
    }

    /// The site reports its work back: what it did, the parts it used and from which warehouse,
    /// and the charge (none on a free repair).
    package static let siteReport = step(.siteReport, check: { (call: Call<SiteReportBody>) in
        let body = call.body
        try NetworkRules.required(body.work_done, field: "work_done", limit: 2000)
        let parts = body.parts ?? []
        if parts.count > 100 { throw Problem.invalid("parts", rule: "size", "a report lists at most 100 parts") }
        for (index, part) in parts.enumerated() {
            try NetworkRules.required(part.part, field: "parts[\(index)].part", limit: 200)
            if !(1...10000).contains(part.quantity) {
                throw Problem.invalid("parts[\(index)].quantity", rule: "range", "quantity is from 1 to 10000")
            }
            if let warehouse = part.warehouse_site_id, EntityID(uuid: warehouse) == nil {
                throw Problem.invalid("parts[\(index)].warehouse_site_id", rule: "exists", "\(warehouse) names no site of this tenant")
            }
        }
        if let amount = body.charge_amount, !(amount.isFinite && amount >= 0 && amount <= 9_999_999_999) {
            throw Problem.invalid("charge_amount", rule: "range", "charge_amount is 0 or more")
        }
    }, change: { call, record, connection in
        let body = call.body
        let parts = body.parts ?? []
        for (index, part) in parts.enumerated() {
            guard let warehouse = part.warehouse_site_id?.lowercased() else { continue }
            guard let site = try await SiteStore.site(connection, id: warehouse, on: OrgDate.today), site.kind.hasPrefix("parts_warehouse") else {
                throw Problem.invalid("parts[\(index)].warehouse_site_id", rule: "warehouse",
                                      "parts[\(index)].warehouse_site_id names no parts warehouse of this tenant")
            }
        }
        if let amount = body.charge_amount, amount > 0, record.charge == "free" {
            throw Problem.invalid("charge_amount", rule: "free_repair", "the warranty decision made this repair free; it carries no charge")
        }
        try await CaseStore.replaceParts(connection, tenant: call.caller.tenantID!, case: record.id,
                                         parts.map { (part: $0.part.trimmed, quantity: $0.quantity, warehouse: $0.warehouse_site_id?.lowercased()) })
        record.chargeAmount = body.charge_amount ?? (record.charge == "free" ? 0 : record.chargeAmount)
        return StepRecord(note: body.work_done) { json in
            json.field("site_id", record.siteID)
            json.field("charge_amount", record.chargeAmount)
            json.key("parts")
            json.beginArray()
            for part in parts {
                json.beginObject()
                json.field("part", part.part)
                json.field("quantity", part.quantity)
                json.field("warehouse_site_id", part.warehouse_site_id)
                json.endObject()
            }
            json.endArray()
        }
    })

    /// Resolved after the site's report; the follow-up call comes next.
    package static let resolve = step(.resolve, check: { (call: Call<NoBody>) in try note(optionalNote(call), required: false) },
                                      change: { call, _, _ in StepRecord(note: try optionalNote(call) ?? "") })
}
