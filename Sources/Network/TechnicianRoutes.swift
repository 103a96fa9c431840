// /v1/network/technicians: the people who work at the network's sites (a station's own staff,
// never the org chart's people). Reads are site.read and changes site.write over the region of
// the site a technician works at today, in today's tree (Technician.target); one posted nowhere
// is tenant-wide. Every change raises the technician's revision (the ETag; If-Match honoured)
// and is filed in /v1/network/changes under their site. Moves and archiving are in
// TechnicianRoutes+Postings, certifications and trainings in TechnicianRoutes+Records.

import App
import HTTP
import OrgChart
import Policy
import Postgres

package enum TechnicianRoutes {
    // MARK: reads

    /// Technicians by name, filtered by the site they work at today or its region's subtree;
    /// archived ones only with `include_archived=true`. Rows the caller may not read are left out.
    package static let list = FilteredList<TechnicianFilter, Technician>(
        action: .siteRead,
        parameters: { context in
            var filter = TechnicianFilter()
            filter.siteID = try context.queryID("site_id", "a site id")
            filter.regionID = try context.queryID("region_id", "a region id")
            filter.includeArchived = try context.flag("include_archived")
            return filter
        },
        fetch: { call, page, connection in
            try await TechnicianStore.list(connection, call.body, after: page.after, limit: page.limit + 1)
        },
        target: { caller, technician in technician.target(caller) },
        cursor: \.id,
        write: { _, technician, json in technician.write(to: &json) })

    /// The technician with where they work today, their postings, certifications and trainings.
    package static let read = Endpoint<NoBody, Technician, TechnicianRecord>(
        action: .siteRead, resource: "technician",
        load: { call, connection in
            let id = try call.pathID(resource: "technician")
            guard let technician = try await TechnicianStore.technician(connection, id: id) else { throw Problem.notFound("technician") }
            return technician
        },
        target: { call, technician in technician.target(call.caller) },
        targetID: { _, technician in technician.id },
        perform: { _, technician, connection in try await TechnicianStore.record(connection, technician) },
        encode: { _, record in answer(record) })

    /// A technician's answer: the record with the revision as ETag.
    static func answer(_ record: TechnicianRecord, status: Int = 200) -> HTTPResponse {
        ETag.response(status, revision: record.technician.revision, body: record.json)
    }

    // MARK: create

    package struct CreateBody: Decodable, Sendable {
        package var name: String
        package var phone: String?
        package var email: String?
        package var notes: String?
        package var site_id: String
        package var start_date: String?
    }

    package struct Creation: Sendable {
        var site: Site                  // on the start date
        var date: String
    }

    /// A technician posted at `site_id` from `start_date` (default today) on. site.write over
    /// the site's region.
    package static let create = Endpoint<CreateBody, Creation, TechnicianRecord>(
        action: .siteWrite, resource: "technician",
        check: { call in
            let body = call.body
            try NetworkRules.required(body.name, field: "name", limit: 200)
            try checkContact(phone: body.phone, email: body.email, notes: body.notes)
            try checkSiteID(body.site_id)
            _ = try OrgDate.body(body.start_date, field: "start_date")
        },
        load: { call, connection in
            let date = try OrgDate.body(call.body.start_date, field: "start_date")
            return Creation(site: try await postableSite(connection, id: call.body.site_id, on: date, dateField: "start_date"), date: date)
        },
        target: { call, creation in creation.site.target(call.caller) },
        perform: { call, creation, connection in
            let body = call.body
            let id = try await TechnicianStore.create(connection, tenant: call.caller.tenantID!, name: body.name.trimmed,
                                                      phone: body.phone ?? "", email: body.email ?? "", notes: body.notes ?? "",
                                                      site: creation.site.id, from: creation.date)
            return try await TechnicianStore.record(connection, try await current(connection, id: id))
        },
        audit: { _, creation, record in
            Audited("technician.create", resource: "technician", id: record.technician.id, after: record.technician.json,
                    effective: creation.date, owner: creation.site.id)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, record in answer(record, status: 201).located("/v1/network/technicians/\(record.technician.id)") })

    // MARK: update

    package struct UpdateBody: Decodable, Sendable {
        package var name: String?
        package var phone: String?
        package var email: String?
        package var notes: String?
    }

    /// Changes the name and contact fields given; the others are kept.
    package static let update = Endpoint<UpdateBody, Technician, (before: Technician, after: TechnicianRecord)>(
        action: .siteWrite, resource: "technician",
        check: { call in
            _ = try call.pathID(resource: "technician")
            if let name = call.body.name { try NetworkRules.required(name, field: "name", limit: 200) }
            try checkContact(phone: call.body.phone, email: call.body.email, notes: call.body.notes)
        },
        load: { call, connection in try await locked(call, connection) },
        target: { call, technician in technician.target(call.caller) },
        targetID: { _, technician in technician.id },
        perform: { call, before, connection in
            let body = call.body
            try await TechnicianStore.update(connection, id: before.id, name: body.name?.trimmed ?? before.name,
                                             phone: body.phone ?? before.phone, email: body.email ?? before.email,
                                             notes: body.notes ?? before.notes)
            try await TechnicianStore.bump(connection, id: before.id)
            return (before, try await TechnicianStore.record(connection, try await current(connection, id: before.id)))
        },
        audit: { _, before, changed in
            Audited("technician.update", resource: "technician", id: before.id, before: before.json,
                    after: changed.after.technician.json, owner: before.site?.id)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in answer(changed.after) })

    // MARK: shared

    /// The path's technician, its row locked and If-Match checked; 404 when there is none.
    static func locked<Body>(_ call: Call<Body>, _ connection: PGConnection) async throws -> Technician {
        let id = try call.pathID(resource: "technician")
        guard try await TechnicianStore.lock(connection, call.context, id: id) != nil else { throw Problem.notFound("technician") }
        return try await current(connection, id: id)
    }

    /// The technician just written or locked.
    static func current(_ connection: PGConnection, id: String) async throws -> Technician {
        guard let technician = try await TechnicianStore.technician(connection, id: id) else { throw Problem.notFound("technician") }
        return technician
    }

    /// The contact and notes rules (422 naming the field); the database holds the same lengths.
    static func checkContact(phone: String?, email: String?, notes: String?) throws {
        try NetworkRules.optional(phone, field: "phone", limit: 50)
        try NetworkRules.optional(email, field: "email", limit: 200)
        try NetworkRules.optional(notes, field: "notes", limit: 2000)
    }

    /// A `site_id` that cannot name a site is refused before the transaction.
    static func checkSiteID(_ id: String) throws {
        guard EntityID(uuid: id) != nil else {
            throw Problem.invalid("site_id", rule: "exists", "site_id \(id) names no site of this tenant")
        }
    }

    /// The site a technician is posted at from `date`: one of this tenant's that exists that day
    /// and is not archived (422 naming `site_id` otherwise).
    static func postableSite(_ connection: PGConnection, id: String, on date: String, dateField: String) async throws -> Site {
        guard let site = try await SiteStore.site(connection, id: id.lowercased(), on: date) else {
            throw Problem.invalid("site_id", rule: "exists", "site_id \(id) names no site of this tenant on \(date) (\(dateField))")
        }
        if site.archived {
            throw Problem.invalid("site_id", rule: "not_archived", "the site \(site.code) is archived on \(date) (\(dateField))")
        }
        return site
    }
}
