// The monthly quality report's one statement: the cases received in a month (UTC), summed in
// Postgres by GROUPING SETS into the whole month, each category, subcategory, department (the
// case's unit), site (the last it was dispatched to) and region (that site's today, else the
// customer's), one row per group with its names. Orgd never loads the month's cases.
//
// Cost: one range scan of the month's cases (cases_received), then one sort per grouping set
// of that month's rows: it grows with the cases of the month, not of the tenant.

import App
import Postgres

/// One group of the report: which (section and key) and its figures.
package struct CaseReportRow: Sendable, PGRowDecodable {
    package var section: CaseReportSection
    package var category: String?               // category and subcategory sections
    package var subcategory: String?
    package var id: String?                     // the unit, site or region; nil for "none" (never dispatched, no region)
    package var code: String?
    package var name: String?                   // subcategory, unit, site or region name
    package var cases: Int
    package var resolved: Int                   // resolved at least once (resolved_at set), reopened ones included
    package var withinSLA: Int                  // of the resolved, with no SLA breach
    package var withinSLARate: Double?          // withinSLA / resolved
    package var meanHours: Double?              // received_at → resolved_at, resolved cases
    package var p90Hours: Double?
    package var reopened: Int                   // reopen_count > 0
    package var reopenRate: Double?             // reopened / resolved
    package var followedUp: Int                 // a follow-up call recorded an outcome
    package var satisfied: Int
    package var satisfactionRate: Double?       // satisfied / followedUp
    package var free: Int                       // warranty decided as a free repair
    package var charged: Int
    package var chargedTotal: Double            // the charged repairs' amounts

    package init(row: inout PGRowReader) throws {
        let text: String = try row.next()
        section = CaseReportSection(rawValue: text) ?? .total
        category = try row.next()
        subcategory = try row.next()
        id = try row.next()
        code = try row.next()
        name = try row.next()
        cases = try row.next()
        resolved = try row.next()
        withinSLA = try row.next()
        withinSLARate = try row.next()
        meanHours = try row.next()
        p90Hours = try row.next()
        reopened = try row.next()
        reopenRate = try row.next()
        followedUp = try row.next()
        satisfied = try row.next()
        satisfactionRate = try row.next()
        free = try row.next()
        charged = try row.next()
        chargedTotal = try row.next()
    }
}

/// The report's sections, in the order they are answered.
package enum CaseReportSection: String, CaseIterable, Sendable {
    case total, category, subcategory, department, site, region
}

package enum CaseReportStore {
    /// The unit's path today as uuid[] text, for the policy; nil when the tenant has no such unit.
    package static func unitPath(_ connection: PGConnection, id: String) async throws -> String? {
        try await connection.query("SELECT orgd_unit_path(\(id)::uuid)::text" as PGQuery).decodeFirst(String?.self) ?? nil
    }

    /// The region's path as uuid[] text; nil when the tenant has no such region.
    package static func regionPath(_ connection: PGConnection, id: String) async throws -> String? {
        try await connection.query("SELECT orgd_region_path(\(id)::uuid)::text" as PGQuery).decodeFirst(String?.self) ?? nil
    }

    /// Every group of the cases received from `from` (inclusive) to `to` (exclusive), narrowed to
    /// a unit's subtree and a region's subtree (today's trees) when given; sections in
    /// `CaseReportSection` order, each by cases, most first.
    ///
    /// GROUPING(category, subcategory, unit_id, site_id, region_id) tells the sets apart (a bit
    /// is 1 where the column is not grouped): 31 the month, 15 category, 7 subcategory,
    /// 27 department, 29 site, 30 region.
    package static func rows(_ connection: PGConnection, from: String, to: String, unitID: String?, regionID: String?,
                             today: String) async throws -> [CaseReportRow] {
        try await connection.query("""
            WITH month AS (
                SELECT c.category, c.subcategory, c.unit_id, c.site_id, coalesce(s.region_id, c.region_id) AS region_id,
                       extract(epoch FROM c.resolved_at - c.received_at) / 3600 AS hours,
                       c.breaches, c.reopen_count, c.satisfied, c.charge, c.charge_amount
                FROM cases c
                LEFT JOIN site_versions s ON s.tenant_id = c.tenant_id AND s.site_id = c.site_id AND s.valid @> \(today)::date
                WHERE c.received_at >= \(from)::timestamptz AND c.received_at < \(to)::timestamptz),
            grouped AS (
                SELECT GROUPING(category, subcategory, unit_id, site_id, region_id) AS set, category, subcategory, unit_id, site_id, region_id,
                       count(*) AS cases, count(hours) AS resolved, count(hours) FILTER (WHERE breaches = 0) AS within_sla,
                       avg(hours) AS mean_hours, percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90_hours,
                       count(*) FILTER (WHERE reopen_count > 0) AS reopened, count(satisfied) AS followed_up,
                       count(*) FILTER (WHERE satisfied) AS satisfied, count(*) FILTER (WHERE charge = 'free') AS free,
                       count(*) FILTER (WHERE charge = 'charged') AS charged,
                       coalesce(sum(charge_amount) FILTER (WHERE charge = 'charged'), 0) AS charged_total
                FROM month
                WHERE (\(regionID)::uuid IS NULL OR region_id IN (
                           SELECT g.id FROM regions g WHERE g.path <@ (SELECT p.path FROM regions p WHERE p.id = \(regionID)::uuid)))
                  AND (\(unitID)::uuid IS NULL OR unit_id IN (
                           SELECT v.unit_id FROM unit_versions v
                           WHERE v.valid @> \(today)::date AND v.path <@ (SELECT p.path FROM unit_versions p
                                                                        WHERE p.unit_id = \(unitID)::uuid AND p.valid @> \(today)::date)))
                GROUP BY GROUPING SETS ((), (category), (category, subcategory), (unit_id), (site_id), (region_id)))
            SELECT CASE g.set WHEN 31 THEN 'total' WHEN 15 THEN 'category' WHEN 7 THEN 'subcategory' WHEN 27 THEN 'department'
                              WHEN 29 THEN 'site' ELSE 'region' END,
                   g.category, g.subcategory, coalesce(g.unit_id, g.site_id, g.region_id)::text,
                   coalesce(u.code, st.code, r.code), coalesce(sc.name, u.name, st.name, r.name),
                   g.cases, g.resolved, g.within_sla, round(g.within_sla::numeric / nullif(g.resolved, 0), 4)::float8,
                   round(g.mean_hours::numeric, 2)::float8, round(g.p90_hours::numeric, 2)::float8,
                   g.reopened, round(g.reopened::numeric / nullif(g.resolved, 0), 4)::float8,
                   g.followed_up, g.satisfied, round(g.satisfied::numeric / nullif(g.followed_up, 0), 4)::float8,
                   g.free, g.charged, g.charged_total::float8
            FROM grouped g
            LEFT JOIN case_subcategories sc ON g.set = 7 AND sc.category = g.category AND sc.code = g.subcategory
            LEFT JOIN LATERAL (SELECT v.code, v.name FROM unit_versions v WHERE g.set = 27 AND v.unit_id = g.unit_id
                               ORDER BY v.valid @> \(today)::date DESC, lower(v.valid) DESC LIMIT 1) u ON true
            LEFT JOIN LATERAL (SELECT s.code, v.name FROM sites s JOIN site_versions v ON v.tenant_id = s.tenant_id AND v.site_id = s.id
                               WHERE g.set = 29 AND s.id = g.site_id
                               ORDER BY v.valid @> \(today)::date DESC, lower(v.valid) DESC LIMIT 1) st ON true
            LEFT JOIN regions r ON g.set = 30 AND r.id = g.region_id
            ORDER BY array_position(ARRAY[31, 15, 7, 27, 29, 30], g.set), g.cases DESC, g.category, 5, 6
            """ as PGQuery).decode()
    }
}
