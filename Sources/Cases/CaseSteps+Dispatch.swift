// Dispatch (派单): an equipment case goes to a repair site of the network that may take it today
// — eligible for `product_line/repair` as the nearest search judges it (SiteEligibility), and
// covering the customer's region. A site that may not is refused naming why; the nearest search
// (GET /v1/network/sites/nearest with the case's place and capability) proposes the sites.

import App
import CaseFlow
import HTTP
import Network
import OrgChart
import Policy
import Postgres

extension CaseSteps {
    package struct DispatchBody: Decodable, Sendable {
        package var site_id: String
        package var note: String?
    }

    /// The capability a case's repair needs: its product line's repair.
    static func capability(_ record: CaseRecord) throws -> String {
        guard let line = record.productLine else {
            throw Problem.invalid("product.line", rule: "required_for_dispatch", "a case without a product line cannot be matched to a repair site")
        }
        return "\(line)/repair"
    }

    package static let dispatch = step(.dispatch, check: { (call: Call<DispatchBody>) in
        if EntityID(uuid: call.body.site_id) == nil {
            throw Problem.invalid("site_id", rule: "exists", "site_id \(call.body.site_id) names no site of this tenant")
        }
        try note(call.body.note, required: false)
    }, change: { call, record, connection in
        let capability = try capability(record)
        let id = call.body.site_id.lowercased()
        guard let site = try await SiteStore.site(connection, id: id, on: OrgDate.today) else {
            throw Problem.invalid("site_id", rule: "exists", "site_id \(id) names no site of this tenant today")
        }
        let settings = try await NetworkSettingsStore.read(connection, ladder: call.caller.ladder)
        let reasons = try await SiteEligibility.reasons(connection, site: site, capability: capability,
                                                        probationEligible: settings.probationEligible,
                                                        regionAncestors: try await SiteEligibility.ancestors(connection, region: record.regionID),
                                                        point: record.latitude.flatMap { lat in record.longitude.map { (lat, $0) } })
        guard reasons.isEmpty else {
            var problem = Problem.invalid("site_id", rule: "eligible_site",
                                          "site \(site.code) may not take this repair today: " + reasons.joined(separator: ", "))
            problem.extra = [("reasons", .array(reasons.map { .string($0) }))]
            throw problem
        }
        record.siteID = site.id
        return StepRecord(note: call.body.note ?? "") { json in
            json.field("site_id", site.id)
            json.field("site_code", site.code)
            json.field("capability", capability)
        }
    })
}
