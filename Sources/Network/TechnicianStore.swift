// The technicians and technician_postings tables: every statement of the two. `technicians` is
// the person (revision is the ETag, raised by every change to them or their records);
// technician_postings says where they worked over time, one site at a time (the database
// refuses overlapping postings), ranges [start, day after the last) like every dated table.

import App
import HTTP
import OrgChart
import Policy
import Postgres

/// What a technician list may be narrowed by.
package struct TechnicianFilter: Sendable {
    package var siteID: String?                 // the site they work at today
    package var regionID: String?               // that site's region and its subtree, in today's tree
    package var includeArchived = false

    package init() {}
}

package enum TechnicianStore {
    /// The posting `p` that locates technician `t` on `day` — the one running that day, else the
    /// next one to start — and its site `s` with the version `sv` of the day it is current and
    /// that version's region `r`. Outer joins: all NULL for a technician posted nowhere.
    static func postedJoins(on day: String) -> PGQuery {
        """
        LEFT JOIN LATERAL (SELECT pp.site_id, pp.valid FROM technician_postings pp
                           WHERE pp.tenant_id = t.tenant_id AND pp.technician_id = t.id AND (upper_inf(pp.valid) OR upper(pp.valid) > \(day)::date)
                           ORDER BY lower(pp.valid) LIMIT 1) p ON true
        LEFT JOIN sites s ON s.tenant_id = t.tenant_id AND s.id = p.site_id
        LEFT JOIN site_versions sv ON sv.tenant_id = s.tenant_id AND sv.site_id = s.id AND sv.valid @> greatest(\(day)::date, lower(p.valid))
        LEFT JOIN regions r ON r.tenant_id = sv.tenant_id AND r.id = sv.region_id
        """
    }

    /// `PostedSite`'s columns from `postedJoins`.
    static let siteColumns: PGQuery = "s.id::text, s.code, sv.name, sv.region_id::text, orgd_ltree_ids(r.path)::text"

    /// A condition on `postedJoins`: the site's region is `region` or below it (today's tree); true for nil.
    static func inRegion(_ region: String?) -> PGQuery {
        """
        \(region)::uuid IS NULL OR sv.region_id = ANY (SELECT g.id FROM regions g
            WHERE g.path <@ (SELECT q.path FROM regions q WHERE q.id = \(region)::uuid))
        """
    }

    /// `Technician`'s columns, with `postedJoins` on today (read per statement: today moves).
    static var selected: PGQuery {
        """
        SELECT t.id::text, t.name, t.phone, t.email, t.notes, t.archived, t.revision, \(unescaped: siteColumns),
               lower(p.valid)::text, upper(p.valid)::text
        FROM technicians t \(unescaped: postedJoins(on: OrgDate.today))
        """
    }

    /// The technician with where they work today; nil when there is none with that id.
    package static func technician(_ connection: PGConnection, id: String) async throws -> Technician? {
        try await connection.query("\(unescaped: selected) WHERE t.id = \(id)::uuid").decodeFirst()
    }

    /// A page of technicians by name (then id), after the technician `after`.
    package static func list(_ connection: PGConnection, _ filter: TechnicianFilter, after: String?,
                             limit: Int) async throws -> [Technician] {
        try await connection.query("""
            \(unescaped: selected)
            WHERE (\(filter.includeArchived) OR NOT t.archived)
              AND (\(filter.siteID)::uuid IS NULL OR p.site_id = \(filter.siteID)::uuid)
              AND (\(unescaped: inRegion(filter.regionID)))
              AND (\(after)::uuid IS NULL
                   OR (lower(t.name), t.id) > ((SELECT lower(name) FROM technicians WHERE id = \(after)::uuid), \(after)::uuid))
            ORDER BY lower(t.name), t.id LIMIT \(limit)
            """).decode()
    }

    /// The technician with their postings, certifications and trainings.
    package static func record(_ connection: PGConnection, _ technician: Technician) async throws -> TechnicianRecord {
        TechnicianRecord(technician: technician, postings: try await postings(connection, technician: technician.id),
                         certifications: try await CertificationStore.of(connection, technician: technician.id),
                         trainings: try await TrainingStore.of(connection, technician: technician.id))
    }

    /// Locks the technician's row and checks If-Match; nil when there is no such technician.
    package static func lock(_ connection: PGConnection, _ context: RequestContext, id: String) async throws -> Int? {
        try await Versions.lock(connection, context, "technicians", id: id)
    }

    /// Raises the revision (the ETag) after a change to the technician or their records.
    package static func bump(_ connection: PGConnection, id: String) async throws {
        _ = try await Versions.bump(connection, "technicians", id: id)
    }

    /// A new technician, posted at `site` from `start` on; their id.
    package static func create(_ connection: PGConnection, tenant: String, name: String, phone: String, email: String,
                               notes: String, site: String, from start: String) async throws -> String {
        let id = try await connection.query("""
            INSERT INTO technicians (tenant_id, name, phone, email, notes) VALUES (\(tenant)::uuid, \(name), \(phone), \(email), \(notes))
            RETURNING id::text
            """ as PGQuery).decodeFirst(String.self)!
        try await post(connection, tenant: tenant, technician: id, site: site, from: start)
        return id
    }

    package static func update(_ connection: PGConnection, id: String, name: String, phone: String, email: String,
                               notes: String) async throws {
        _ = try await connection.query("""
            UPDATE technicians SET name = \(name), phone = \(phone), email = \(email), notes = \(notes) WHERE id = \(id)::uuid
            """ as PGQuery)
    }

    package static func archive(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("UPDATE technicians SET archived = true WHERE id = \(id)::uuid" as PGQuery)
    }

    // MARK: postings

    static let postingColumns: PGQuery = """
        p.id::text, p.site_id::text, s.code,
        (SELECT v.name FROM site_versions v WHERE v.tenant_id = p.tenant_id AND v.site_id = p.site_id
         ORDER BY upper_inf(v.valid) DESC, lower(v.valid) DESC LIMIT 1), NULL::text, NULL::text,
        lower(p.valid)::text, upper(p.valid)::text
        """

    /// The technician's postings, oldest first, each with its site's code and name as it stands.
    package static func postings(_ connection: PGConnection, technician: String) async throws -> [TechnicianPosting] {
        try await connection.query("""
            SELECT \(unescaped: postingColumns) FROM technician_postings p JOIN sites s ON s.tenant_id = p.tenant_id AND s.id = p.site_id
            WHERE p.technician_id = \(technician)::uuid ORDER BY lower(p.valid)
            """).decode()
    }

    /// The posting with no end (the technician's latest), its site and first day; nil when every
    /// posting has ended.
    package static func openPosting(_ connection: PGConnection, technician: String) async throws -> (site: String, start: String)? {
        try await connection.query("""
            SELECT site_id::text, lower(valid)::text FROM technician_postings
            WHERE technician_id = \(technician)::uuid AND upper_inf(valid)
            """ as PGQuery).decodeFirst(String.self, String.self)
    }

    /// Posts the technician at `site` from `start` on, open-ended.
    package static func post(_ connection: PGConnection, tenant: String, technician: String, site: String,
                             from start: String) async throws {
        _ = try await connection.query("""
            INSERT INTO technician_postings (tenant_id, technician_id, site_id, valid)
            VALUES (\(tenant)::uuid, \(technician)::uuid, \(site)::uuid, daterange(\(start)::date, NULL))
            """ as PGQuery)
    }

    /// Ends the open posting on the day before `day` (its start is before `day`).
    package static func endOpenPosting(_ connection: PGConnection, technician: String, before day: String) async throws {
        _ = try await connection.query("""
            UPDATE technician_postings SET valid = daterange(lower(valid), \(day)::date)
            WHERE technician_id = \(technician)::uuid AND upper_inf(valid)
            """ as PGQuery)
    }

    /// The first day of the latest posting that has begun by `today` and starts after `last`;
    /// nil when there is none (such a posting cannot be ended on `last`).
    package static func begunAfter(_ connection: PGConnection, technician: String, last: String,
                                   today: String) async throws -> String? {
        try await connection.query("""
            SELECT max(lower(valid))::text FROM technician_postings
            WHERE technician_id = \(technician)::uuid AND lower(valid) > \(last)::date AND lower(valid) <= \(today)::date
            """ as PGQuery).decodeFirst(String?.self) ?? nil
    }

    /// The technician works nowhere after `last`: postings that start later are dropped (they
    /// never began; `begunAfter` is nil), the one running on `last` ends on it.
    package static func endPostings(_ connection: PGConnection, technician: String, last: String) async throws {
        _ = try await connection.query("""
            DELETE FROM technician_postings WHERE technician_id = \(technician)::uuid AND lower(valid) > \(last)::date
            """ as PGQuery)
        _ = try await connection.query("""
            UPDATE technician_postings SET valid = daterange(lower(valid), \(last)::date + 1)
            WHERE technician_id = \(technician)::uuid AND valid @> \(last)::date
            """ as PGQuery)
    }
}
