// GET /v1/network/map.svg: the sites on a map (ChartRender.NetworkMapSVG), filtered like the
// site list (as_of, kind, region subtree, status, capability, expiring, expired), each site the
// caller may read, at most 5,000: marks by kind and status, and a table of each region's sites.

import App
import ChartRender
import HTTP
import OrgChart
import Policy
import Postgres

extension SiteRoutes {
    static let mapLimit = 5000

    package static let map = Endpoint<NoBody, ListParameters, (parameters: ListParameters, sites: [Site])>(
        // Decided as the network's reference data (anyone who reads some of the network), then
        // each site by site.read: a regional manager gets their own region's sites.
        action: .networkCatalogRead, resource: "site",
        check: { call in _ = try listParameters(call.context) },
        load: { call, _ in try listParameters(call.context) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, parameters, connection in
            let filter = try await tenantWindow(parameters.filter, call.caller, connection)
            let sites = try await SiteStore.list(connection, filter, on: parameters.date, after: nil, limit: mapLimit)
            return (parameters, sites.filter { call.allows(.siteRead, $0.target(call.caller)) })
        },
        encode: { _, drawn in
            let marks = drawn.sites.map {
                MapSite(code: $0.code, name: $0.name, kind: $0.kind, status: $0.statusText, region: $0.regionName,
                        latitude: $0.latitude, longitude: $0.longitude, expired: $0.authorisationExpired)
            }
            let title = "Service network 服务网络 · \(marks.count) sites · as of \(drawn.parameters.date)"
            return ExportRoutes.file(NetworkMapSVG.document(marks, title: title), type: "image/svg+xml",
                                     name: "network-\(drawn.parameters.date).svg")
        })
}
