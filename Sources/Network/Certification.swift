// A technician's certification for one capability (product_line/service_type), valid from
// issued_on through expires_on unless revoked; and a row of the expiring list, which names the
// technician and the site they work at today. The certifications table's statements are in
// CertificationStore; a certification is never deleted, only revoked.

import App
import HTTP
import OrgChart
import Policy
import Postgres

package struct Certification: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var technicianID: String
    package var capability: String
    package var issuer: String
    package var issuedOn: String
    package var expiresOn: String
    package var revokedOn: String?
    package var daysLeft: Int                   // expires_on − the day read; negative once expired
    package var day: String                     // the day read

    /// Reads the columns of `CertificationStore.columns`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        technicianID = try row.next()
        capability = try row.next()
        issuer = try row.next()
        issuedOn = try row.next()
        expiresOn = try row.next()
        revokedOn = try row.next()
        daysLeft = try row.next()
        day = try row.next()
    }

    /// On the day read: revoked, pending (not issued yet), expired, or valid.
    package var status: String {
        if revokedOn != nil { return "revoked" }
        if issuedOn > day { return "pending" }
        return expiresOn < day ? "expired" : "valid"
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("technician_id", technicianID)
        json.field("capability", capability)
        json.field("issuer", issuer)
        json.field("issued_on", issuedOn)
        json.field("expires_on", expiresOn)
        json.field("revoked_on", revokedOn)
        json.field("status", status)
        json.field("days_left", daysLeft)
        json.endObject()
    }
}

/// A row of GET /v1/network/certifications/expiring: the certification, its technician and the
/// site where they work today (whose region decides who may see the row).
package struct ExpiringCertification: Sendable, PGRowDecodable, JSONResource {
    package var certification: Certification
    package var technicianName: String
    package var site: PostedSite?

    /// `CertificationStore.columns`, the technician's name, then `TechnicianStore.siteColumns`.
    package init(row: inout PGRowReader) throws {
        certification = try Certification(row: &row)
        technicianName = try row.next()
        site = try PostedSite.optional(&row)
    }

    package func target(_ caller: Caller) -> Target { PostedSite.target(site, caller) }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("certification_id", certification.id)
        json.key("technician")
        json.beginObject()
        json.field("id", certification.technicianID)
        json.field("name", technicianName)
        json.endObject()
        json.field("capability", certification.capability)
        json.field("issuer", certification.issuer)
        json.field("issued_on", certification.issuedOn)
        json.field("expires_on", certification.expiresOn)
        json.field("days_left", certification.daysLeft)
        json.key("site")
        if let site { site.write(to: &json, region: false) } else { json.raw("null".utf8) }
        json.endObject()
    }
}

/// What the expiring list may be narrowed by.
package struct ExpiringFilter: Sendable {
    package var withinDays: Int?                // nil: the tenant's window, read in the transaction
    package var expired: Bool = false           // expires_on before today instead
    package var regionID: String?               // the technician's site's region and its subtree, in today's tree
    package var siteID: String?                 // the site the technician works at today

    package init() {}
}

package enum CertificationStore {
    /// `Certification`'s columns, of the certification `c`, read on `day`.
    static func columns(on day: String) -> PGQuery {
        """
        c.id::text, c.technician_id::text, c.capability, c.issuer, c.issued_on::text, c.expires_on::text, c.revoked_on::text,
        (c.expires_on - \(day)::date), \(day)::text
        """
    }

    /// How many technicians posted at `site` on `day` hold a valid, unrevoked certification for
    /// `capability` that day.
    package static func certifiedTechnicians(_ connection: PGConnection, site: String, capability: String, on day: String) async throws -> Int {
        try await connection.query("""
            SELECT count(DISTINCT p.technician_id)::int FROM technician_postings p
            JOIN technicians t ON t.tenant_id = p.tenant_id AND t.id = p.technician_id AND NOT t.archived
            JOIN certifications c ON c.tenant_id = p.tenant_id AND c.technician_id = p.technician_id
            WHERE p.site_id = \(site)::uuid AND p.valid @> \(day)::date AND c.capability = \(capability)
              AND c.issued_on <= \(day)::date AND c.expires_on >= \(day)::date AND c.revoked_on IS NULL
            """ as PGQuery).decodeFirst(Int.self) ?? 0
    }

    /// The technician's certifications, by capability, newest first.
    package static func of(_ connection: PGConnection, technician: String) async throws -> [Certification] {
        try await connection.query("""
            SELECT \(unescaped: columns(on: OrgDate.today)) FROM certifications c WHERE c.technician_id = \(technician)::uuid
            ORDER BY c.capability, c.issued_on DESC, c.id
            """).decode()
    }

    /// The technician's certification `id`, locked for the rest of the transaction; nil when the
    /// technician has none with that id.
    package static func lock(_ connection: PGConnection, id: String, technician: String) async throws -> Certification? {
        try await connection.query("""
            SELECT \(unescaped: columns(on: OrgDate.today)) FROM certifications c
            WHERE c.id = \(id)::uuid AND c.technician_id = \(technician)::uuid FOR UPDATE
            """).decodeFirst()
    }

    package static func add(_ connection: PGConnection, tenant: String, technician: String, capability: String, issuer: String,
                            issuedOn: String, expiresOn: String) async throws -> Certification {
        try await connection.query("""
            INSERT INTO certifications AS c (tenant_id, technician_id, capability, issuer, issued_on, expires_on)
            VALUES (\(tenant)::uuid, \(technician)::uuid, \(capability), \(issuer), \(issuedOn)::date, \(expiresOn)::date)
            RETURNING \(unescaped: columns(on: OrgDate.today))
            """).decodeFirst()!
    }

    package static func revoke(_ connection: PGConnection, id: String, on day: String) async throws -> Certification {
        try await connection.query("""
            UPDATE certifications c SET revoked_on = \(day)::date WHERE c.id = \(id)::uuid
            RETURNING \(unescaped: columns(on: OrgDate.today))
            """).decodeFirst()!
    }

    /// A page of the unrevoked certifications of technicians not archived that expire from today
    /// to `withinDays` later (or before today, `expired`), soonest first, after the certification `after`.
    package static func expiring(_ connection: PGConnection, _ filter: ExpiringFilter, after: String?,
                                 limit: Int) async throws -> [ExpiringCertification] {
        let today = OrgDate.today
        let until = Day(today)!.adding(days: filter.withinDays ?? 0).description
        return try await connection.query("""
            SELECT \(unescaped: columns(on: today)), t.name, \(unescaped: TechnicianStore.siteColumns)
            FROM certifications c
            JOIN technicians t ON t.tenant_id = c.tenant_id AND t.id = c.technician_id AND NOT t.archived
            \(unescaped: TechnicianStore.postedJoins(on: today))
            WHERE c.revoked_on IS NULL
              AND (CASE WHEN \(filter.expired) THEN c.expires_on < \(today)::date
                        ELSE c.expires_on BETWEEN \(today)::date AND \(until)::date END)
              AND (\(filter.siteID)::uuid IS NULL OR p.site_id = \(filter.siteID)::uuid)
              AND (\(unescaped: TechnicianStore.inRegion(filter.regionID)))
              AND (\(after)::uuid IS NULL
                   OR (c.expires_on, c.id) > ((SELECT expires_on FROM certifications WHERE id = \(after)::uuid), \(after)::uuid))
            ORDER BY c.expires_on, c.id LIMIT \(limit)
            """).decode()
    }
}
