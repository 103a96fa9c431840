// The flow's steps over HTTP: POST /v1/cases/{id}/{step}. Each is declared by `CaseSteps.step`,
// which takes every step through the same order inside the case's row lock:
//
//   lock (If-Match) ─► decide ─► CaseFlow.apply (409 naming the state and the allowed steps)
//     ─► the step's own change and checks ─► save ─► clock (resume, breach, next deadline)
//     ─► history event ─► audit
//
// so no step can skip the flow, the clock or the history. The steps of the equipment path
// (warranty, owner, dispatch, site report, resolve) are in CaseSteps+Equipment.

import App
import CaseFlow
import HTTP
import Network
import OrgChart
import Policy
import Postgres

/// What a step's change adds to the history: its note and the facts it set (JSON).
package struct StepRecord: Sendable {
    package var note: String
    package var data: [UInt8]

    package init(note: String, data: [UInt8] = Array("{}".utf8)) {
        self.note = note
        self.data = data
    }

    /// A record whose data is written by `facts`.
    package init(note: String, facts: (inout JSONWriter) -> Void) {
        var json = JSONWriter()
        json.beginObject()
        facts(&json)
        json.endObject()
        self.init(note: note, data: json.bytes)
    }
}

package enum CaseSteps {
    /// A refusal of the flow as the API answers it.
    static func problem(_ refusal: FlowRefusal) -> Problem {
        switch refusal {
        case .illegal(let state, let step, let allowed):
            var problem = Problem(status: 409, code: "CASE_STEP_ILLEGAL", title: "Conflict",
                                  detail: "a \(state.rawValue) case takes " + (allowed.isEmpty ? "no step (it is final)"
                                                                               : allowed.map(\.rawValue).joined(separator: ", "))
                                      + ", not \(step.rawValue)")
            problem.extra = [("state", .string(state.rawValue)), ("allowed", .array(allowed.map { .string($0.rawValue) }))]
            return problem
        case .category(let step, let category, let needs):
            return Problem.invalid("category", rule: "step_category",
                                   "\(step.rawValue) is for \(needs.map(\.rawValue).joined(separator: " or ")) issues; this case is "
                                       + (category?.rawValue ?? "not classified"))
        case .pause(let paused):
            var problem = Problem.conflict("CASE_PAUSE_STATE", paused.map { "the case is already paused (waiting for the \($0.rawValue))" }
                                               ?? "the case is not paused")
            problem.extra = [("paused", paused.map { .string($0.rawValue) } ?? .null)]
            return problem
        case .outcomeMissing:
            return Problem.invalid("outcome", rule: "required", "a follow-up names its outcome: satisfied or unsatisfied")
        }
    }

    /// One step's endpoint. `change` applies the step's own fields to the case (and may refuse,
    /// with a 4xx naming the field, or ask the policy about a further action); the rest is shared.
    static func step<Body: Decodable & Sendable>(
        _ step: CaseStep, action: Action = .caseHandle,
        check: @escaping @Sendable (Call<Body>) throws -> Void = { _ in },
        outcome: @escaping @Sendable (Body) -> FollowUpOutcome? = { _ in nil },
        pauseReason: @escaping @Sendable (Body) -> PauseReason? = { _ in nil },
        change: @escaping @Sendable (Call<Body>, inout CaseRecord, PGConnection) async throws -> StepRecord
    ) -> Endpoint<Body, CaseRecord, (before: CaseRecord, after: CaseRecord)> {
        Endpoint(
            action: action, resource: "case",
            check: { call in
                _ = try call.pathID(resource: "case")
                try check(call)
            },
            load: { call, connection in
                guard let record = try await CaseStore.lock(connection, call.context, id: try call.pathID(resource: "case")) else {
                    throw Problem.notFound("case")
                }
                return record
            },
            target: { call, record in record.target(call.caller) },
            targetID: { _, record in record.id },
            perform: { call, before, connection in
                let after = try await apply(step, to: before, connection, tenant: call.caller.tenantID!,
                                            actor: call.caller.kind == .user ? call.caller.subjectID : nil,
                                            outcome: outcome(call.body), pauseReason: pauseReason(call.body)) { record in
                    try await change(call, &record, connection)
                }
                return (before, after)
            },
            audit: { _, record, changed in
                Audited("case.\(step.rawValue)", resource: "case", id: record.id, before: changed.before.json, after: changed.after.json)
            },
            encode: { _, changed in ETag.response(revision: changed.after.revision, body: changed.after.json) })
    }

    /// Takes the locked case `before` through `step`: the flow (a refusal as its problem), the
    /// step's own `change`, the save, the clock and the history event; the case after it. The
    /// endpoints call it after the policy; the demo seed calls it with its own changes.
    package static func apply(_ step: CaseStep, to before: CaseRecord, _ connection: PGConnection, tenant: String, actor: String?,
                              outcome: FollowUpOutcome? = nil, pauseReason: PauseReason? = nil,
                              change: (inout CaseRecord) async throws -> StepRecord) async throws -> CaseRecord {
        let flowed = Result { () throws(FlowRefusal) in
            try CaseFlow.apply(step, to: before.snapshot, outcome: outcome, pauseReason: pauseReason)
        }
        let next: CaseSnapshot
        switch flowed {
        case .success(let snapshot): next = snapshot
        case .failure(let refusal): throw problem(refusal)
        }
        var record = before
        record.reopenCount = next.reopenCount
        record.forwarded = next.forwarded
        let history = try await change(&record)
        try await CaseStore.save(connection, record)
        if before.paused != nil && next.paused == nil { try await CaseClock.resume(connection, id: before.id) }
        if let reason = next.paused, before.paused == nil { try await CaseClock.pause(connection, id: before.id, reason: reason) }
        if next.state != before.state {
            try await CaseClock.move(connection, tenant: tenant, id: before.id, to: next.state, category: record.category)
        }
        try await CaseEventStore.record(connection, tenant: tenant, case: before.id, step: step.rawValue, from: before.stateText,
                                        to: next.state.rawValue, actor: actor, note: history.note, data: history.data)
        return try await CaseStore.record(connection, id: before.id)!
    }

    // MARK: the steps every category takes

    package struct NoteBody: Decodable, Sendable {
        package var note: String?
    }

    /// The note of a step whose body may be left out altogether (resolve, archive, resume).
    static func optionalNote(_ call: Call<NoBody>) throws -> String? {
        try call.optionalBody(NoteBody(note: nil)).note
    }

    static func note(_ text: String?, required: Bool, field: String = "note") throws {
        if required { try NetworkRules.required(text ?? "", field: field, limit: 500) } else {
            try NetworkRules.optional(text, field: field, limit: 500)
        }
    }

    package struct ClassifyBody: Decodable, Sendable {
        package var category: String
        package var subcategory: String?
        package var note: String?
    }

    package static let classify = step(.classify, check: { (call: Call<ClassifyBody>) in
        guard CaseCategory(rawValue: call.body.category) != nil else {
            throw Problem.invalid("category", rule: "category", "category must be platform, equipment or other")
        }
        try note(call.body.note, required: false)
    }, change: { call, record, connection in
        let body = call.body
        if let sub = body.subcategory, !(try await CaseSettingsStore.subcategoryExists(connection, category: body.category, code: sub)) {
            throw Problem.invalid("subcategory", rule: "known_subcategory",
                                  "subcategory \(sub) is not a \(body.category) subcategory of this tenant")
        }
        record.categoryText = body.category
        record.subcategory = body.subcategory
        return StepRecord(note: body.note ?? "") { json in
            json.field("category", body.category)
            json.field("subcategory", body.subcategory)
        }
    })

    /// Customer service solved it at once (platform and other issues).
    package static let solve = step(.solve, check: { (call: Call<NoteBody>) in try note(call.body.note, required: true) },
                                    change: { call, _, _ in StepRecord(note: call.body.note ?? "") })

    /// Other issues: the procedure explained and the customer guided.
    package static let guide = step(.guide, check: { (call: Call<NoteBody>) in try note(call.body.note, required: true) },
                                    change: { call, _, _ in StepRecord(note: call.body.note ?? "") })

    package struct ForwardBody: Decodable, Sendable {
        package var unit_id: String
        package var note: String?
    }

    /// To the department that owns it: a unit of the org chart, open today; the case then belongs to it.
    package static let forward = step(.forward, action: .caseForward, check: { (call: Call<ForwardBody>) in
        if EntityID(uuid: call.body.unit_id) == nil {
            throw Problem.invalid("unit_id", rule: "exists", "unit_id \(call.body.unit_id) names no unit of this tenant")
        }
        try note(call.body.note, required: false)
    }, change: { call, record, connection in
        let id = call.body.unit_id.lowercased()
        guard let unit = try await UnitStore.unit(connection, id: id, on: OrgDate.today) else {
            throw Problem.invalid("unit_id", rule: "exists", "unit_id \(id) names no unit of this tenant today")
        }
        if unit.archived { throw Problem.invalid("unit_id", rule: "not_archived", "unit \(unit.name) (\(unit.code)) is archived") }
        record.unitID = unit.id
        return StepRecord(note: call.body.note ?? "") { json in
            json.field("unit_id", unit.id)
            json.field("unit_name", unit.name)
        }
    })

    /// The department reports back: resolved.
    package static let report = step(.report, check: { (call: Call<NoteBody>) in try note(call.body.note, required: true) },
                                      change: { call, _, _ in StepRecord(note: call.body.note ?? "") })

    package struct FollowUpBody: Decodable, Sendable {
        package var outcome: String
        package var note: String?
    }

    /// The follow-up call (回访): satisfied closes the case; unsatisfied reopens it where it was
    /// worked on (case.reopen), and the reopen is counted.
    package static let followUp = step(.followUp, check: { (call: Call<FollowUpBody>) in
        guard FollowUpOutcome(rawValue: call.body.outcome) != nil else {
            throw Problem.invalid("outcome", rule: "outcome", "outcome must be satisfied or unsatisfied")
        }
        try note(call.body.note, required: false)
    }, outcome: { FollowUpOutcome(rawValue: $0.outcome) }, change: { call, record, _ in
        let satisfied = call.body.outcome == FollowUpOutcome.satisfied.rawValue
        if !satisfied {
            try await call.context.authorize(call.caller, .caseReopen, record.target(call.caller), resource: "case", id: record.id)
        }
        record.satisfied = satisfied
        return StepRecord(note: call.body.note ?? "") { json in json.field("outcome", call.body.outcome) }
    })

    /// Filed: a closed case only (case.archive).
    package static let archive = step(.archive, action: .caseArchive, check: { (call: Call<NoBody>) in
        try note(optionalNote(call), required: false)
    }, change: { call, _, _ in StepRecord(note: try optionalNote(call) ?? "") })

    package struct PauseBody: Decodable, Sendable {
        package var reason: String
        package var note: String?
    }

    /// The SLA clock stops while the case waits for the customer or for parts.
    package static let pause = step(.pause, check: { (call: Call<PauseBody>) in
        guard PauseReason(rawValue: call.body.reason) != nil else {
            throw Problem.invalid("reason", rule: "reason", "reason must be customer or parts")
        }
        try note(call.body.note, required: false)
    }, pauseReason: { PauseReason(rawValue: $0.reason) }, change: { call, _, _ in
        StepRecord(note: call.body.note ?? "") { json in json.field("reason", call.body.reason) }
    })

    /// The wait is over; the deadline moves back by the time paused.
    package static let resume = step(.resume, check: { (call: Call<NoBody>) in try note(optionalNote(call), required: false) },
                                     change: { call, _, _ in StepRecord(note: try optionalNote(call) ?? "") })
}
