// The regions a per-region post covers ("1名/区域"): the child regions of its unit's region; the
// unit's own region when that has no children; the tenant's top-level regions when the unit has
// no region. Headcount.establishmentSQL counts seats the same way (n × regions covered).

import App
import HTTP
import Postgres

package enum RegionCoverage {
    package struct Region: Sendable {
        package var id: String
        package var code: String
        package var name: String
    }

    /// Covered regions of a position row (PositionStore.columns), by code; empty when the tenant
    /// has no regions, in which case the post has n seats and holders name no region.
    package static func regions(_ connection: PGConnection, of position: PGRow) async throws -> [Region] {
        try await regions(connection, unitRegion: OrgPath.ids(position.string("region_path")).last)
    }

    package static func regions(_ connection: PGConnection, unitRegion: String?) async throws -> [Region] {
        try await connection.query("""
            SELECT r.id::text AS id, r.code, r.name FROM regions r
            WHERE CASE WHEN $1::uuid IS NULL THEN r.parent_id IS NULL
                       WHEN EXISTS (SELECT 1 FROM regions c WHERE c.parent_id = $1::uuid) THEN r.parent_id = $1::uuid
                       ELSE r.id = $1::uuid END
            ORDER BY r.code
            """, [unitRegion]).map { Region(id: $0.string("id")!, code: $0.string("code") ?? "", name: $0.string("name") ?? "") }
    }

    /// "EAST, NORTH, SOUTH" for messages.
    package static func codes(_ regions: [Region]) -> String {
        regions.map(\.code).joined(separator: ", ")
    }
}
