// A customer case as stored: its one model and its one JSON, for the single read, the lists and
// the audit rows; its snapshot for the flow (CaseFlow) and its place for the policy.

import App
import CaseFlow
import HTTP
import OrgChart
import Policy
import Postgres

package struct CaseRecord: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var number: String
    package var stateText: String
    package var categoryText: String?
    package var subcategory: String?
    package var customerName: String
    package var customerPhone: String
    package var customerAccount: String
    package var productLine: String?
    package var model: String
    package var serialNo: String
    package var purchaseDate: String?
    package var description: String
    package var channel: String
    package var regionID: String?
    package var latitude: Double?
    package var longitude: Double?
    package var unitID: String
    package var assigneePersonID: String?
    package var siteID: String?
    package var inWarranty: Bool?
    package var inWarrantyComputed: Bool?
    package var warrantyOverride: String?
    package var cause: String?
    package var charge: String?
    package var chargeAmount: Double?
    package var paused: String?
    package var pausedAt: String?
    package var stateEnteredAt: String
    package var dueAt: String?
    package var receivedAt: String
    package var resolvedAt: String?
    package var closedAt: String?
    package var satisfied: Bool?
    package var reopenCount: Int
    package var breaches: Int
    package var revision: Int
    package var overdue: Bool
    package var forwarded: Bool                 // it went to a department at some point
    package var unitPathIDs: String?            // the unit's path today, for the policy
    package var regionPathIDs: String?          // the customer's region's path today
    package var siteRegionPathIDs: String?      // the dispatched site's region's path today; nil before dispatch

    /// Reads the columns of `CaseStore.columns`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        number = try row.next()
        stateText = try row.next()
        categoryText = try row.next()
        subcategory = try row.next()
        customerName = try row.next()
        customerPhone = try row.next()
        customerAccount = try row.next()
        productLine = try row.next()
        model = try row.next()
        serialNo = try row.next()
        purchaseDate = try row.next()
        description = try row.next()
        channel = try row.next()
        regionID = try row.next()
        latitude = try row.next()
        longitude = try row.next()
        unitID = try row.next()
        assigneePersonID = try row.next()
        siteID = try row.next()
        inWarranty = try row.next()
        inWarrantyComputed = try row.next()
        warrantyOverride = try row.next()
        cause = try row.next()
        charge = try row.next()
        chargeAmount = try row.next()
        paused = try row.next()
        pausedAt = try row.next()
        stateEnteredAt = try row.next()
        dueAt = try row.next()
        receivedAt = try row.next()
        resolvedAt = try row.next()
        closedAt = try row.next()
        satisfied = try row.next()
        reopenCount = try row.next()
        breaches = try row.next()
        revision = try row.next()
        overdue = try row.next()
        forwarded = try row.next()
        unitPathIDs = try row.next()
        regionPathIDs = try row.next()
        siteRegionPathIDs = try row.next()
    }

    package var state: CaseState { CaseState(rawValue: stateText) ?? .received }
    package var category: CaseCategory? { categoryText.flatMap(CaseCategory.init(rawValue:)) }

    /// What the flow needs to know.
    package var snapshot: CaseSnapshot {
        CaseSnapshot(state: state, category: category, forwarded: forwarded, dispatched: siteID != nil,
                     paused: paused.flatMap(PauseReason.init(rawValue:)), reopenCount: reopenCount)
    }

    /// Where the case sits for the policy, as `caller` reaches it: its unit (customer service, or
    /// the department it went to) and a region, in today's trees. A case lies in its customer's
    /// region and, once dispatched, in its site's region too: the customer's regional office keeps
    /// its case, and the manager who covers the repair station sees the cases sent there. The
    /// caller is judged in the site's region only when their cases.handle grants reach it and not
    /// the customer's; otherwise (both, or neither) in the customer's.
    package func location(for caller: Caller) -> Location {
        let unit = OrgPath.tree(unitPathIDs)
        let customer = Location(unit: unit, region: OrgPath.tree(regionPathIDs))
        guard let siteRegion = siteRegionPathIDs, siteRegion != regionPathIDs else { return customer }
        let site = Location(unit: unit, region: OrgPath.tree(siteRegion))
        let now = Timestamp.now
        let reaches = { (location: Location) in caller.principal.grant(for: .casesHandle, covering: location, at: now) != nil }
        return !reaches(customer) && reaches(site) ? site : customer
    }

    package func target(_ caller: Caller, requiredTier: Int? = nil) -> Target {
        Target(tenant: caller.tenant, location: location(for: caller), requiredTier: requiredTier)
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        writeMembers(to: &json)
        json.endObject()
    }

    /// The case's members, for answers that add their own (the single read's history).
    package func writeMembers(to json: inout JSONWriter) {
        json.field("id", id)
        json.field("number", number)
        json.field("state", stateText)
        json.field("category", categoryText)
        json.field("subcategory", subcategory)
        json.key("customer")
        json.beginObject()
        json.field("name", customerName)
        json.field("phone", customerPhone)
        json.field("account", customerAccount)
        json.endObject()
        json.key("product")
        json.beginObject()
        json.field("line", productLine)
        json.field("model", model)
        json.field("serial_no", serialNo)
        json.field("purchase_date", purchaseDate)
        json.endObject()
        json.field("description", description)
        json.field("channel", channel)
        json.field("region_id", regionID)
        json.field("location", latitude: latitude, longitude: longitude)
        json.field("unit_id", unitID)
        json.field("assignee_person_id", assigneePersonID)
        json.field("site_id", siteID)
        json.key("warranty")
        if let inWarranty {
            json.beginObject()
            json.field("in_period", inWarranty)
            json.field("in_period_computed", inWarrantyComputed)
            json.field("override_reason", warrantyOverride)
            json.field("cause", cause)
            json.field("charge", charge)
            json.endObject()
        } else {
            json.raw("null".utf8)
        }
        json.field("charge_amount", chargeAmount)
        json.key("sla")
        json.beginObject()
        json.field("state_entered_at", stateEnteredAt)
        json.field("due_at", dueAt)
        json.field("overdue", overdue)
        json.field("paused", paused)
        json.field("paused_at", pausedAt)
        json.field("breaches", breaches)
        json.endObject()
        json.field("received_at", receivedAt)
        json.field("resolved_at", resolvedAt)
        json.field("closed_at", closedAt)
        json.field("satisfied", satisfied)
        json.field("reopen_count", reopenCount)
        json.field("allowed_steps", strings: CaseFlow.allowed(snapshot).map(\.rawValue))
        json.field("revision", revision)
    }
}
