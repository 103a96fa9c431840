// Whether one more holder fits a position over a period: the headcount check of an appointment,
// shared by POST /v1/assignments and the importer. Callers hold the position's row lock
// (SELECT … FOR UPDATE on positions), so two appointments racing for the last seat cannot both win.
//
// A per-region post ("1名/区域", e.g. one vice-director per region) is checked per region: the
// holder names a region the post covers (RegionCoverage) and that region's n seats must not be
// exceeded on any day of the period; the post's whole establishment is checked as well.

import App
import HTTP
import Postgres

package enum HeadcountCheck {
    /// Refuses the appointment with 409 HEADCOUNT_EXCEEDED (naming the position, its headcount and
    /// the holders) or 422 for a missing or uncovered region. `range` is the assignment's
    /// daterange text, `field` the request field that named the position.
    package static func admit(_ connection: PGConnection, position: PGRow, start: String, range: String,
                              region: String?, field: String) async throws {
        let positionID = position.string("id")!
        let title = position.string("title") ?? ""
        if position.string("headcount_kind") == "per_region" {
            let covered = try await RegionCoverage.regions(connection, of: position)
            if !covered.isEmpty {
                guard let region else {
                    throw Problem.invalid("region_id", rule: "required",
                        "position \(title) has a headcount per region (\(Headcount.text(position))): region_id must name the region the holder covers, one of \(RegionCoverage.codes(covered))")
                }
                guard let match = covered.first(where: { $0.id == region }) else {
                    throw Problem.invalid("region_id", rule: "covered",
                        "region_id \(region) is not a region position \(title) covers; it covers \(RegionCoverage.codes(covered))")
                }
                let seats = position.int("headcount_min") ?? 1
                let peak = try await peakHolders(connection, position: positionID, start: start, range: range, region: region)
                if peak + 1 > seats {
                    var problem = exceeded(position, field: field, holders: peak, seats: seats,
                        "position \(title) (\(positionID)) has \(seats) seat(s) in region \(match.name) (\(match.code)) and \(peak) already hold it there in that period")
                    problem.extra.append(("region_id", .string(region)))
                    throw problem
                }
            }
        }
        guard let establishment = position.int("establishment") else { return }
        let peak = try await peakHolders(connection, position: positionID, start: start, range: range, region: nil)
        if peak + 1 > establishment {
            throw exceeded(position, field: field, holders: peak, seats: establishment,
                "position \(title) (\(positionID)) has a headcount of \(Headcount.text(position)) (\(establishment) seats) and \(peak) already hold it in that period")
        }
    }

    /// The most holders on any day of `range` (from `start` on), in one region when given: days
    /// when the count can rise are the start and every later holder's first day.
    package static func peakHolders(_ connection: PGConnection, position: String, start: String, range: String,
                                    region: String?) async throws -> Int {
        try await connection.query("""
            SELECT coalesce(max((SELECT count(*) FROM assignments a WHERE a.position_id = $1::uuid AND a.valid @> pts.day
                                   AND ($4::uuid IS NULL OR a.region_id = $4::uuid))), 0) AS peak
            FROM (SELECT $2::date AS day
                  UNION SELECT lower(a.valid) FROM assignments a
                  WHERE a.position_id = $1::uuid AND a.valid && $3::daterange AND lower(a.valid) > $2::date) pts
            """, [position, start, range, region]).int(0, "peak") ?? 0
    }

    package static func exceeded(_ position: PGRow, field: String, holders: Int, seats: Int, _ detail: String) -> Problem {
        var problem = Problem.conflict("HEADCOUNT_EXCEEDED", detail)
        problem.field = field
        problem.rule = "headcount"
        problem.extra = [("position_id", .string(position.string("id") ?? "")), ("headcount", .string(Headcount.text(position))),
                         ("establishment", .number(Double(seats))), ("holders", .number(Double(holders)))]
        return problem
    }
}
