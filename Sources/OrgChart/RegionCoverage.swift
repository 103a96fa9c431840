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

    /// Covered regions of a position, by code; empty when the tenant has no regions, in which
    /// case the post has n seats and holders name no region.
    package static func regions(_ connection: PGConnection, of position: Position) async throws -> [Region] {
        try await regions(connection, unitRegion: OrgPath.ids(position.regionPath).last)
    }

    /// Covered regions of a post in a unit of region `unitRegion` (nil: a unit without one).
    package static func regions(_ connection: PGConnection, unitRegion: String?) async throws -> [Region] {
        try await RegionStore.covered(connection, unitRegion: unitRegion)
    }

    /// "EAST, NORTH, SOUTH" for messages.
    package static func codes(_ regions: [Region]) -> String {
        regions.map(\.code).joined(separator: ", ")
    }
}
