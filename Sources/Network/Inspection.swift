// An inspection of a site as stored, its score lines, and the report that answers for it (the
// inspection with its lines, corrective actions and the transition it caused): one model and one
// JSON each, shared by the create answer, the reads, the site's list and the audit rows.

import App
import HTTP
import OrgChart
import Policy
import Postgres

package struct Inspection: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var siteID: String
    package var siteCode: String
    package var siteName: String                // today
    package var templateID: String
    package var templateName: String
    package var inspectedOn: String
    package var inspectorPositionID: String
    package var inspectorPersonID: String?      // who held the position that day
    package var totalHundredths: Int            // computed by orgd: 0 … 10000
    package var thresholdHundredths: Int        // the tenant's probation threshold when it was recorded
    package var findings: String
    package var recordedBy: String?
    package var recordedAt: String
    package var regionPathIDs: String?          // the site's region in today's tree, for the policy

    /// Reads the columns of `InspectionStore.columns`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        siteID = try row.next()
        siteCode = try row.next()
        siteName = try row.next()
        templateID = try row.next()
        templateName = try row.next()
        inspectedOn = try row.next()
        inspectorPositionID = try row.next()
        inspectorPersonID = try row.next()
        totalHundredths = try row.next()
        thresholdHundredths = try row.next()
        findings = try row.next()
        recordedBy = try row.next()
        recordedAt = try row.next()
        regionPathIDs = try row.next()
    }

    /// The policy's view: the site's region in today's tree.
    package func target(_ caller: Caller) -> Target {
        .network(caller.tenant, region: OrgPath.tree(regionPathIDs))
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        writeMembers(to: &json)
        json.endObject()
    }

    /// The members of the inspection's object, for the report to add its own after them.
    func writeMembers(to json: inout JSONWriter) {
        json.field("id", id)
        json.field("site_id", siteID)
        json.field("site_code", siteCode)
        json.field("site_name", siteName)
        json.field("template_id", templateID)
        json.field("template_name", templateName)
        json.field("inspected_on", inspectedOn)
        json.field("inspector_position_id", inspectorPositionID)
        json.field("inspector_person_id", inspectorPersonID)
        json.field("total", Hundredths.value(totalHundredths))
        json.field("threshold", Hundredths.value(thresholdHundredths))
        json.field("below_threshold", totalHundredths < thresholdHundredths)
        json.field("findings", findings)
        json.field("recorded_by", recordedBy)
        json.field("recorded_at", recordedAt)
    }
}

/// One item's score in an inspection, with the item as the template has it.
package struct InspectionScore: Sendable, PGRowDecodable, JSONResource {
    package var item: String
    package var title: String
    package var weightHundredths: Int
    package var maxScore: Int
    package var score: Int
    package var note: String

    /// Reads the columns of `InspectionStore.scoreColumns`, in their order.
    package init(row: inout PGRowReader) throws {
        item = try row.next()
        title = try row.next()
        weightHundredths = try row.next()
        maxScore = try row.next()
        score = try row.next()
        note = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("item", item)
        json.field("title", title)
        json.field("weight", Hundredths.value(weightHundredths))
        json.field("max_score", maxScore)
        json.field("score", score)
        json.field("note", note)
        json.endObject()
    }
}

/// The inspection as answered by its create and its read: the inspection, its score lines in the
/// template's order, its corrective actions, and the site's move to probation it caused (null when
/// it caused none).
package struct InspectionReport: Sendable, JSONResource {
    package var inspection: Inspection
    package var scores: [InspectionScore]
    package var actions: [CorrectiveAction]
    package var transition: SiteTransition?

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        inspection.writeMembers(to: &json)
        json.key("scores")
        json.beginArray()
        for score in scores { score.write(to: &json) }
        json.endArray()
        json.key("corrective_actions")
        json.beginArray()
        for action in actions { action.write(to: &json) }
        json.endArray()
        json.key("transition")
        if let transition { transition.write(to: &json) } else { json.null() }
        json.endObject()
    }
}
