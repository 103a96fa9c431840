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

    /// A per-region post ("n名/区域"): `perRegion` seats in each region it covers.
    package struct Post: Sendable {
        package var id: String
        package var perRegion: Int
        package var unitRegion: String?         // the region of the post's unit, nil for none

        package init(id: String, perRegion: Int, unitRegion: String?) {
            self.id = id
            self.perRegion = perRegion
            self.unitRegion = unitRegion
        }
    }

    /// Region seats by position id, for the positions that are per-region posts.
    package static func vacant(_ connection: PGConnection, positions: [Position], on date: String) async throws -> [String: [Seat]] {
        let posts = positions.filter { $0.headcount.kind == "per_region" }.map { position in
            Post(id: position.id, perRegion: position.headcount.min ?? 1, unitRegion: OrgPath.ids(position.regionPath).last)
        }
        return try await vacant(connection, posts: posts, on: date)
    }

    /// Region seats by post id.
    package static func vacant(_ connection: PGConnection, posts: [Post], on date: String) async throws -> [String: [Seat]] {
        guard !posts.isEmpty else { return [:] }
        var coverage: [String: [RegionCoverage.Region]] = [:]      // by the unit's region id ("" for none)
        for post in posts where coverage[post.unitRegion ?? ""] == nil {
            coverage[post.unitRegion ?? ""] = try await RegionCoverage.regions(connection, unitRegion: post.unitRegion)
        }
        var held: [String: Int] = [:]                                // "position region" → holders
        for (position, region, holders) in try await connection.query("""
            SELECT position_id::text, region_id::text, count(*) FROM assignments
            WHERE position_id = ANY (\(posts.map(\.id))::uuid[]) AND valid @> \(date)::date AND region_id IS NOT NULL
            GROUP BY position_id, region_id
            """ as PGQuery).decode(String.self, String.self, Int.self) {
            held["\(position) \(region)"] = holders
        }
        var seats: [String: [Seat]] = [:]
        for post in posts {
            seats[post.id] = (coverage[post.unitRegion ?? ""] ?? []).map { region in
                let holders = held["\(post.id) \(region.id)"] ?? 0
                return Seat(region: region, holders: holders, vacant: max(0, post.perRegion - holders))
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
