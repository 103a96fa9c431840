// GET /v1/network/certifications/expiring: the certifications about to lapse — unrevoked, of
// technicians still at work, expiring from today to `within_days` later (default the tenant's
// NetworkSettings.expiringDays) — or with `expired=true` those that have (expires_on before
// today), soonest first, each naming its technician and the site they work at today. A row is
// shown only to a caller who may read that site (site.read over its region, today's tree).

import App
import HTTP
import OrgChart
import Policy
import Postgres

package enum CertificationRoutes {
    package static let expiring = FilteredList<ExpiringFilter, ExpiringCertification>(
        action: .siteRead,
        parameters: { context in
            var filter = ExpiringFilter()
            filter.expired = try context.flag("expired")
            if context.query("within_days") != nil {
                if filter.expired {
                    throw Problem.invalidQuery("within_days", rule: "not_with_expired",
                                               "within_days is the window of certifications still to expire; leave it out with expired=true")
                }
                filter.withinDays = try NetworkRules.days(context, "within_days", fallback: 0)
            }
            filter.regionID = try context.queryID("region_id", "a region id")
            filter.siteID = try context.queryID("site_id", "a site id")
            return filter
        },
        fetch: { call, page, connection in
            var filter = call.body
            if filter.withinDays == nil && !filter.expired {
                filter.withinDays = try await NetworkSettingsStore.read(connection, ladder: call.caller.ladder).expiringDays
            }
            return try await CertificationStore.expiring(connection, filter, after: page.after, limit: page.limit + 1)
        },
        target: { caller, row in row.target(caller) },
        cursor: \.certification.id,
        extra: { _, json in json.field("today", OrgDate.today) },
        write: { _, row, json in row.write(to: &json) })
}
