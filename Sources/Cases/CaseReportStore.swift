// The monthly quality report's statements: the cases received in a month (UTC), summed in
// Postgres by GROUPING SETS into the whole month, each category, subcategory, department (the
// case's unit), site (the last it was dispatched to) and region (the customer's, as the case
// list filters it), one row per group with its names. Orgd never loads the month's cases.
//
// Summing costs a few µs a case of the month (CPU: six grouping sets, a sort per group for the
// 90th percentile), so it grows with the month's cases, not the tenant's. The tenant-wide report
// of a month is kept in case_report_snapshots (sql/0027) with the fingerprint of the month's
// cases; asking again reads the fingerprint (one range scan, no sort) and sums again only when a
// case of the month changed. Narrowed reports sum fewer groups and are always summed afresh.

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

    /// The month's cases as a fingerprint: their number and the sum of a hash of each row's xmin
    /// (the transaction that last wrote it), which any change to one of them changes.
    static func fingerprint(from: String, to: String) -> PGQuery {
        """
        (SELECT count(*) || ':' || coalesce(sum(hashtextextended(f.xmin::text, 0)), 0) FROM cases f
         WHERE f.received_at >= \(from)::timestamptz AND f.received_at < \(to)::timestamptz)
        """
    }

    /// The answer's columns from the summed groups `g` (columns of `summed` below, or of a
    /// snapshot): the group's section, key and names today, and its figures with their rates;
    /// sections in `CaseReportSection` order, each by cases, most first.
    ///
    /// GROUPING(category, subcategory, unit_id, site_id, region_id) tells the sets apart (a bit
    /// is 1 where the column is not grouped): 31 the month, 15 category, 7 subcategory,
    /// 27 department, 29 site, 30 region.
    static func answer(today: String) -> PGQuery {
        """
        SELECT CASE g.set WHEN 31 THEN 'total' WHEN 15 THEN 'category' WHEN 7 THEN 'subcategory' WHEN 27 THEN 'department'
                          WHEN 29 THEN 'site' ELSE 'region' END,
               g.category, g.subcategory, coalesce(g.unit_id, g.site_id, g.region_id)::text,
               coalesce(u.code, st.code, r.code), coalesce(sc.name, u.name, st.name, r.name),
               g.cases, g.resolved, g.within_sla, round(g.within_sla::numeric / nullif(g.resolved, 0), 4)::float8,
               round(g.mean_hours::numeric, 2)::float8, round(g.p90_hours::numeric, 2)::float8,
               g.reopened, round(g.reopened::numeric / nullif(g.resolved, 0), 4)::float8,
               g.followed_up, g.satisfied, round(g.satisfied::numeric / nullif(g.followed_up, 0), 4)::float8,
               g.free, g.charged, g.charged_total::float8
        FROM g
        LEFT JOIN case_subcategories sc ON g.set = 7 AND sc.category = g.category AND sc.code = g.subcategory
        LEFT JOIN LATERAL (SELECT v.code, v.name FROM unit_versions v WHERE g.set = 27 AND v.unit_id = g.unit_id
                           ORDER BY v.valid @> \(today)::date DESC, lower(v.valid) DESC LIMIT 1) u ON true
        LEFT JOIN LATERAL (SELECT s.code, v.name FROM sites s JOIN site_versions v ON v.tenant_id = s.tenant_id AND v.site_id = s.id
                           WHERE g.set = 29 AND s.id = g.site_id
                           ORDER BY v.valid @> \(today)::date DESC, lower(v.valid) DESC LIMIT 1) st ON true
        LEFT JOIN regions r ON g.set = 30 AND r.id = g.region_id
        ORDER BY array_position(ARRAY[31, 15, 7, 27, 29, 30], g.set), g.cases DESC, g.category, 5, 6
        """
    }

    /// The month's tenant-wide groups from its snapshot; empty when there is none or a case of
    /// the month changed since it was summed.
    static func kept(_ connection: PGConnection, month: String, from: String, to: String, today: String) async throws -> [CaseReportRow] {
        try await connection.query("""
            WITH g AS (
                SELECT k.* FROM case_report_snapshots s,
                       jsonb_to_recordset(s.groups) AS k(set int, category text, subcategory text, unit_id uuid, site_id uuid, region_id uuid,
                                                         cases bigint, resolved bigint, within_sla bigint, mean_hours float8, p90_hours float8,
                                                         reopened bigint, followed_up bigint, satisfied bigint, free bigint, charged bigint,
                                                         charged_total numeric)
                WHERE s.month = \(month)::date AND s.fingerprint = \(unescaped: fingerprint(from: from, to: to)))
            \(unescaped: answer(today: today))
            """ as PGQuery).decode()
    }

    /// Every group of the cases received from `from` (inclusive) to `to` (exclusive), narrowed to
    /// a unit's subtree and a region's subtree (today's trees) when given. Tenant-wide, the groups
    /// replace the month's snapshot (`tenant`), in the same statement and so from the same cases
    /// as its fingerprint.
    ///
    /// Custom plans: a generic plan cannot see how many cases the month holds and was seen to
    /// join them to a nested loop (4 s); the sorts get the memory to stay off disk, and JIT
    /// compilation (cost above jit_above_cost) would take longer than it saves.
    static func summed(_ connection: PGConnection, tenant: String, month: String, from: String, to: String, unitID: String?,
                       regionID: String?, today: String) async throws -> [CaseReportRow] {
        _ = try await connection.simpleQuery("SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        let keep = unitID == nil && regionID == nil
        return try await connection.query("""
            WITH month AS (
                SELECT c.category, c.subcategory, c.unit_id, c.site_id, c.region_id,
                       date_part('epoch', c.resolved_at - c.received_at) / 3600 AS hours,
                       c.breaches, c.reopen_count, c.satisfied, c.charge, c.charge_amount
                FROM cases c
                WHERE c.received_at >= \(from)::timestamptz AND c.received_at < \(to)::timestamptz
                  AND (\(regionID)::uuid IS NULL OR c.region_id IN (
                           SELECT g.id FROM regions g WHERE g.path <@ (SELECT p.path FROM regions p WHERE p.id = \(regionID)::uuid)))
                  AND (\(unitID)::uuid IS NULL OR c.unit_id IN (
                           SELECT v.unit_id FROM unit_versions v
                           WHERE v.valid @> \(today)::date AND v.path <@ (SELECT p.path FROM unit_versions p
                                                                        WHERE p.unit_id = \(unitID)::uuid AND p.valid @> \(today)::date)))),
            g AS (
                SELECT GROUPING(category, subcategory, unit_id, site_id, region_id) AS set, category, subcategory, unit_id, site_id, region_id,
                       count(*) AS cases, count(hours) AS resolved, count(hours) FILTER (WHERE breaches = 0) AS within_sla,
                       avg(hours) AS mean_hours, percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90_hours,
                       count(*) FILTER (WHERE reopen_count > 0) AS reopened, count(satisfied) AS followed_up,
                       count(*) FILTER (WHERE satisfied) AS satisfied, count(*) FILTER (WHERE charge = 'free') AS free,
                       count(*) FILTER (WHERE charge = 'charged') AS charged,
                       coalesce(sum(charge_amount) FILTER (WHERE charge = 'charged'), 0) AS charged_total
                FROM month
                GROUP BY GROUPING SETS ((), (category), (category, subcategory), (unit_id), (site_id), (region_id))),
            kept AS (
                INSERT INTO case_report_snapshots (tenant_id, month, fingerprint, groups)
                SELECT \(tenant)::uuid, \(month)::date, \(unescaped: fingerprint(from: from, to: to)), a.groups
                FROM (SELECT jsonb_agg(to_jsonb(g)) AS groups FROM g) a WHERE \(keep)
                ON CONFLICT (tenant_id, month) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, groups = EXCLUDED.groups, summed_at = now())
            \(unescaped: answer(today: today))
            """ as PGQuery).decode()
    }

    /// The report's groups: the month's snapshot when it still holds (tenant-wide only), else
    /// summed now.
    package static func rows(_ connection: PGConnection, tenant: String, month: String, from: String, to: String, unitID: String?,
                             regionID: String?, today: String) async throws -> [CaseReportRow] {
        if unitID == nil && regionID == nil {
            let kept = try await kept(connection, month: month, from: from, to: to, today: today)
            if !kept.isEmpty { return kept }
        }
        return try await summed(connection, tenant: tenant, month: month, from: from, to: to, unitID: unitID, regionID: regionID, today: today)
    }
}
