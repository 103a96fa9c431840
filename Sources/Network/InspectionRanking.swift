// GET /v1/network/inspections/ranking?from=&to=&region_id=: the sites inspected in a period, best
// first by their latest total in it, each with that total, its average and its number of
// inspections. Sites the caller may not read (site.read on their region today) are left out
// before places are given, so the places count only the sites the caller sees; equal latest
// totals share a place (1, 1, 3). The period defaults to the year up to today.

import App
import HTTP
import OrgChart
import Policy
import Postgres

package enum InspectionRanking {
    package struct Parameters: Sendable {
        var from: String
        var to: String
        var regionID: String?
    }

    package static let list = FilteredList<Parameters, RankedSite>(
        action: .siteRead,
        parameters: { context in
            let to = try OrgDate.asOf(context, parameter: "to")
            let from = context.query("from") == nil ? Day(to)!.adding(days: -365).description
                : try OrgDate.asOf(context, parameter: "from")
            if to < from { throw Problem.invalidQuery("to", rule: "not_before_from", "to (\(to)) is before from (\(from))") }
            return Parameters(from: from, to: to, regionID: try context.queryID("region_id", "a region id"))
        },
        fetchAll: { call, connection in
            let sites = try await InspectionStore.ranking(connection, from: call.body.from, to: call.body.to, region: call.body.regionID)
            return RankedSite.ranked(sites.filter { call.allows(.siteRead, $0.target(call.caller)) })
        },
        target: { caller, site in site.target(caller) },
        extra: { call, json in
            json.field("from", call.body.from)
            json.field("to", call.body.to)
            json.field("region_id", call.body.regionID)
        },
        write: { _, site, json in site.write(to: &json) })
}
