// The inspections and inspection_scores tables: every statement of the two, the site ranking
// among them. An inspection and its scores are written once, together, and never changed; each
// is read with its site's code, name and region today (the policy decides on that region).

import App
import HTTP
import OrgChart
import Policy
import Postgres

/// An inspection checked and scored, ready to store.
package struct InspectionDraft: Sendable {
    package var siteID: String
    package var templateID: String
    package var inspectedOn: String
    package var inspectorPositionID: String
    package var inspectorPersonID: String
    package var totalHundredths: Int
    package var thresholdHundredths: Int
    package var findings: String
    package var recordedBy: String?
    package var scores: [(item: String, score: Int, note: String)]

    package init(siteID: String, templateID: String, inspectedOn: String, inspectorPositionID: String, inspectorPersonID: String,
                 totalHundredths: Int, thresholdHundredths: Int, findings: String, recordedBy: String?,
                 scores: [(item: String, score: Int, note: String)]) {
        self.siteID = siteID
        self.templateID = templateID
        self.inspectedOn = inspectedOn
        self.inspectorPositionID = inspectorPositionID
        self.inspectorPersonID = inspectorPersonID
        self.totalHundredths = totalHundredths
        self.thresholdHundredths = thresholdHundredths
        self.findings = findings
        self.recordedBy = recordedBy
        self.scores = scores
    }
}

/// One site of the ranking: its latest total and average over the period, how many inspections,
/// and its place among the sites listed (1 is the best; equal latest totals share a place).
package struct RankedSite: Sendable, PGRowDecodable, JSONResource {
    package var siteID: String
    package var siteCode: String
    package var siteName: String
    package var regionID: String
    package var regionPathIDs: String?
    package var latestHundredths: Int
    package var latestOn: String
    package var averageHundredths: Int
    package var inspections: Int
    package var rank = 0

    /// Reads the columns of `InspectionStore.ranking`, in their order.
    package init(row: inout PGRowReader) throws {
        siteID = try row.next()
        siteCode = try row.next()
        siteName = try row.next()
        regionID = try row.next()
        regionPathIDs = try row.next()
        latestHundredths = try row.next()
        latestOn = try row.next()
        averageHundredths = try row.next()
        inspections = try row.next()
    }

    package func target(_ caller: Caller) -> Target {
        .network(caller.tenant, region: OrgPath.tree(regionPathIDs))
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("rank", rank)
        json.field("site_id", siteID)
        json.field("site_code", siteCode)
        json.field("site_name", siteName)
        json.field("region_id", regionID)
        json.field("latest_total", Hundredths.value(latestHundredths))
        json.field("latest_inspected_on", latestOn)
        json.field("average_total", Hundredths.value(averageHundredths))
        json.field("inspections", inspections)
        json.endObject()
    }

    /// Places for sites in the order given (latest total, best first): equal totals share one,
    /// and the next total takes the place after all of them (1, 1, 3).
    package static func ranked(_ sites: [RankedSite]) -> [RankedSite] {
        var ranked = sites
        for index in ranked.indices {
            ranked[index].rank = index > 0 && ranked[index].latestHundredths == ranked[index - 1].latestHundredths
                ? ranked[index - 1].rank : index + 1
        }
        return ranked
    }
}

package enum InspectionStore {
    static let columns: PGQuery = """
        i.id::text, i.site_id::text, s.code, v.name, i.template_id::text, t.name, i.inspected_on::text,
        i.inspector_position_id::text, i.inspector_person_id::text, (i.total * 100)::int, (i.threshold * 100)::int, i.findings,
        i.recorded_by::text, to_char(i.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), orgd_ltree_ids(r.path)::text
        """

    /// The inspections `i` with their template `t`, site `s`, its version `v` and region `r` today.
    static var from: PGQuery {
        """
        FROM inspections i
        JOIN inspection_templates t ON t.tenant_id = i.tenant_id AND t.id = i.template_id
        JOIN sites s ON s.tenant_id = i.tenant_id AND s.id = i.site_id
        \(unescaped: SiteStore.versionAndRegion(on: OrgDate.today))
        """
    }

    static let scoreColumns: PGQuery = "sc.item_key, it.title, (it.weight * 100)::int, it.max_score, sc.score, sc.note"

    /// The inspection; nil for an unknown or another tenant's one.
    package static func inspection(_ connection: PGConnection, id: String) async throws -> Inspection? {
        try await connection.query("SELECT \(unescaped: columns) \(unescaped: from) WHERE i.id = \(id)::uuid").decodeFirst()
    }

    /// A page of the site's inspections, newest first (by day inspected, then recorded), after `after`.
    package static func list(_ connection: PGConnection, site: String, after: String?, limit: Int) async throws -> [Inspection] {
        try await connection.query("""
            SELECT \(unescaped: columns) \(unescaped: from)
            WHERE i.site_id = \(site)::uuid
              AND (\(after)::uuid IS NULL OR (i.inspected_on, i.recorded_at, i.id)
                   < (SELECT a.inspected_on, a.recorded_at, a.id FROM inspections a WHERE a.id = \(after)::uuid))
            ORDER BY i.inspected_on DESC, i.recorded_at DESC, i.id DESC LIMIT \(limit)
            """).decode()
    }

    /// The inspection's scores in the template's order of items.
    package static func scores(_ connection: PGConnection, inspection: String) async throws -> [InspectionScore] {
        try await connection.query("""
            SELECT \(unescaped: scoreColumns) FROM inspection_scores sc
            JOIN inspection_template_items it ON it.tenant_id = sc.tenant_id AND it.template_id = sc.template_id AND it.key = sc.item_key
            WHERE sc.inspection_id = \(inspection)::uuid ORDER BY it.position
            """).decode()
    }

    /// Stores the inspection and its scores; its id.
    package static func create(_ connection: PGConnection, tenant: String, _ draft: InspectionDraft) async throws -> String {
        let id = try await connection.query("""
            INSERT INTO inspections (tenant_id, site_id, template_id, inspected_on, inspector_position_id, inspector_person_id,
                                     total, threshold, findings, recorded_by)
            VALUES (\(tenant)::uuid, \(draft.siteID)::uuid, \(draft.templateID)::uuid, \(draft.inspectedOn)::date,
                    \(draft.inspectorPositionID)::uuid, \(draft.inspectorPersonID)::uuid, \(Hundredths.text(draft.totalHundredths))::numeric,
                    \(Hundredths.text(draft.thresholdHundredths))::numeric, \(draft.findings), \(draft.recordedBy)::uuid)
            RETURNING id::text
            """ as PGQuery).decodeFirst(String.self)!
        _ = try await connection.query("""
            INSERT INTO inspection_scores (tenant_id, inspection_id, template_id, item_key, score, note)
            SELECT \(tenant)::uuid, \(id)::uuid, \(draft.templateID)::uuid, u.item, u.score, u.note
            FROM unnest(\(draft.scores.map { $0.item })::text[], \(draft.scores.map { $0.score })::int[], \(draft.scores.map { $0.note })::text[])
                 AS u(item, score, note)
            """ as PGQuery)
        return id
    }

    /// The sites inspected from `from` to `to` (inclusive) whose region today is `region` or
    /// below it (every site when nil): each one's latest total in the period (the last day
    /// inspected, then the last recorded), its average (rounded to hundredths) and count, best
    /// latest total first, then by code. Places are given by `RankedSite.ranked` to the rows kept.
    package static func ranking(_ connection: PGConnection, from: String, to: String, region: String?) async throws -> [RankedSite] {
        try await connection.query("""
            SELECT s.id::text, s.code, v.name, v.region_id::text, orgd_ltree_ids(r.path)::text,
                   ((array_agg(i.total ORDER BY i.inspected_on DESC, i.recorded_at DESC, i.id DESC))[1] * 100)::int,
                   max(i.inspected_on)::text, round(avg(i.total) * 100)::int, count(*)::int
            FROM inspections i
            JOIN sites s ON s.tenant_id = i.tenant_id AND s.id = i.site_id
            \(unescaped: SiteStore.versionAndRegion(on: OrgDate.today))
            WHERE i.inspected_on BETWEEN \(from)::date AND \(to)::date AND \(unescaped: SiteStore.inSubtree(of: region))
            GROUP BY s.id, s.code, v.name, v.region_id, r.path
            ORDER BY 6 DESC, lower(s.code)
            """).decode()
    }
}
