// /v1/network/inspection-templates: the tenant's inspection checklists, reference data read by
// anyone who sees some of the network (network_catalog.read) and written tenant-wide
// (network_catalog.write). A template is immutable once created: a new version is a new template
// and the old one is archived, so every past total stays explainable by the items it was scored on.

import App
import HTTP
import OrgChart
import Policy
import Postgres

package enum InspectionTemplateRoutes {
    package struct ItemBody: Decodable, Sendable {
        package var key: String
        package var title: String
        package var weight: Double
        package var max_score: Int
        package var mandatory: Bool?
    }

    package struct CreateBody: Decodable, Sendable {
        package var name: String
        package var items: [ItemBody]
    }

    /// The most items a checklist has.
    static let maximumItems = 200

    /// The body's items checked (422 naming `items[i].<field>`), as they will be stored.
    static func items(_ body: CreateBody) throws -> [InspectionTemplateItem] {
        guard (1...maximumItems).contains(body.items.count) else {
            throw Problem.invalid("items", rule: "size", "a template has 1 to \(maximumItems) items, got \(body.items.count)")
        }
        var keys: Set<String> = []
        return try body.items.enumerated().map { index, item in
            let field = "items[\(index)]"
            try NetworkVocabularyRoutes.termCode(item.key, field: "\(field).key")
            guard keys.insert(item.key).inserted else {
                throw Problem.invalid("\(field).key", rule: "unique", "\(field).key \(item.key) is already the key of an earlier item")
            }
            try NetworkRules.required(item.title, field: "\(field).title", limit: 200)
            guard item.weight > 0 && item.weight <= 1000 else {
                throw Problem.invalid("\(field).weight", rule: "range", "\(field).weight is more than 0 and at most 1000, got \(item.weight)")
            }
            guard let weight = Hundredths.exact(item.weight) else {
                throw Problem.invalid("\(field).weight", rule: "precision", "\(field).weight has at most two decimals, got \(item.weight)")
            }
            guard (1...1000).contains(item.max_score) else {
                throw Problem.invalid("\(field).max_score", rule: "range", "\(field).max_score is a whole number from 1 to 1000, got \(item.max_score)")
            }
            return InspectionTemplateItem(key: item.key, title: item.title.trimmed, weightHundredths: weight, maxScore: item.max_score,
                                          mandatory: item.mandatory ?? false)
        }
    }

    /// A new checklist, tenant-wide.
    package static let create = Endpoint<CreateBody, Void, InspectionTemplate>(
        action: .networkCatalogWrite, resource: "inspection_template",
        check: { call in
            try NetworkRules.required(call.body.name, field: "name", limit: 200)
            _ = try items(call.body)
        },
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, _, connection in
            let id = try await InspectionTemplateStore.create(connection, tenant: call.caller.tenantID!, name: call.body.name.trimmed,
                                                              items: try items(call.body))
            return try await InspectionTemplateStore.template(connection, id: id)!
        },
        audit: { _, _, template in
            Audited("inspection_template.create", resource: "inspection_template", id: template.id, after: template.json)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, template in JSONResponse.make(201) { template.write(to: &$0) } })

    /// The checklists by name, each with its item count; archived ones with `include_archived=true`.
    package static let list = Endpoint<NoBody, Void, (page: Page, templates: [InspectionTemplate])>(
        action: .networkCatalogRead, resource: "inspection_template",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, _, connection in
            let page = try Page(call.context)
            return (page, try await InspectionTemplateStore.list(connection, includeArchived: try call.flag("include_archived"),
                                                                 after: page.after, limit: page.limit + 1))
        },
        encode: { _, listed in listed.page.response(listed.templates, cursor: \.id) { $0.write(to: &$1) } })

    /// One checklist with its items.
    package static let read = Endpoint<NoBody, String, InspectionTemplate>(
        tenantWide: .networkCatalogRead, resource: "inspection_template", shownAs: "inspection template",
        find: { connection, id in try await InspectionTemplateStore.template(connection, id: id) },
        encode: { _, template in JSONResponse.make { template.write(to: &$0) } })

    /// Archives the checklist: no new inspection may use it. Archiving an archived one changes nothing.
    package static let archive = Endpoint<NoBody, String, (before: InspectionTemplate, after: InspectionTemplate)>(
        action: .networkCatalogWrite, resource: "inspection_template",
        load: { call, _ in try call.pathID(resource: "inspection template") },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        targetID: { _, id in id },
        perform: { _, id, connection in
            guard let before = try await InspectionTemplateStore.template(connection, id: id, forUpdate: true) else {
                throw Problem.notFound("inspection template")
            }
            if before.archived { return (before, before) }
            try await InspectionTemplateStore.archive(connection, id: id)
            return (before, try await InspectionTemplateStore.template(connection, id: id)!)
        },
        audit: { _, id, changed in
            Audited("inspection_template.archive", resource: "inspection_template", id: id, before: changed.before.json,
                    after: changed.after.json)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in JSONResponse.make { changed.after.write(to: &$0) } })
}
