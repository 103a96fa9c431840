// /v1/network/corrective-actions: what inspections asked sites to fix. PATCH changes one's owner,
// due day or done day (If-Match on its revision); GET lists them by due day, narrowed to overdue
// ones (not done, due before today), a region subtree or a site. Decided on the site's region in
// today's tree: site.write to change, site.read per listed row (rows the caller may not read are
// left out). A due or done day is never before the inspection (422 naming the field).

import App
import HTTP
import OrgChart
import Policy
import Postgres

package enum CorrectiveActionRoutes {
    package struct UpdateBody: Decodable, Sendable {
        package var done_on: String??           // null: not done after all
        package var due_on: String?
        package var owner: String?

        enum CodingKeys: String, CodingKey {
            case done_on, due_on, owner
        }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            done_on = try c.patch(String.self, forKey: .done_on)
            due_on = try c.decodeIfPresent(String.self, forKey: .due_on)
            owner = try c.decodeIfPresent(String.self, forKey: .owner)
        }
    }

    /// Changes the fields given. site.write over the site's region.
    package static let update = Endpoint<UpdateBody, CorrectiveAction, (before: CorrectiveAction, after: CorrectiveAction)>(
        action: .siteWrite, resource: "corrective_action",
        check: { call in
            _ = try call.pathID(resource: "corrective action")
            let body = call.body
            if let done = try NetworkRules.day(body.done_on ?? nil, field: "done_on"), done > OrgDate.today {
                throw Problem.invalid("done_on", rule: "not_after_today", "done_on is the day it was done: today or earlier, not \(done)")
            }
            _ = try NetworkRules.day(body.due_on, field: "due_on")
            if let owner = body.owner { try NetworkRules.required(owner, field: "owner", limit: 200) }
        },
        load: { call, connection in
            let id = try call.pathID(resource: "corrective action")
            guard let action = try await CorrectiveActionStore.action(connection, id: id, forUpdate: true) else {
                throw Problem.notFound("corrective action")
            }
            try await ETag.check(call.context, revision: action.revision, connection)
            return action
        },
        target: { call, action in action.target(call.caller) },
        targetID: { _, action in action.id },
        perform: { call, before, connection in
            let body = call.body
            let due = body.due_on ?? before.dueOn
            let done = body.done_on ?? before.doneOn
            for (field, day) in [("due_on", due), ("done_on", done)] {
                if let day, day < before.inspectedOn {
                    throw Problem.invalid(field, rule: "not_before_inspection", "\(field) (\(day)) is before the inspection (\(before.inspectedOn))")
                }
            }
            try await CorrectiveActionStore.update(connection, id: before.id, owner: body.owner?.trimmed ?? before.owner, dueOn: due,
                                                   doneOn: done)
            return (before, try await CorrectiveActionStore.action(connection, id: before.id)!)
        },
        audit: { _, _, changed in
            Audited("corrective_action.update", resource: "corrective_action", id: changed.after.id, before: changed.before.json,
                    after: changed.after.json, owner: changed.after.siteID)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in ETag.response(revision: changed.after.revision, body: changed.after.json) })

    /// Corrective actions by due day: `overdue=true` for those not done and due before today,
    /// `region_id` for a region's subtree (today's tree), `site_id` for one site.
    package static let list = FilteredList<CorrectiveActionFilter, CorrectiveAction>(
        action: .siteRead,
        parameters: { context in
            var filter = CorrectiveActionFilter()
            filter.overdue = try context.flag("overdue")
            filter.regionID = try context.queryID("region_id", "a region id")
            filter.siteID = try context.queryID("site_id", "a site id")
            return filter
        },
        fetch: { call, page, connection in
            try await CorrectiveActionStore.list(connection, call.body, after: page.after, limit: page.limit + 1)
        },
        target: { caller, action in action.target(caller) },
        cursor: \.id,
        write: { _, action, json in action.write(to: &json) })
}
