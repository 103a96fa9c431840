// The sites, site_versions and site_transitions tables: every statement of the three. `sites` is
// the identity, code, status and authorisation period (revision is the ETag); site_versions the
// dated state; site_transitions the authorisation history, from which a past day's status is read.

import App
import HTTP
import OrgChart
import Policy
import Postgres

/// A site's dated fields as a request gives them, checked and ready to store.
package struct SiteFields: Sendable {
    package var kind: String
    package var name: String
    package var regionID: String
    package var address: String
    package var latitude: Double?
    package var longitude: Double?
    package var contactName: String
    package var contactPhone: String
    package var contactEmail: String
    package var responsiblePositionID: String?
    package var capabilities: [String]
    package var covers: [String]
    package var serviceRadiusKM: Double?

    /// The fields of a site as it stands.
    package init(_ site: Site) {
        kind = site.kind
        name = site.name
        regionID = site.regionID
        address = site.address
        latitude = site.latitude
        longitude = site.longitude
        contactName = site.contactName
        contactPhone = site.contactPhone
        contactEmail = site.contactEmail
        responsiblePositionID = site.responsiblePositionID
        capabilities = site.capabilities
        covers = site.covers
        serviceRadiusKM = site.serviceRadiusKM
    }

    package init(kind: String, name: String, regionID: String) {
        self.kind = kind
        self.name = name
        self.regionID = regionID
        address = ""
        contactName = ""
        contactPhone = ""
        contactEmail = ""
        capabilities = []
        covers = []
    }
}

/// One move of a site along its lifecycle.
package struct SiteTransition: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var siteID: String
    package var from: String
    package var to: String
    package var effectiveOn: String
    package var reason: String
    package var actorID: String?
    package var inspectionID: String?
    package var authorisedFrom: String?
    package var authorisedUntil: String?
    package var recordedAt: String

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        siteID = try row.next()
        from = try row.next()
        to = try row.next()
        effectiveOn = try row.next()
        reason = try row.next()
        actorID = try row.next()
        inspectionID = try row.next()
        authorisedFrom = try row.next()
        authorisedUntil = try row.next()
        recordedAt = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("site_id", siteID)
        json.field("from", from)
        json.field("to", to)
        json.field("effective_on", effectiveOn)
        json.field("reason", reason)
        json.field("actor_id", actorID)
        json.field("inspection_id", inspectionID)
        json.field("authorised_from", authorisedFrom)
        json.field("authorised_until", authorisedUntil)
        json.field("recorded_at", recordedAt)
        json.endObject()
    }
}

/// What a site list may be narrowed by.
package struct SiteFilter: Sendable {
    package var kind: String?
    package var regionID: String?               // the region and its subtree, in today's tree
    package var status: SiteStatus?
    package var capability: String?
    package var expiringWithinDays: Int?        // authorisation ending from the day read to N days later
    package var expired: Bool = false           // authorisation ended before the day read
    package var includeArchived: Bool = false

    package init() {}
}

package enum SiteStore {
    package static let versions = Versions.Table(name: "site_versions", key: "site_id", split: "orgd_split_site_versions", resource: "site")

    /// The site's status on `date`: its current one from today on (transitions are never dated
    /// after the day they are recorded), else the last transition effective on or before it.
    static func status(on date: String) -> PGQuery {
        date >= OrgDate.today ? "s.status" : """
            coalesce((SELECT t.to_status FROM site_transitions t WHERE t.tenant_id = s.tenant_id AND t.site_id = s.id
                      AND t.effective_on <= \(date)::date ORDER BY t.effective_on DESC, t.recorded_at DESC LIMIT 1), 'planned')
            """
    }

    /// `Site`'s columns, of the site `s`, its version `v` on `date` and its region `r` (`from`).
    static func columns(on date: String) -> PGQuery {
        """
        s.id::text, s.code, v.kind, v.name, v.region_id::text, r.name, orgd_ltree_ids(r.path)::text, v.address,
        v.latitude, v.longitude, v.contact_name, v.contact_phone, v.contact_email, v.responsible_position_id::text,
        v.capabilities::text, v.covers::text, v.service_radius_km, v.archived, \(unescaped: status(on: date)),
        s.authorised_from::text, s.authorised_until::text, lower(v.valid)::text, upper(v.valid)::text, s.revision,
        \(date)::text
        """
    }

    /// The FROM clause of `columns`.
    static func from(on date: String) -> PGQuery {
        "FROM sites s \(unescaped: versionAndRegion(on: date))"
    }

    /// The version `v` on `date` and the region `r` of a site `s` already in the FROM clause
    /// (inspections and corrective actions join their site this way for its region).
    static func versionAndRegion(on date: String) -> PGQuery {
        """
        JOIN site_versions v ON v.tenant_id = s.tenant_id AND v.site_id = s.id AND v.valid @> \(date)::date
        JOIN regions r ON r.tenant_id = v.tenant_id AND r.id = v.region_id
        """
    }

    /// True when `v`'s region is `region` or below it in today's tree, or when `region` is nil.
    /// Written in only with a region: a subquery under `$n IS NULL OR` stays a filter on every
    /// site version of the table, while alone at the top of the WHERE it becomes a join that
    /// reads the region's sites through site_versions_region (docs/performance.md).
    static func inSubtree(of region: String?) -> PGQuery {
        guard let region else { return "true" }
        return """
            v.region_id = ANY (SELECT g.id FROM regions g WHERE g.path <@ (SELECT p.path FROM regions p WHERE p.id = \(region)::uuid))
            """
    }

    static func selected(on date: String) -> PGQuery {
        "SELECT \(unescaped: columns(on: date)) \(unescaped: from(on: date))"
    }

    /// The site on `date`; nil when it did not exist that day.
    package static func site(_ connection: PGConnection, id: String, on date: String) async throws -> Site? {
        try await connection.query("\(unescaped: selected(on: date)) WHERE s.id = \(id)::uuid").decodeFirst()
    }

    /// Has the rest of the transaction plan each statement for the tenant at hand. orgd prepares a
    /// statement once per connection, and after five runs Postgres may switch to a generic plan,
    /// made once with the row counts of whichever tenant's request made it (row-level security's
    /// tenant is read at planning time for the estimates) and then used for every tenant served
    /// on that connection: a plan made for a 4-site tenant walked 4,337 sites of the 50,000-site
    /// one in code order for a province's list (0.46 s instead of 11 ms) and sorted all of its
    /// sites for the nearest search (docs/performance.md, "Service network"). Planning each time
    /// costs about a millisecond for these statements.
    static func planForThisTenant(_ connection: PGConnection) async throws {
        _ = try await connection.query("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)" as PGQuery)
    }

    /// A page of the sites on `date` that match `filter`, by code, after the code `after`.
    package static func list(_ connection: PGConnection, _ filter: SiteFilter, on date: String, after: String?,
                             limit: Int) async throws -> [Site] {
        try await planForThisTenant(connection)
        let until = filter.expiringWithinDays.map { Day(date)!.adding(days: $0).description }
        return try await connection.query("""
            \(unescaped: selected(on: date))
            WHERE (\(filter.includeArchived) OR NOT v.archived)
              AND (\(filter.kind)::text IS NULL OR v.kind = \(filter.kind))
              AND \(unescaped: inSubtree(of: filter.regionID))
              AND (\(filter.status?.rawValue)::text IS NULL OR \(unescaped: status(on: date)) = \(filter.status?.rawValue))
              AND (\(filter.capability)::text IS NULL OR \(filter.capability) = ANY (v.capabilities))
              AND (\(until)::date IS NULL OR s.authorised_until BETWEEN \(date)::date AND \(until)::date)
              AND (NOT \(filter.expired) OR s.authorised_until < \(date)::date)
              AND (\(after)::text IS NULL OR lower(s.code) > lower(\(after)))
            ORDER BY lower(s.code) LIMIT \(limit)
            """).decode()
    }

    /// Locks the site's identity row and checks If-Match; nil when there is no such site.
    package static func lock(_ connection: PGConnection, _ context: RequestContext?, id: String) async throws -> Int? {
        try await Versions.lock(connection, context, "sites", id: id)
    }

    /// Creates a site from `date` on, planned; nil when the code is taken.
    package static func create(_ connection: PGConnection, tenant: String, code: String, _ fields: SiteFields,
                               on date: String) async throws -> String? {
        guard let id = try await insertIdentity(connection, tenant: tenant, code: code) else { return nil }
        try await insertVersion(connection, tenant: tenant, site: id, fields, from: date)
        return id
    }

    private static func insertIdentity(_ connection: PGConnection, tenant: String, code: String) async throws -> String? {
        do {
            return try await connection.query("""
                INSERT INTO sites (tenant_id, code) VALUES (\(tenant)::uuid, \(code)) RETURNING id::text
                """ as PGQuery).decodeFirst(String.self)
        } catch let error as PGError where error.isUniqueViolation {
            return nil
        }
    }

    private static func insertVersion(_ connection: PGConnection, tenant: String, site: String, _ fields: SiteFields,
                                      from date: String) async throws {
        _ = try await connection.query("""
            INSERT INTO site_versions (tenant_id, site_id, valid, kind, name, region_id, address, latitude, longitude, contact_name,
                                       contact_phone, contact_email, responsible_position_id, capabilities, covers, service_radius_km, archived)
            VALUES (\(tenant)::uuid, \(site)::uuid, daterange(\(date)::date, NULL), \(fields.kind), \(fields.name), \(fields.regionID)::uuid,
                    \(fields.address), \(fields.latitude)::float8, \(fields.longitude)::float8, \(fields.contactName), \(fields.contactPhone),
                    \(fields.contactEmail), \(fields.responsiblePositionID)::uuid, \(fields.capabilities)::text[], \(fields.covers)::uuid[],
                    \(fields.serviceRadiusKM)::float8, false)
            """ as PGQuery)
    }

    /// Rewrites the site's versions from `date` on (cut there by `Versions.prepare`) with `fields`.
    package static func update(_ connection: PGConnection, id: String, _ fields: SiteFields, archived: Bool,
                               from date: String) async throws {
        _ = try await connection.query("""
            UPDATE site_versions SET kind = \(fields.kind), name = \(fields.name), region_id = \(fields.regionID)::uuid,
                   address = \(fields.address), latitude = \(fields.latitude)::float8, longitude = \(fields.longitude)::float8,
                   contact_name = \(fields.contactName), contact_phone = \(fields.contactPhone), contact_email = \(fields.contactEmail),
                   responsible_position_id = \(fields.responsiblePositionID)::uuid, capabilities = \(fields.capabilities)::text[],
                   covers = \(fields.covers)::uuid[], service_radius_km = \(fields.serviceRadiusKM)::float8, archived = \(archived)
            WHERE site_id = \(id)::uuid AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }

    /// Changes the identity row's code and authorisation period; nil when the code is taken.
    package static func updateIdentity(_ connection: PGConnection, id: String, code: String, authorisedFrom: String?,
                                       authorisedUntil: String?) async throws -> Bool {
        do {
            return try await connection.query("""
                UPDATE sites SET code = \(code), authorised_from = \(authorisedFrom)::date, authorised_until = \(authorisedUntil)::date
                WHERE id = \(id)::uuid RETURNING true
                """ as PGQuery).decodeFirst(Bool.self) ?? false
        } catch let error as PGError where error.isUniqueViolation {
            return false
        }
    }

    /// The day of the site's last transition; nil before its first.
    package static func lastTransitionDay(_ connection: PGConnection, site: String) async throws -> String? {
        try await connection.query("""
            SELECT max(effective_on)::text FROM site_transitions WHERE site_id = \(site)::uuid
            """ as PGQuery).decodeFirst(String?.self) ?? nil
    }

    /// Moves the site along its lifecycle (the database refuses an illegal move) and records
    /// the transition; the authorisation period is set when given. The caller has locked the site.
    package static func transition(_ connection: PGConnection, tenant: String, site: Site, to next: SiteStatus, reason: String,
                                   on date: String, actor: String?, inspection: String? = nil,
                                   authorisedFrom: String?, authorisedUntil: String?) async throws -> SiteTransition {
        _ = try await connection.query("""
            UPDATE sites SET status = \(next.rawValue), authorised_from = \(authorisedFrom)::date,
                   authorised_until = \(authorisedUntil)::date, revision = revision + 1, updated_at = now()
            WHERE id = \(site.id)::uuid
            """ as PGQuery)
        return try await connection.query("""
            INSERT INTO site_transitions (tenant_id, site_id, from_status, to_status, effective_on, reason, actor_id, inspection_id,
                                          authorised_from, authorised_until)
            VALUES (\(tenant)::uuid, \(site.id)::uuid, \(site.statusText), \(next.rawValue), \(date)::date, \(reason), \(actor)::uuid,
                    \(inspection)::uuid, \(authorisedFrom)::date, \(authorisedUntil)::date)
            RETURNING \(unescaped: transitionColumns)
            """ as PGQuery).decodeFirst()!
    }

    static let transitionColumns: PGQuery = """
        id::text, site_id::text, from_status, to_status, effective_on::text, reason, actor_id::text, inspection_id::text,
        authorised_from::text, authorised_until::text, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        """

    /// The site's transitions, oldest first.
    package static func transitions(_ connection: PGConnection, site: String) async throws -> [SiteTransition] {
        try await connection.query("""
            SELECT \(unescaped: transitionColumns) FROM site_transitions WHERE site_id = \(site)::uuid ORDER BY effective_on, recorded_at
            """).decode()
    }

    /// The transition of the site that an inspection's total caused (probation), when it caused one.
    package static func transition(_ connection: PGConnection, site: String, causedBy inspection: String) async throws -> SiteTransition? {
        try await connection.query("""
            SELECT \(unescaped: transitionColumns) FROM site_transitions
            WHERE site_id = \(site)::uuid AND inspection_id = \(inspection)::uuid ORDER BY recorded_at LIMIT 1
            """).decodeFirst()
    }

    /// Whether the position exists and is not archived on `date`.
    package static func positionExists(_ connection: PGConnection, id: String, on date: String) async throws -> Bool {
        try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM position_versions WHERE position_id = \(id)::uuid AND valid @> \(date)::date AND NOT archived)
            """ as PGQuery).decodeFirst(Bool.self) ?? false
    }

    /// Of `ids`, the ones that are regions of this tenant today.
    package static func knownRegions(_ connection: PGConnection, _ ids: [String]) async throws -> Set<String> {
        Set(try await connection.query("SELECT id::text FROM regions WHERE id = ANY (\(ids)::uuid[])" as PGQuery).decode(String.self))
    }
}
