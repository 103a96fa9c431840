// The seats of per-region posts ("1名/区域") region by region on a day: for each region a post
// covers (RegionCoverage), its holders there and its vacant seats. Two queries for a page of
// positions plus one per distinct unit region, however many positions.

import App
import HTTP
import Postgres

package enum RegionSeats {
    package struct Seat: Sendable {
        package var region: RegionCoverage.Region
        package var holders: Int
        package var vacant: Int
    }

    /// Region seats by position id, for the rows (PositionStore.columns) that are per-region posts.
    package static func vacant(_ connection: PGConnection, positions rows: [PGRow], on date: String) async throws -> [String: [Seat]] {
        let perRegion = rows.filter { $0.string("headcount_kind") == "per_region" }
        guard !perRegion.isEmpty else { return [:] }
        var coverage: [String: [RegionCoverage.Region]] = [:]      // by the unit's region id ("" for none)
        for row in perRegion {
            let unitRegion = OrgPath.ids(row.string("region_path")).last
            if coverage[unitRegion ?? ""] == nil {
                coverage[unitRegion ?? ""] = try await RegionCoverage.regions(connection, unitRegion: unitRegion)
            }
        }
        var held: [String: Int] = [:]                                // "position region" → holders
        for row in try await connection.query("""
            SELECT position_id::text AS position_id, region_id::text AS region_id, count(*) AS holders FROM assignments
            WHERE position_id = ANY ($1::uuid[]) AND valid @> $2::date AND region_id IS NOT NULL
            GROUP BY position_id, region_id
            """, [perRegion.map { $0.string("id")! }, date]) {
            held["\(row.string("position_id")!) \(row.string("region_id")!)"] = row.int("holders") ?? 0
        }
        var seats: [String: [Seat]] = [:]
        for row in perRegion {
            let id = row.string("id")!
            let n = row.int("headcount_min") ?? 1
            seats[id] = (coverage[OrgPath.ids(row.string("region_path")).last ?? ""] ?? []).map { region in
                let holders = held["\(id) \(region.id)"] ?? 0
                return Seat(region: region, holders: holders, vacant: max(0, n - holders))
            }
        }
        return seats
    }

    package static func write(_ seats: [Seat], to json: inout JSONWriter) {
        json.beginArray()
        for seat in seats {
            json.beginObject()
            json.field("region_id", seat.region.id)
            json.field("code", seat.region.code)
            json.field("name", seat.region.name)
            json.field("filled", seat.holders)
            json.field("vacant", seat.vacant)
            json.endObject()
        }
        json.endArray()
    }
}
