// Whether one site may take a job needing a capability today — the nearest search's rule, asked
// of a site someone chose (a case's dispatch): authorised (or on probation where the tenant
// allows it), within its authorisation period, not archived, offering the capability, covering
// the customer's region when there is one and their place within its service radius, and with a
// technician certified for it today.

import App
import OrgChart
import Postgres

package enum SiteEligibility {
    /// Why the site may not take the job (the nearest search's reason codes); empty when it may.
    package static func reasons(_ connection: PGConnection, site: Site, capability: String, probationEligible: Bool,
                                regionAncestors: [String]?, point: (latitude: Double, longitude: Double)? = nil) async throws -> [String] {
        var reasons: [String] = []
        if !site.status.takesWork(probationEligible: probationEligible) { reasons.append("status") }
        if site.authorisationExpired { reasons.append("authorisation_expired") }
        if site.authorisationPending { reasons.append("authorisation_pending") }
        if site.archived { reasons.append("archived") }
        if !site.capabilities.contains(capability) { reasons.append("capability") }
        if let regionAncestors, Set(site.covers.isEmpty ? [site.regionID] : site.covers).isDisjoint(with: regionAncestors) {
            reasons.append("coverage")
        }
        if let point, let radius = site.serviceRadiusKM, let latitude = site.latitude, let longitude = site.longitude,
           try await distanceKM(connection, from: (latitude, longitude), to: point) > radius {
            reasons.append("radius")
        }
        if try await CertificationStore.certifiedTechnicians(connection, site: site.id, capability: capability, on: site.day) == 0 {
            reasons.append("no_certified_technician")
        }
        return reasons
    }

    /// The great-circle distance Postgres computes (orgd_distance_km), as the nearest search does.
    static func distanceKM(_ connection: PGConnection, from a: (Double, Double), to b: (latitude: Double, longitude: Double)) async throws -> Double {
        try await connection.query("""
            SELECT orgd_distance_km(\(a.0)::float8, \(a.1)::float8, \(b.latitude)::float8, \(b.longitude)::float8)
            """ as PGQuery).decodeFirst(Double.self) ?? 0
    }

    /// The region and its ancestors in today's tree; nil for no region, empty for a region that
    /// is not this tenant's.
    package static func ancestors(_ connection: PGConnection, region: String?) async throws -> [String]? {
        guard let region else { return nil }
        let path: String? = try await connection.query("SELECT orgd_region_path(\(region)::uuid)::text" as PGQuery).decodeFirst(String?.self) ?? nil
        return OrgPath.ids(path)
    }
}
