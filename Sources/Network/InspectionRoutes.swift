// Inspections of sites over HTTP. POST /v1/network/sites/{id}/inspections records one against a
// checklist: orgd computes the total (InspectionScoring; a client never sends one), stores the
// tenant's probation threshold beside it, and when the total is under it and the site is
// authorised moves the site to probation in the same transaction, the transition naming the
// inspection and audited as its own change. GET lists a site's inspections, newest first;
// GET /v1/network/inspections/{id} reads one. Decided on the site's region in today's tree:
// recording is inspection.create (network.inspect, and the actor's grade in the tenant's inspector
// tier); reading is site.read. The inspector is a position, which must be held on the day
// inspected and carry a grade in the inspector tier; whoever held it is recorded.

import App
import HTTP
import OrgChart
import Policy
import Postgres

package enum InspectionRoutes {
    package struct ScoreBody: Decodable, Sendable {
        package var item: String
        package var score: Int
        package var note: String?
    }

    package struct ActionBody: Decodable, Sendable {
        package var description: String
        package var owner: String
        package var due_on: String
    }

    package struct CreateBody: Decodable, Sendable {
        package var template_id: String
        package var inspected_on: String
        package var inspector_position_id: String
        package var scores: [ScoreBody]
        package var findings: String?
        package var corrective_actions: [ActionBody]?
    }

    package struct Inspecting: Sendable {
        var site: Site                  // today, locked
        var settings: NetworkSettings
    }

    /// The rules of the body that need no database (422 naming the field).
    static func check(_ body: CreateBody) throws {
        if EntityID(uuid: body.template_id) == nil {
            throw Problem.invalid("template_id", rule: "exists", "template_id \(body.template_id) names no inspection template of this tenant")
        }
        if EntityID(uuid: body.inspector_position_id) == nil {
            throw Problem.invalid("inspector_position_id", rule: "exists",
                                  "inspector_position_id \(body.inspector_position_id) names no position of this tenant")
        }
        let inspected = try OrgDate.body(body.inspected_on, field: "inspected_on")
        if inspected > OrgDate.today {
            throw Problem.invalid("inspected_on", rule: "not_after_today", "an inspection is recorded once made: inspected_on is today or earlier, not \(inspected)")
        }
        guard (1...InspectionTemplateRoutes.maximumItems).contains(body.scores.count) else {
            throw Problem.invalid("scores", rule: "size", "an inspection scores 1 to \(InspectionTemplateRoutes.maximumItems) items, got \(body.scores.count)")
        }
        for (index, score) in body.scores.enumerated() {
            try NetworkRules.optional(score.note, field: "scores[\(index)].note", limit: 500)
        }
        try NetworkRules.optional(body.findings, field: "findings", limit: 5000)
        let actions = body.corrective_actions ?? []
        if actions.count > 100 {
            throw Problem.invalid("corrective_actions", rule: "size", "an inspection asks at most 100 corrective actions, got \(actions.count)")
        }
        for (index, action) in actions.enumerated() {
            let field = "corrective_actions[\(index)]"
            try NetworkRules.required(action.description, field: "\(field).description", limit: 1000)
            try NetworkRules.required(action.owner, field: "\(field).owner", limit: 200)
            let due = try OrgDate.body(action.due_on, field: "\(field).due_on")
            if due < inspected {
                throw Problem.invalid("\(field).due_on", rule: "not_before_inspection",
                                      "\(field).due_on (\(due)) is before the inspection (\(inspected))")
            }
        }
    }

    /// The checklist named by `template_id`: this tenant's and not archived (422 otherwise).
    static func template(_ connection: PGConnection, id: String) async throws -> InspectionTemplate {
        guard let template = try await InspectionTemplateStore.template(connection, id: id.lowercased()) else {
            throw Problem.invalid("template_id", rule: "exists", "template_id \(id) names no inspection template of this tenant")
        }
        if template.archived {
            throw Problem.invalid("template_id", rule: "not_archived", "the template \(template.name) is archived; inspect with its successor")
        }
        return template
    }

    /// The person who held the inspector position on `date`, after checking that the position
    /// existed then, was held, and carries a grade in the inspector tier (422 naming
    /// `inspector_position_id` otherwise). Of several holders: a primary post first, then the
    /// longest held.
    static func inspector(_ connection: PGConnection, position id: String, on date: String, tier: Int,
                          ladder: GradeLadder) async throws -> String {
        let field = "inspector_position_id"
        let position = try await PositionStore.required(connection, id: id, field: field, on: date)
        if position.archived {
            throw Problem.invalid(field, rule: "exists", "\(field) \(id) names a position archived on \(date)")
        }
        let seats = try await AssignmentStore.seats(connection, positions: [position.id], on: date)
        guard let holder = seats.min(by: { ($0.kind == "primary" ? 0 : 1, $0.startDate, $0.personID)
                                           < ($1.kind == "primary" ? 0 : 1, $1.startDate, $1.personID) }) else {
            throw Problem.invalid(field, rule: "held", "nobody held the position \(position.title) on \(date)")
        }
        let grade = position.grade.flatMap { try? ladder.parse($0) }
        guard let grade, grade.tier <= tier else {
            throw Problem.invalid(field, rule: "inspector_tier",
                                  "the position \(position.title) is graded \(position.grade ?? "nothing"); an inspector's grade is in tier "
                                  + "\(ladder.tierName(tier)) or above")
        }
        return holder.personID
    }

    /// Records an inspection of the site; 201 with its report.
    package static let create = Endpoint<CreateBody, Inspecting, InspectionReport>(
        action: .inspectionCreate, resource: "site",
        check: { call in
            _ = try call.pathID(resource: "site")
            try check(call.body)
        },
        load: { call, connection in
            let id = try call.pathID(resource: "site")
            guard try await SiteStore.lock(connection, nil, id: id) != nil,
                  let site = try await SiteStore.site(connection, id: id, on: OrgDate.today) else { throw Problem.notFound("site") }
            return Inspecting(site: site, settings: try await NetworkSettingsStore.read(connection, ladder: call.caller.ladder))
        },
        target: { call, loaded in loaded.site.target(call.caller, requiredTier: loaded.settings.rule.inspectTier) },
        targetID: { _, loaded in loaded.site.id },
        perform: { call, loaded, connection in
            let (body, site, settings) = (call.body, loaded.site, loaded.settings)
            let inspected = body.inspected_on
            if try await SiteStore.site(connection, id: site.id, on: inspected) == nil {
                throw Problem.invalid("inspected_on", rule: "within_lifetime", "the site does not exist on \(inspected)")
            }
            let template = try await template(connection, id: body.template_id)
            let given = body.scores.map { InspectionScoring.Given(item: $0.item, score: $0.score) }
            try InspectionScoring.check(given, against: template.items ?? [])
            let person = try await inspector(connection, position: body.inspector_position_id.lowercased(), on: inspected,
                                             tier: settings.rule.inspectTier, ladder: call.caller.ladder)
            let total = InspectionScoring.total(given, against: template.items ?? [])
            let threshold = Int((settings.probationThreshold * 100).rounded())
            let tenant = call.caller.tenantID!
            let user = call.caller.kind == .user ? call.caller.subjectID : nil
            let recorded = try await InspectionRecording.record(connection, tenant: tenant, site: site, InspectionDraft(
                siteID: site.id, templateID: template.id, inspectedOn: inspected, inspectorPositionID: body.inspector_position_id.lowercased(),
                inspectorPersonID: person, totalHundredths: total, thresholdHundredths: threshold, findings: body.findings ?? "",
                recordedBy: user, scores: body.scores.map { (item: $0.item, score: $0.score, note: $0.note ?? "") }),
                actions: (body.corrective_actions ?? []).map { (description: $0.description.trimmed, owner: $0.owner.trimmed, dueOn: $0.due_on) })
            if let transition = recorded.transition {
                try await NetworkChange.writer(Audited("site.transition", resource: "site", id: site.id, before: site.json,
                                                       after: transition.json), call.context, call.caller, connection)
            }
            let id = recorded.id
            return try await report(connection, id: id)!
        },
        audit: { _, loaded, report in
            Audited("inspection.create", resource: "inspection", id: report.inspection.id, after: report.json,
                    effective: report.inspection.inspectedOn, owner: loaded.site.id)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, report in JSONResponse.make(201) { report.write(to: &$0) } })

    /// The inspection with its scores, corrective actions and the transition it caused; nil when unknown.
    static func report(_ connection: PGConnection, id: String) async throws -> InspectionReport? {
        guard let inspection = try await InspectionStore.inspection(connection, id: id) else { return nil }
        return InspectionReport(inspection: inspection, scores: try await InspectionStore.scores(connection, inspection: id),
                                actions: try await CorrectiveActionStore.forInspection(connection, inspection: id),
                                transition: try await SiteStore.transition(connection, site: inspection.siteID, causedBy: id))
    }

    /// One inspection's report, decided on its site's region.
    package static let read = Endpoint<NoBody, Inspection, InspectionReport>(
        action: .siteRead, resource: "inspection",
        load: { call, connection in
            let id = try call.pathID(resource: "inspection")
            guard let inspection = try await InspectionStore.inspection(connection, id: id) else { throw Problem.notFound("inspection") }
            return inspection
        },
        target: { call, inspection in inspection.target(call.caller) },
        targetID: { _, inspection in inspection.id },
        perform: { _, inspection, connection in try await report(connection, id: inspection.id)! },
        encode: { _, report in JSONResponse.make { report.write(to: &$0) } })

    /// A page of the site's inspections, newest first, without their lines.
    package static let list = Endpoint<NoBody, (site: Site, page: Page), (page: Page, inspections: [Inspection])>(
        action: .siteRead, resource: "site",
        load: { call, connection in
            let id = try call.pathID(resource: "site")
            guard let site = try await SiteStore.site(connection, id: id, on: OrgDate.today) else { throw Problem.notFound("site") }
            return (site, try Page(call.context))
        },
        target: { call, loaded in loaded.site.target(call.caller) },
        targetID: { _, loaded in loaded.site.id },
        perform: { _, loaded, connection in
            (loaded.page, try await InspectionStore.list(connection, site: loaded.site.id, after: loaded.page.after,
                                                         limit: loaded.page.limit + 1))
        },
        encode: { _, listed in listed.page.response(listed.inspections, cursor: \.id) { $0.write(to: &$1) } })
}
