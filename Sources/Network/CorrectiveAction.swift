// A corrective action an inspection asks of a site: what, by whom, by when, and when it was done.
// One model and one JSON, shared by the inspection report, the list, the change and the audit
// rows. Overdue means not done and due before the day read.

import App
import HTTP
import OrgChart
import Policy
import Postgres

package struct CorrectiveAction: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var inspectionID: String
    package var inspectedOn: String
    package var siteID: String
    package var siteCode: String
    package var siteName: String                // today
    package var regionID: String                // the site's region today
    package var regionPathIDs: String?          // its path in today's tree, for the policy
    package var description: String
    package var owner: String
    package var dueOn: String
    package var doneOn: String?
    package var revision: Int                   // the ETag
    package var today: String

    /// Reads the columns of `CorrectiveActionStore.columns`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        inspectionID = try row.next()
        inspectedOn = try row.next()
        siteID = try row.next()
        siteCode = try row.next()
        siteName = try row.next()
        regionID = try row.next()
        regionPathIDs = try row.next()
        description = try row.next()
        owner = try row.next()
        dueOn = try row.next()
        doneOn = try row.next()
        revision = try row.next()
        today = try row.next()
    }

    package var overdue: Bool { doneOn == nil && dueOn < today }

    /// The policy's view: the site's region in today's tree.
    package func target(_ caller: Caller) -> Target {
        .network(caller.tenant, region: OrgPath.tree(regionPathIDs))
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("inspection_id", inspectionID)
        json.field("inspected_on", inspectedOn)
        json.field("site_id", siteID)
        json.field("site_code", siteCode)
        json.field("site_name", siteName)
        json.field("region_id", regionID)
        json.field("description", description)
        json.field("owner", owner)
        json.field("due_on", dueOn)
        json.field("done_on", doneOn)
        json.field("overdue", overdue)
        json.field("revision", revision)
        json.endObject()
    }
}
