// /v1/network/sites: the service network's sites — regional offices, authorised repair stations,
// dealers, after-sales stations, parts warehouses. Effective-dated like units: kind, name, region,
// address, point, contact, responsible position, capabilities and coverage are kept over time
// (site_versions) and read `as_of` a day; code, status and the authorisation period are the
// site's own (the status's history is in SiteRoutes+Lifecycle). Access decides on the site's
// region in today's tree: a regional manager's grant on a region subtree covers its sites.

import App
import HTTP
import OrgChart
import Policy
import Postgres

package enum SiteRoutes {
    // MARK: reads

    package struct ListParameters: Sendable {
        var date: String
        var filter: SiteFilter
    }

    /// The list's query parameters (400 naming the parameter); `expiringWithinDays` -1 stands for
    /// the tenant's window, read in the transaction (`tenantWindow`).
    static func listParameters(_ context: RequestContext) throws -> ListParameters {
        var filter = SiteFilter()
        filter.kind = context.query("kind")
        filter.regionID = try context.queryID("region_id", "a region id")
        if let text = context.query("status") {
            guard let status = SiteStatus(rawValue: text) else {
                throw Problem.invalidQuery("status", rule: "status", "status must be one of "
                                               + SiteStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
            filter.status = status
        }
        filter.capability = context.query("capability")
        if context.query("expiring_within_days") != nil {
            filter.expiringWithinDays = try NetworkRules.days(context, "expiring_within_days", fallback: 30)
        } else if try context.flag("expiring") {
            filter.expiringWithinDays = -1      // the tenant's window, read in the transaction
        }
        filter.expired = try context.flag("expired")
        filter.includeArchived = try context.flag("include_archived")
        return ListParameters(date: try OrgDate.asOf(context), filter: filter)
    }

    /// The filter with the tenant's "expiring" window filled in.
    static func tenantWindow(_ filter: SiteFilter, _ caller: Caller, _ connection: PGConnection) async throws -> SiteFilter {
        guard filter.expiringWithinDays == -1 else { return filter }
        var filled = filter
        filled.expiringWithinDays = try await NetworkSettingsStore.read(connection, ladder: caller.ladder).expiringDays
        return filled
    }

    /// Sites on `as_of` by code, filtered by kind, region subtree, status, capability, expiring
    /// (`expiring=true` for the tenant's window, or `expiring_within_days=N`) or `expired=true`;
    /// rows the caller may not read are left out.
    package static let list = FilteredList<ListParameters, Site>(
        action: .siteRead,
        parameters: listParameters,
        fetch: { call, page, connection in
            let filter = try await tenantWindow(call.body.filter, call.caller, connection)
            return try await SiteStore.list(connection, filter, on: call.body.date, after: page.after, limit: page.limit + 1)
        },
        target: { caller, site in site.target(caller) },
        cursor: { $0.code.lowercased() },
        cursorIsValid: { (try? OrgRules.code($0)) != nil },
        extra: { call, json in json.field("as_of", call.body.date) },
        write: { _, site, json in site.write(to: &json) })

    /// The site on `as_of`; 404 when it did not exist that day.
    package static let read = DatedRead.endpoint(
        .siteRead, resource: "site", read: { try await SiteStore.site($0, id: $1, on: $2) },
        target: { caller, site in site.target(caller) }, id: \.id,
        answer: { site in ETag.response(revision: site.revision, body: site.json) })

    // MARK: create

    package struct Contact: Decodable, Sendable {
        package var name: String?
        package var phone: String?
        package var email: String?
    }

    package struct Location: Decodable, Sendable {
        package var latitude: Double
        package var longitude: Double
    }

    package struct CreateBody: Decodable, Sendable {
        package var code: String
        package var kind: String
        package var name: String
        package var region_id: String
        package var address: String?
        package var location: Location?
        package var contact: Contact?
        package var responsible_position_id: String?
        package var capabilities: [String]?
        package var covers: [String]?
        package var service_radius_km: Double?
        package var effective_date: String?
    }

    /// A new site, planned, from `effective_date` on. network.write over its region.
    package static let create = Endpoint<CreateBody, (date: String, regionPath: String, terms: NetworkTerms), Site>(
        action: .siteWrite, resource: "site",
        check: { call in
            let body = call.body
            try OrgRules.code(body.code)
            try NetworkRules.required(body.name, field: "name", limit: 200)
            try checkCommon(address: body.address, location: body.location.map { ($0.latitude, $0.longitude) }, contact: body.contact,
                            radius: body.service_radius_km, capabilities: body.capabilities, covers: body.covers,
                            position: body.responsible_position_id, region: body.region_id)
            _ = try OrgDate.body(body.effective_date)
        },
        load: { call, connection in
            let date = try OrgDate.body(call.body.effective_date)
            let path = try await regionPath(connection, id: call.body.region_id, on: date)
            return (date, path, try await NetworkTermStore.all(connection))
        },
        target: { call, loaded in .network(call.caller.tenant, region: OrgPath.tree(loaded.regionPath)) },
        perform: { call, loaded, connection in
            let body = call.body
            var fields = SiteFields(kind: body.kind, name: body.name.trimmed, regionID: body.region_id.lowercased())
            fields.address = body.address ?? ""
            fields.latitude = body.location?.latitude
            fields.longitude = body.location?.longitude
            fields.contactName = body.contact?.name ?? ""
            fields.contactPhone = body.contact?.phone ?? ""
            fields.contactEmail = body.contact?.email ?? ""
            fields.responsiblePositionID = body.responsible_position_id?.lowercased()
            fields.capabilities = body.capabilities ?? []
            fields.covers = (body.covers ?? []).map { $0.lowercased() }
            fields.serviceRadiusKM = body.service_radius_km
            try await validate(connection, fields, terms: loaded.terms, on: loaded.date)
            guard let id = try await SiteStore.create(connection, tenant: call.caller.tenantID!, code: body.code, fields,
                                                      on: loaded.date) else {
                throw codeTaken(body.code)
            }
            return try await SiteStore.site(connection, id: id, on: loaded.date)!
        },
        audit: { _, loaded, site in
            Audited("site.create", resource: "site", id: site.id, after: site.json, effective: loaded.date)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, site in ETag.response(201, revision: site.revision, body: site.json) })

    // MARK: update

    package struct UpdateBody: Decodable, Sendable {
        package var code: String?
        package var kind: String?
        package var name: String?
        package var region_id: String?
        package var address: String?
        package var location: Location??
        package var contact: Contact?
        package var responsible_position_id: String??
        package var capabilities: [String]?
        package var covers: [String]?
        package var service_radius_km: Double??
        package var authorised_from: String??
        package var authorised_until: String??
        package var effective_date: String?

        enum CodingKeys: String, CodingKey {
            case code, kind, name, region_id, address, location, contact, responsible_position_id, capabilities, covers,
                 service_radius_km, authorised_from, authorised_until, effective_date
        }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            code = try c.decodeIfPresent(String.self, forKey: .code)
            kind = try c.decodeIfPresent(String.self, forKey: .kind)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            region_id = try c.decodeIfPresent(String.self, forKey: .region_id)
            address = try c.decodeIfPresent(String.self, forKey: .address)
            location = try c.patch(Location.self, forKey: .location)
            contact = try c.decodeIfPresent(Contact.self, forKey: .contact)
            responsible_position_id = try c.patch(String.self, forKey: .responsible_position_id)
            capabilities = try c.decodeIfPresent([String].self, forKey: .capabilities)
            covers = try c.decodeIfPresent([String].self, forKey: .covers)
            service_radius_km = try c.patch(Double.self, forKey: .service_radius_km)
            authorised_from = try c.patch(String.self, forKey: .authorised_from)
            authorised_until = try c.patch(String.self, forKey: .authorised_until)
            effective_date = try c.decodeIfPresent(String.self, forKey: .effective_date)
        }
    }

    package struct Locked: Sendable {
        var date: String
        var site: Site                  // on `date`
        var newRegionPath: String?      // when the site moves to another region
        var terms: NetworkTerms
    }

    /// Changes the fields given from `effective_date` on (code and authorisation period at once).
    /// network.write over the site's region, and over the new region when it moves.
    package static let update = Endpoint<UpdateBody, Locked, (before: Site, after: Site)>(
        action: .siteWrite, resource: "site",
        check: { call in
            _ = try call.pathID(resource: "site")
            let body = call.body
            if let code = body.code { try OrgRules.code(code) }
            if let name = body.name { try NetworkRules.required(name, field: "name", limit: 200) }
            try checkCommon(address: body.address, location: (body.location ?? nil).map { ($0.latitude, $0.longitude) },
                            contact: body.contact, radius: body.service_radius_km ?? nil, capabilities: body.capabilities,
                            covers: body.covers, position: body.responsible_position_id ?? nil, region: body.region_id)
            _ = try OrgDate.body(body.effective_date)
            _ = try NetworkRules.day(body.authorised_from ?? nil, field: "authorised_from")
            _ = try NetworkRules.day(body.authorised_until ?? nil, field: "authorised_until")
        },
        load: { call, connection in
            let id = try call.pathID(resource: "site")
            let date = try OrgDate.body(call.body.effective_date)
            guard try await SiteStore.lock(connection, call.context, id: id) != nil else { throw Problem.notFound("site") }
            guard let site = try await SiteStore.site(connection, id: id, on: date) else {
                guard try await SiteStore.site(connection, id: id, on: OrgDate.today) != nil else { throw Problem.notFound("site") }
                throw Problem.invalid("effective_date", rule: "within_lifetime", "the site does not exist on \(date)")
            }
            var newRegion: String?
            if let region = call.body.region_id, region.lowercased() != site.regionID {
                newRegion = try await regionPath(connection, id: region, on: date)
            }
            return Locked(date: date, site: site, newRegionPath: newRegion, terms: try await NetworkTermStore.all(connection))
        },
        target: { call, locked in locked.site.target(call.caller) },
        targetID: { _, locked in locked.site.id },
        perform: { call, locked, connection in
            let (body, site, date) = (call.body, locked.site, locked.date)
            if let path = locked.newRegionPath {
                try await call.context.authorize(call.caller, .siteWrite, .network(call.caller.tenant, region: OrgPath.tree(path)),
                                                 resource: "site", id: site.id)
            }
            var fields = SiteFields(site)
            if let kind = body.kind { fields.kind = kind }
            if let name = body.name { fields.name = name.trimmed }
            if let region = body.region_id { fields.regionID = region.lowercased() }
            if let address = body.address { fields.address = address }
            if let location = body.location {
                fields.latitude = location?.latitude
                fields.longitude = location?.longitude
            }
            if let contact = body.contact {
                fields.contactName = contact.name ?? fields.contactName
                fields.contactPhone = contact.phone ?? fields.contactPhone
                fields.contactEmail = contact.email ?? fields.contactEmail
            }
            if let position = body.responsible_position_id { fields.responsiblePositionID = position?.lowercased() }
            if let capabilities = body.capabilities { fields.capabilities = capabilities }
            if let covers = body.covers { fields.covers = covers.map { $0.lowercased() } }
            if let radius = body.service_radius_km { fields.serviceRadiusKM = radius }
            try await validate(connection, fields, terms: locked.terms, on: date, kindChanged: body.kind != nil && body.kind != site.kind)

            let from = body.authorised_from.map { $0 } ?? site.authorisedFrom
            let until = body.authorised_until.map { $0 } ?? site.authorisedUntil
            if let from, let until, until < from {
                throw Problem.invalid("authorised_until", rule: "not_before_from",
                                      "authorised_until (\(until)) is before authorised_from (\(from))")
            }
            guard try await SiteStore.updateIdentity(connection, id: site.id, code: body.code ?? site.code, authorisedFrom: from,
                                                     authorisedUntil: until) else {
                throw codeTaken(body.code ?? site.code)
            }
            try await Versions.prepare(connection, SiteStore.versions, id: site.id, on: date)
            try await SiteStore.update(connection, id: site.id, fields, archived: site.archived, from: date)
            _ = try await Versions.bump(connection, "sites", id: site.id)
            return (site, try await SiteStore.site(connection, id: site.id, on: date)!)
        },
        audit: { _, locked, changed in
            Audited("site.update", resource: "site", id: locked.site.id, before: changed.before.json, after: changed.after.json,
                    effective: locked.date)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in ETag.response(revision: changed.after.revision, body: changed.after.json) })

    // MARK: archive

    package struct ArchiveBody: Decodable, Sendable {
        package var effective_date: String?
    }

    /// Archives the site from `effective_date` on: it leaves lists (unless `include_archived`)
    /// and the nearest search. Only a planned or terminated site: one still in the lifecycle is
    /// terminated first, with its reason on record (409 SITE_ACTIVE).
    package static let archive = Endpoint<NoBody, Locked, (before: Site, after: Site)>(
        action: .siteWrite, resource: "site",
        load: { call, connection in
            let id = try call.pathID(resource: "site")
            let date = try OrgDate.body(call.optionalBody(ArchiveBody()).effective_date)
            guard try await SiteStore.lock(connection, call.context, id: id) != nil,
                  let site = try await SiteStore.site(connection, id: id, on: date) else { throw Problem.notFound("site") }
            return Locked(date: date, site: site, newRegionPath: nil, terms: NetworkTerms(terms: []))
        },
        target: { call, locked in locked.site.target(call.caller) },
        targetID: { _, locked in locked.site.id },
        perform: { _, locked, connection in
            let site = locked.site
            guard site.status == .planned || site.status == .terminated else {
                var problem = Problem.conflict("SITE_ACTIVE", "the site is \(site.statusText); terminate it (with a reason) before archiving it")
                problem.extra = [("site_status", .string(site.statusText))]
                throw problem
            }
            if site.archived { return (site, site) }
            try await Versions.prepare(connection, SiteStore.versions, id: site.id, on: locked.date)
            try await SiteStore.update(connection, id: site.id, SiteFields(site), archived: true, from: locked.date)
            _ = try await Versions.bump(connection, "sites", id: site.id)
            return (site, try await SiteStore.site(connection, id: site.id, on: locked.date)!)
        },
        audit: { _, locked, changed in
            Audited("site.archive", resource: "site", id: locked.site.id, before: changed.before.json, after: changed.after.json,
                    effective: locked.date)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in ETag.response(revision: changed.after.revision, body: changed.after.json) })

    // MARK: shared rules

    static func codeTaken(_ code: String) -> Problem {
        Problem(status: 409, code: "SITE_CODE_TAKEN", title: "Conflict", detail: "site code \(code) is already used by another site of this tenant",
                field: "code", rule: "unique")
    }

    /// The rules of the fields create and update share that need no database.
    static func checkCommon(address: String?, location: (Double, Double)?, contact: Contact?, radius: Double?,
                            capabilities: [String]?, covers: [String]?, position: String?, region: String?) throws {
        if let region, EntityID(uuid: region) == nil {
            throw Problem.invalid("region_id", rule: "exists", "region_id \(region) names no region of this tenant")
        }
        try NetworkRules.optional(address, field: "address", limit: 500)
        if let location { try NetworkRules.point(latitude: location.0, longitude: location.1, prefix: "location.") }
        try NetworkRules.optional(contact?.name, field: "contact.name", limit: 200)
        try NetworkRules.optional(contact?.phone, field: "contact.phone", limit: 50)
        try NetworkRules.optional(contact?.email, field: "contact.email", limit: 200)
        if let radius, !(radius.isFinite && radius > 0 && radius <= 20000) {
            throw Problem.invalid("service_radius_km", rule: "range", "service_radius_km is more than 0 and at most 20000, got \(radius)")
        }
        if let capabilities {
            if capabilities.count > 200 { throw Problem.invalid("capabilities", rule: "size", "a site has at most 200 capabilities") }
            if Set(capabilities).count != capabilities.count {
                throw Problem.invalid("capabilities", rule: "unique", "capabilities lists each capability once")
            }
        }
        if let covers {
            if covers.count > 200 { throw Problem.invalid("covers", rule: "size", "a site covers at most 200 regions") }
            for (index, id) in covers.enumerated() where EntityID(uuid: id) == nil {
                throw Problem.invalid("covers[\(index)]", rule: "exists", "covers[\(index)] \(id) names no region of this tenant")
            }
        }
        if let position, EntityID(uuid: position) == nil {
            throw Problem.invalid("responsible_position_id", rule: "exists", "responsible_position_id \(position) names no position of this tenant")
        }
    }

    /// The rules that need the database: the kind and capabilities known to the tenant, the
    /// covered regions and the responsible position this tenant's (422 naming the field).
    static func validate(_ connection: PGConnection, _ fields: SiteFields, terms: NetworkTerms, on date: String,
                         kindChanged: Bool = true) async throws {
        if kindChanged { try terms.requireKind(fields.kind) }
        for (index, capability) in fields.capabilities.enumerated() {
            try terms.requireCapability(capability, field: "capabilities[\(index)]")
        }
        if !fields.covers.isEmpty {
            let known = try await SiteStore.knownRegions(connection, fields.covers)
            if let index = fields.covers.firstIndex(where: { !known.contains($0) }) {
                throw Problem.invalid("covers[\(index)]", rule: "exists", "covers[\(index)] \(fields.covers[index]) names no region of this tenant")
            }
        }
        if let position = fields.responsiblePositionID, !(try await SiteStore.positionExists(connection, id: position, on: date)) {
            throw Problem.invalid("responsible_position_id", rule: "exists",
                                  "responsible_position_id \(position) names no open position of this tenant on \(date)")
        }
    }

    /// A region named in a body: it must exist on `date`; its path in today's tree.
    static func regionPath(_ connection: PGConnection, id: String, on date: String) async throws -> String {
        let path = try await UnitStore.regionPath(connection, id: id, field: "region_id")
        guard try await RegionStore.exists(connection, id: id.lowercased(), on: date) else {
            throw Problem.invalid("region_id", rule: "exists", "region_id \(id) names no region of this tenant on \(date)")
        }
        return path
    }
}
