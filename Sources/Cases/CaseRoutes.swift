// /v1/cases: customer issues as customer service records them (received), read with their
// history, and listed by state, category, unit, region, site, customer phone, overdue or due
// soon. Every case belongs to a unit (customer service, or the department it was forwarded to) and
// sits in its customer's region and, once dispatched, in its site's too: grants over any reach it.

import App
import CaseFlow
import HTTP
import Network
import OrgChart
import Policy
import Postgres

package enum CaseRoutes {
    package struct Customer: Decodable, Sendable {
        package var name: String
        package var phone: String
        package var account: String?
    }

    package struct Product: Decodable, Sendable {
        package var line: String?
        package var model: String?
        package var serial_no: String?
        package var purchase_date: String?
    }

    package struct Attachment: Decodable, Sendable {
        package var name: String
        package var size_bytes: Int64
        package var sha256: String
    }

    package struct CreateBody: Decodable, Sendable {
        package var customer: Customer
        package var product: Product?
        package var description: String
        package var channel: String
        package var region_id: String?
        package var location: SiteRoutes.Location?
        package var unit_id: String
        package var assignee_person_id: String?
        package var attachments: [Attachment]?
    }

    static let channels = ["phone", "web", "app", "email", "dealer", "on_site", "other"]

    /// The body's rules that need no database (422 naming the field).
    static func checkCreate(_ body: CreateBody) throws {
        try NetworkRules.required(body.customer.name, field: "customer.name", limit: 200)
        // The database's rule (cases_customer_phone_format): an optional +, a digit, then 3–30 digits, spaces or dashes.
        let phone = Array(body.customer.phone.utf8)
        let digit = { (b: UInt8) in (0x30...0x39).contains(b) }
        let number = phone.first == UInt8(ascii: "+") ? phone.dropFirst() : phone[...]
        guard number.first.map(digit) == true, (4...31).contains(number.count),
              number.dropFirst().allSatisfy({ digit($0) || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "-") }) else {
            throw Problem.invalid("customer.phone", rule: "phone",
                                  "customer.phone is a digit and 3–30 more digits, spaces or dashes, optionally after a +")
        }
        try NetworkRules.optional(body.customer.account, field: "customer.account", limit: 100)
        try NetworkRules.optional(body.product?.model, field: "product.model", limit: 100)
        try NetworkRules.optional(body.product?.serial_no, field: "product.serial_no", limit: 100)
        if let day = try NetworkRules.day(body.product?.purchase_date, field: "product.purchase_date"), day > OrgDate.today {
            throw Problem.invalid("product.purchase_date", rule: "not_in_future", "product.purchase_date \(day) is in the future")
        }
        try NetworkRules.required(body.description, field: "description", limit: 2000)
        guard channels.contains(body.channel) else {
            throw Problem.invalid("channel", rule: "channel", "channel must be one of " + channels.joined(separator: ", "))
        }
        if let location = body.location { try NetworkRules.point(latitude: location.latitude, longitude: location.longitude, prefix: "location.") }
        for (field, id) in [("unit_id", body.unit_id), ("region_id", body.region_id), ("assignee_person_id", body.assignee_person_id)] {
            if let id, EntityID(uuid: id) == nil { throw Problem.invalid(field, rule: "exists", "\(field) \(id) names nothing of this tenant") }
        }
        for (index, file) in (body.attachments ?? []).enumerated() {
            try NetworkRules.required(file.name, field: "attachments[\(index)].name", limit: 255)
            if file.size_bytes < 0 { throw Problem.invalid("attachments[\(index)].size_bytes", rule: "range", "a size is not negative") }
            let hex = Array(file.sha256.utf8)
            guard hex.count == 64, hex.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw Problem.invalid("attachments[\(index)].sha256", rule: "sha256", "attachments[\(index)].sha256 is 64 lowercase hex digits")
            }
        }
        if (body.attachments ?? []).count > 50 { throw Problem.invalid("attachments", rule: "size", "a case has at most 50 attachments") }
    }

    package struct Placed: Sendable {
        var unitPath: String
        var regionPath: String?
    }

    /// A case recorded as received, from customer service: case.handle over its unit (and region).
    package static let create = Endpoint<CreateBody, Placed, CaseRecord>(
        action: .caseHandle, resource: "case",
        check: { call in try checkCreate(call.body) },
        load: { call, connection in
            let body = call.body
            let today = OrgDate.today
            guard let unit = try await UnitStore.unit(connection, id: body.unit_id.lowercased(), on: today), !unit.archived else {
                throw Problem.invalid("unit_id", rule: "exists", "unit_id \(body.unit_id) names no open unit of this tenant today")
            }
            var regionPath: String?
            if let region = body.region_id { regionPath = try await UnitStore.regionPath(connection, id: region, field: "region_id") }
            if let person = body.assignee_person_id, try await PersonStore.existing(connection, id: person.lowercased(), on: today) == nil {
                throw Problem.invalid("assignee_person_id", rule: "exists", "assignee_person_id \(person) names no person of this tenant today")
            }
            if let line = body.product?.line, !(try await NetworkTermStore.all(connection)).codes(.productLine).contains(line) {
                throw Problem.invalid("product.line", rule: "known_product_line", "product.line \(line) is not a product line of this tenant")
            }
            return Placed(unitPath: unit.pathIDs, regionPath: regionPath)
        },
        target: { call, placed in
            Target(tenant: call.caller.tenant, location: Location(unit: OrgPath.tree(placed.unitPath), region: OrgPath.tree(placed.regionPath)))
        },
        perform: { call, _, connection in
            let body = call.body
            let draft = CaseDraft(
                customerName: body.customer.name.trimmed, customerPhone: body.customer.phone, customerAccount: body.customer.account ?? "",
                productLine: body.product?.line, model: body.product?.model ?? "", serialNo: body.product?.serial_no ?? "",
                purchaseDate: body.product?.purchase_date, description: body.description, channel: body.channel,
                regionID: body.region_id?.lowercased(), latitude: body.location?.latitude, longitude: body.location?.longitude,
                unitID: body.unit_id.lowercased(), assigneePersonID: body.assignee_person_id?.lowercased(),
                attachments: (body.attachments ?? []).map { (name: $0.name.trimmed, size: $0.size_bytes, sha256: $0.sha256) },
                createdBy: call.caller.kind == .user ? call.caller.subjectID : nil)
            let tenant = call.caller.tenantID!
            let id = try await CaseStore.create(connection, tenant: tenant, draft)
            try await CaseClock.start(connection, id: id)
            try await CaseEventStore.record(connection, tenant: tenant, case: id, step: "receive", from: "received", to: "received",
                                            actor: draft.createdBy, note: "", data: Array("{}".utf8))
            return try await CaseStore.record(connection, id: id)!
        },
        audit: { _, _, record in Audited("case.create", resource: "case", id: record.id, after: record.json) },
        encode: { _, record in ETag.response(201, revision: record.revision, body: record.json).located("/v1/cases/\(record.id)") })

    /// The case, its attachments and its history.
    package static let read = Endpoint<NoBody, CaseRecord, (record: CaseRecord, files: [(name: String, size: Int64, sha256: String)],
                                                          history: [CaseEvent])>(
        action: .caseRead, resource: "case",
        load: { call, connection in
            guard let record = try await CaseStore.record(connection, id: try call.pathID(resource: "case")) else {
                throw Problem.notFound("case")
            }
            return record
        },
        target: { call, record in record.target(call.caller) },
        targetID: { _, record in record.id },
        perform: { _, record, connection in
            (record, try await CaseStore.attachments(connection, id: record.id), try await CaseEventStore.history(connection, case: record.id))
        },
        encode: { _, read in
            var json = JSONWriter()
            json.beginObject()
            read.record.writeMembers(to: &json)
            json.key("attachments")
            json.beginArray()
            for file in read.files {
                json.beginObject()
                json.field("name", file.name)
                json.field("size_bytes", Int(file.size))
                json.field("sha256", file.sha256)
                json.endObject()
            }
            json.endArray()
            json.key("history")
            json.beginArray()
            for event in read.history { event.write(to: &json) }
            json.endArray()
            json.endObject()
            return ETag.response(revision: read.record.revision, body: json.bytes)
        })

    /// Cases by number, newest first, filtered; rows the caller may not read left out.
    package static let list = FilteredList<CaseFilter, CaseRecord>(
        action: .caseRead,
        parameters: { context in
            var filter = CaseFilter()
            if let text = context.query("state") {
                guard let state = CaseState(rawValue: text) else {
                    throw Problem.invalidQuery("state", rule: "state", "state must be one of " + CaseState.allCases.map(\.rawValue).joined(separator: ", "))
                }
                filter.state = state
            }
            if let text = context.query("category") {
                guard let category = CaseCategory(rawValue: text) else {
                    throw Problem.invalidQuery("category", rule: "category", "category must be platform, equipment or other")
                }
                filter.category = category
            }
            filter.unitID = try context.queryID("unit_id", "a unit id")
            filter.regionID = try context.queryID("region_id", "a region id")
            filter.siteID = try context.queryID("site_id", "a site id")
            filter.overdue = try context.flag("overdue")
            if let text = context.query("due_within_hours") {
                guard let hours = Double(text), hours.isFinite, hours > 0, hours <= 8760 else {
                    throw Problem.invalidQuery("due_within_hours", rule: "range", "due_within_hours is more than 0 and at most 8760")
                }
                filter.dueWithinHours = hours
            }
            filter.customerPhone = context.query("customer_phone")
            return filter
        },
        fetch: { call, page, connection in
            try await CaseStore.list(connection, call.body, after: page.after, limit: page.limit + 1)
        },
        target: { caller, record in record.target(caller) },
        cursor: \.number,
        cursorIsValid: { (1...40).contains($0.utf8.count) && $0.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5a).contains($0) || $0 == 0x2d } },
        write: { _, record, json in record.write(to: &json) })
}
