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
    package static func admit(_ connection: PGConnection, position: Position, start: String, range: String,
                              region: String?, field: String) async throws {
        let title = position.title
        let headcount = position.headcount
        if headcount.kind == "per_region" {
            let covered = try await RegionCoverage.regions(connection, unitRegion: OrgPath.ids(position.regionPath).last)
            if !covered.isEmpty {
                guard let region else {
                    throw Problem.invalid("region_id", rule: "required",
                        "position \(title) has a headcount per region (\(headcount.text)): region_id must name the region the holder covers, one of \(RegionCoverage.codes(covered))")
                }
                guard let match = covered.first(where: { $0.id == region }) else {
                    throw Problem.invalid("region_id", rule: "covered",
                        "region_id \(region) is not a region position \(title) covers; it covers \(RegionCoverage.codes(covered))")
                }
                let seats = headcount.min ?? 1
                let peak = try await AssignmentStore.peakHolders(connection, position: position.id, start: start, range: range, region: region)
                if peak + 1 > seats {
                    var problem = exceeded(position, field: field, holders: peak, seats: seats,
                        "position \(title) (\(position.id)) has \(seats) seat(s) in region \(match.name) (\(match.code)) and \(peak) already hold it there in that period")
                    problem.extra.append(("region_id", .string(region)))
                    throw problem
                }
            }
        }
        guard let establishment = position.establishment else { return }
        let peak = try await AssignmentStore.peakHolders(connection, position: position.id, start: start, range: range, region: nil)
        if peak + 1 > establishment {
            throw exceeded(position, field: field, holders: peak, seats: establishment,
                "position \(title) (\(position.id)) has a headcount of \(headcount.text) (\(establishment) seats) and \(peak) already hold it in that period")
        }
    }

    static func exceeded(_ position: Position, field: String, holders: Int, seats: Int, _ detail: String) -> Problem {
        var problem = Problem.conflict("HEADCOUNT_EXCEEDED", detail)
        problem.field = field
        problem.rule = "headcount"
        problem.extra = [("position_id", .string(position.id)), ("headcount", .string(position.headcount.text)),
                         ("establishment", .number(Double(seats))), ("holders", .number(Double(holders)))]
        return problem
    }
}
