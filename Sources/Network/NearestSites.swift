// GET /v1/network/sites/nearest: the sites that may take a job needing `capability` at a place,
// nearest first. Eligible means, on today's date:
//   - authorised (or on probation where the tenant's settings allow it), within the authorisation
//     period, not archived;
//   - offers the capability;
//   - covers the place: a covered region (the site's own when it lists none) at or above
//     `region_id`, and the place within its service radius when it has one;
//   - at least one technician posted there today holds a valid, unrevoked certification for it.
// With `explain=true` the answer also lists the nearer sites that were left out, each with why.
//
// The distance is Postgres's: sites are walked outwards through the GiST index on
// site_versions.geo (a KNN scan, `geo <-> point`, which row-level security leaves an index
// ordering; `NearestSiteStore.find` says what the query's shape must keep for Postgres to use it)
// and the great-circle distance is computed for the rows read; see docs/performance.md for the
// plan and the figures.

import App
import HTTP
import OrgChart
import Policy
import Postgres

package struct NearestQuery: Sendable {
    package var latitude: Double?
    package var longitude: Double?
    package var regionID: String?
    package var capability: String
    package var limit: Int
    package var maxKM: Double?
    package var explain: Bool

    /// Reads and checks the query parameters (400 naming the parameter).
    package init(_ context: RequestContext) throws {
        func number(_ name: String) throws -> Double? {
            guard let text = context.query(name) else { return nil }
            guard let value = Double(text), value.isFinite else {
                throw Problem.invalidQuery(name, rule: "number", "\(name) must be a number, got \(text)")
            }
            return value
        }
        latitude = try number("latitude")
        longitude = try number("longitude")
        if (latitude == nil) != (longitude == nil) {
            throw Problem.invalidQuery(latitude == nil ? "latitude" : "longitude", rule: "point_whole",
                                       "latitude and longitude are given together")
        }
        if let latitude, !(-90...90).contains(latitude) {
            throw Problem.invalidQuery("latitude", rule: "range", "latitude must be from -90 to 90 (WGS84 degrees), got \(latitude)")
        }
        if let longitude, !(-180...180).contains(longitude) {
            throw Problem.invalidQuery("longitude", rule: "range", "longitude must be from -180 to 180 (WGS84 degrees), got \(longitude)")
        }
        regionID = try context.queryID("region_id", "a region id")
        if latitude == nil && regionID == nil {
            throw Problem.invalidQuery("latitude", rule: "place_required", "give the place: latitude and longitude, or region_id, or both")
        }
        guard let capability = context.query("capability") else {
            throw Problem.invalidQuery("capability", rule: "required", "capability (product_line/service_type) is required")
        }
        self.capability = capability
        if let text = context.query("limit") {
            guard let value = Int(text), (1...50).contains(value) else {
                throw Problem.invalidQuery("limit", rule: "range", "limit must be a whole number from 1 to 50")
            }
            limit = value
        } else {
            limit = 5
        }
        maxKM = try number("max_km")
        if let maxKM, !(maxKM > 0 && maxKM <= 20000) {
            throw Problem.invalidQuery("max_km", rule: "range", "max_km is more than 0 and at most 20000")
        }
        explain = try context.flag("explain")
    }
}

/// One site of the answer: the site, its distance (nil without coordinates), its certified
/// technicians today, and for a left-out site why.
package struct NearSite: Sendable, PGRowDecodable {
    package var site: Site
    package var distanceKM: Double?
    package var certifiedTechnicians: Int
    package var reasons: [String]               // codes; empty for an eligible site
    package var lastCertificationExpiry: String?

    package init(row: inout PGRowReader) throws {
        site = try Site(row: &row)
        distanceKM = try row.next()
        reasons = StoredValues.array(try row.next(String?.self))
        try row.skip(2)                         // the version's day and the site's uuid, for the query itself
        certifiedTechnicians = try row.next()
        lastCertificationExpiry = try row.next()
    }

    /// Why the site was left out, in words, for each reason code.
    func explanation(_ query: NearestQuery, probationEligible: Bool) -> [(code: String, detail: String)] {
        reasons.map { code in
            let detail: String = switch code {
            case "status": "the site is \(site.statusText)" + (site.status == .probation && !probationEligible
                                                                 ? " and this tenant does not dispatch to sites on probation" : "")
            case "authorisation_expired": "its authorisation ended on \(site.authorisedUntil ?? "?")"
            case "authorisation_pending": "its authorisation starts on \(site.authorisedFrom ?? "?")"
            case "archived": "the site is archived"
            case "capability": "the site does not offer \(query.capability)"
            case "coverage": "the site does not cover that region"
            case "radius": "the place is outside its service radius of \(site.serviceRadiusKM.map { "\($0)" } ?? "?") km"
            case "no_certified_technician":
                lastCertificationExpiry.map { "no technician there holds a valid \(query.capability) certification (the last one expired on \($0))" }
                    ?? "no technician there holds a \(query.capability) certification"
            default: code
            }
            return (code, detail)
        }
    }
}

package enum NearestSiteStore {
    /// Nearest first (or by name without coordinates): the sites today with their distance,
    /// certified technicians and reasons. `eligibleOnly` keeps only eligible ones and stops at
    /// `limit`; otherwise the `limit` nearest whatever they are (for `explain`).
    ///
    /// Two levels, so that the GiST index gives the order (docs/performance.md, "Service
    /// network"). The inner one walks the tenant's site versions nearest first, each with the
    /// reasons it would be left out for; OFFSET 0 keeps Postgres from merging it with the outer
    /// one, so it is planned alone, for the few rows the outer LIMIT takes: a KNN scan of
    /// site_versions_geo. That holds only while the inner query's row estimate stays near the
    /// tenant's size, so it orders by distance alone (an index ordering must match the whole ORDER
    /// BY: a second key such as the name sends Postgres back to sorting all the tenant's sites) and
    /// filters on nothing but the distance (max_km): under row-level security the planner may not
    /// use the statistics for a non-leakproof operator such as a range's `@>` and assumes 0.5 %
    /// of the rows pass, so even the version's day is tested outside, and the walk also passes
    /// the site's other versions. The outer one keeps today's versions without reasons that have a
    /// certified technician, in the order they come, and stops at the LIMIT; its certification
    /// subqueries run only for the sites it reads. It is planned for the tenant at hand each time
    /// (`SiteStore.planForThisTenant`: a generic plan made for a tiny tenant sorts a big one's
    /// sites); the LIMIT is written into the statement rather than bound all the same. Ties in
    /// distance come in index order.
    static func find(_ connection: PGConnection, _ query: NearestQuery, ancestors: [String]?, probationEligible: Bool,
                     eligibleOnly: Bool, limit: Int) async throws -> [NearSite] {
        try await SiteStore.planForThisTenant(connection)
        let today = OrgDate.today
        let statuses = probationEligible ? ["authorised", "probation"] : ["authorised"]
        let located = query.latitude != nil
        let point: PGQuery = located ? "orgd_earth_point(\(query.latitude!)::float8, \(query.longitude!)::float8)" : "NULL::cube"
        let distance: PGQuery = located
            ? "orgd_distance_km(v.latitude, v.longitude, \(query.latitude!)::float8, \(query.longitude!)::float8)" : "NULL::float8"
        let covered: PGQuery = ancestors == nil ? "true"
            : "(CASE WHEN cardinality(v.covers) = 0 THEN ARRAY[v.region_id] ELSE v.covers END) && \(ancestors!)::uuid[]"
        let inRadius: PGQuery = located ? "(v.service_radius_km IS NULL OR \(unescaped: distance) <= v.service_radius_km)" : "true"
        let withinMax: PGQuery = query.maxKM == nil || !located ? "true" : "\(unescaped: distance) <= \(query.maxKM!)::float8"
        // Without a point there is no index order to keep: the walk by name is a sort, and the
        // site's own conditions cut it down first.
        let prefilter: PGQuery = located || !eligibleOnly ? "true" : """
            v.valid @> \(today)::date AND s.status = ANY (\(statuses)::text[]) AND (s.authorised_until IS NULL OR s.authorised_until >= \(today)::date)
            AND (s.authorised_from IS NULL OR s.authorised_from <= \(today)::date) AND NOT v.archived
            AND \(query.capability) = ANY (v.capabilities) AND \(unescaped: covered) AND \(unescaped: inRadius)
            """
        let order: PGQuery = located ? "v.geo <-> \(unescaped: point)" : "v.name"
        // Technicians posted at the walked site (`near`) today with a valid, unrevoked
        // certification for the capability.
        let certifiedAt: PGQuery = """
            FROM technician_postings p
            JOIN technicians t ON t.tenant_id = p.tenant_id AND t.id = p.technician_id AND NOT t.archived
            JOIN certifications c ON c.tenant_id = p.tenant_id AND c.technician_id = p.technician_id
            WHERE p.site_id = near.site_uuid AND p.valid @> \(today)::date AND c.capability = \(query.capability)
              AND c.issued_on <= \(today)::date AND c.expires_on >= \(today)::date AND c.revoked_on IS NULL
            """
        // The last expired certification, for `explain`'s words on a site without a valid one.
        let lastExpiry: PGQuery = eligibleOnly ? "NULL::text" : """
            (SELECT max(c.expires_on)::text FROM technician_postings p
             JOIN certifications c ON c.tenant_id = p.tenant_id AND c.technician_id = p.technician_id
             WHERE p.site_id = near.site_uuid AND p.valid @> \(today)::date AND c.capability = \(query.capability)
               AND c.expires_on < \(today)::date)
            """
        // Asked only of sites without reasons (the CASE), one site at a time: a scalar subquery,
        // as Postgres may turn an EXISTS into a join (at the top of a WHERE, and a join above the
        // walk plans it for all its rows again) or into a hash of every certified site of the
        // tenant, built before the first row (tens of milliseconds).
        let eligible: PGQuery = eligibleOnly
            ? "CASE WHEN cardinality(near.reasons) = 0 THEN coalesce((SELECT true \(unescaped: certifiedAt) LIMIT 1), false) ELSE false END"
            : "true"
        return try await connection.query("""
                SELECT near.*, (SELECT count(DISTINCT p.technician_id) \(unescaped: certifiedAt)) AS certified, \(unescaped: lastExpiry)
                FROM (SELECT \(unescaped: SiteStore.columns(on: today)), \(unescaped: distance) AS distance,
                      array_remove(ARRAY[
                          CASE WHEN NOT s.status = ANY (\(statuses)::text[]) THEN 'status' END,
                          CASE WHEN s.authorised_until < \(today)::date THEN 'authorisation_expired' END,
                          CASE WHEN s.authorised_from > \(today)::date THEN 'authorisation_pending' END,
                          CASE WHEN v.archived THEN 'archived' END,
                          CASE WHEN NOT \(query.capability) = ANY (v.capabilities) THEN 'capability' END,
                          CASE WHEN NOT \(unescaped: covered) THEN 'coverage' END,
                          CASE WHEN NOT \(unescaped: inRadius) THEN 'radius' END], NULL) AS reasons,
                      v.valid @> \(today)::date AS on_day, v.site_id AS site_uuid
                      FROM sites s
                      JOIN site_versions v ON v.tenant_id = s.tenant_id AND v.site_id = s.id
                      JOIN regions r ON r.tenant_id = v.tenant_id AND r.id = v.region_id
                      WHERE (v.geo IS NOT NULL OR \(unescaped: point) IS NULL) AND \(unescaped: withinMax) AND \(unescaped: prefilter)
                      ORDER BY \(unescaped: order)
                      OFFSET 0) AS near
                WHERE near.on_day AND \(unescaped: eligible)
                LIMIT \(unescaped: PGQuery(unsafeSQL: String(limit)))
            """).decode().map { (found: NearSite) in
                var site = found
                if site.certifiedTechnicians == 0 { site.reasons.append("no_certified_technician") }
                return site
            }
    }
}

extension SiteRoutes {
    package struct NearestAnswer: Sendable {
        var query: NearestQuery
        var probationEligible: Bool
        var found: [NearSite]
        var excluded: [NearSite]
    }

    /// Decided per site (`site.read`): sites the caller may not read are left out of both lists.
    package static let nearest = Endpoint<NoBody, NearestQuery, NearestAnswer>(
        // Decided as the network's reference data (anyone who reads some of the network), then
        // each site by site.read: a regional manager gets their own region's sites.
        action: .networkCatalogRead, resource: "site",
        check: { call in _ = try NearestQuery(call.context) },
        load: { call, _ in try NearestQuery(call.context) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, query, connection in
            let terms = try await NetworkTermStore.all(connection)
            do { try terms.requireCapability(query.capability, field: "capability") } catch let problem as Problem {
                throw Problem.invalidQuery("capability", rule: problem.rule ?? "capability", problem.detail)
            }
            let settings = try await NetworkSettingsStore.read(connection, ladder: call.caller.ladder)
            let ancestors = try await SiteEligibility.ancestors(connection, region: query.regionID)
            if let region = query.regionID, ancestors?.isEmpty != false {
                throw Problem.invalidQuery("region_id", rule: "exists", "region_id \(region) names no region of this tenant")
            }
            let readable = { (site: NearSite) in call.allows(.siteRead, site.site.target(call.caller)) }
            // The `limit` nearest; when the caller may not read some of them, four times as many, so
            // that those do not shorten the answer. Every site walked costs its certification
            // probes, so a caller who reads them all pays for `limit` sites only.
            func nearest(_ count: Int) async throws -> [NearSite] {
                try await NearestSiteStore.find(connection, query, ancestors: ancestors, probationEligible: settings.probationEligible,
                                                eligibleOnly: true, limit: count)
            }
            let first = try await nearest(query.limit)
            var found = first.filter(readable)
            if found.count < first.count && first.count == query.limit {
                found = try await nearest(query.limit * 4).filter(readable)
            }
            let answer = Array(found.prefix(query.limit))
            var excluded: [NearSite] = []
            if query.explain {
                // Every site nearer than the farthest one returned (or the 20 nearest when none is), left out and why.
                let farthest = answer.last?.distanceKM
                let nearest = try await NearestSiteStore.find(connection, query, ancestors: ancestors,
                                                              probationEligible: settings.probationEligible, eligibleOnly: false,
                                                              limit: min(200, answer.count + 20))
                let chosen = Set(answer.map(\.site.id))
                excluded = nearest.filter { near in
                    !chosen.contains(near.site.id) && !near.reasons.isEmpty && readable(near)
                        && (farthest == nil || (near.distanceKM ?? .infinity) <= farthest!)
                }
            }
            return NearestAnswer(query: query, probationEligible: settings.probationEligible, found: answer, excluded: excluded)
        },
        encode: { _, answer in
            JSONResponse.make { json in
                json.beginObject()
                json.key("items")
                json.beginArray()
                for near in answer.found {
                    json.beginObject()
                    json.field("distance_km", near.distanceKM.map { ($0 * 1000).rounded() / 1000 })
                    json.field("certified_technicians", near.certifiedTechnicians)
                    json.key("site"); near.site.write(to: &json)
                    json.endObject()
                }
                json.endArray()
                if answer.query.explain {
                    json.key("excluded")
                    json.beginArray()
                    for near in answer.excluded {
                        json.beginObject()
                        json.field("distance_km", near.distanceKM.map { ($0 * 1000).rounded() / 1000 })
                        json.key("reasons")
                        json.beginArray()
                        for reason in near.explanation(answer.query, probationEligible: answer.probationEligible) {
                            json.beginObject()
                            json.field("code", reason.code)
                            json.field("detail", reason.detail)
                            json.endObject()
                        }
                        json.endArray()
                        json.key("site"); near.site.write(to: &json)
                        json.endObject()
                    }
                    json.endArray()
                }
                json.field("capability", answer.query.capability)
                json.endObject()
            }
        })
}
