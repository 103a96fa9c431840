// A scenario's review and lifecycle: its impact and validation (read by replaying it under a
// savepoint that is rolled back), submit, approve or reject, and apply — at once when approved
// on or after its day, else by the scheduler (every minute on loop 0) or `orgd scenarios
// apply-due`, which claim due scenarios with FOR UPDATE SKIP LOCKED so exactly one instance
// applies each. Apply replays every change deciding it for the approver: the first change that no
// longer applies is a 409 SCENARIO_CONFLICT naming it, the transaction rolls back (nothing half
// applied) and the scenario keeps the problem in last_error. The applied changes are audited one
// by one and listed in /v1/org/changes as one `scenario.apply` batch naming the scenario.

import Access
import App
import HTTP
import Policy
import Postgres

package enum ScenarioLifecycle {
    // MARK: review

    /// The impact of the scenario against the live org on its day (ScenarioImpact).
    package static let impact = Endpoint<NoBody, Scenario, [UInt8]>(
        action: .tenantRead, resource: "scenario",
        load: { call, connection in try await ScenarioRoutes.found(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, scenario, connection in
            let date = scenario.effectiveDate, ladder = call.caller.ladder
            let before = try await OrgSnapshot.read(connection, on: date, ladder: ladder)
            let grants = try await GrantStore.all(connection)
            _ = try await connection.query("SAVEPOINT scenario_impact")
            let (_, violations) = try await ScenarioReplay.run(scenario, try await ScenarioStore.changes(connection, of: scenario.id),
                                                                call.context, call.caller, connection, mode: .preview, collect: true)
            let after = try await OrgSnapshot.read(connection, on: date, ladder: ladder)
            _ = try await connection.query("ROLLBACK TO SAVEPOINT scenario_impact")
            var json = JSONWriter()
            json.beginObject()
            json.field("scenario_id", scenario.id)
            json.field("effective_date", date)
            ScenarioImpact.write(&json, before: before, after: after, grants: grants, violations: violations)
            json.endObject()
            return json.bytes
        },
        encode: { _, body in HTTPResponse(status: 200, contentType: "application/json", body: body) })

    /// Every change the live API would refuse, with the change and the problem, for the caller
    /// (each change decided as its endpoint would), and the span violations the scenario creates.
    package static let validation = Endpoint<NoBody, Scenario, (scenario: Scenario, violations: [ScenarioReplay.Violation], spans: [String])>(
        action: .tenantRead, resource: "scenario",
        load: { call, connection in try await ScenarioRoutes.found(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, scenario, connection in
            let (violations, spans) = try await validate(scenario, call.context, call.caller, connection)
            return (scenario, violations, spans)
        },
        encode: { _, checked in
            JSONResponse.make { json in
                json.beginObject()
                json.field("scenario_id", checked.scenario.id)
                json.field("valid", checked.violations.isEmpty)
                json.key("violations"); json.beginArray()
                for violation in checked.violations { violation.value.write(to: &json) }
                json.endArray()
                json.field("span_violations_created", strings: checked.spans)
                json.endObject()
            }
        })

    /// Replays the scenario for `caller`, each change under its own savepoint, all rolled back.
    static func validate(_ scenario: Scenario, _ context: RequestContext, _ caller: Caller,
                         _ connection: PGConnection) async throws -> ([ScenarioReplay.Violation], [String]) {
        let date = scenario.effectiveDate
        let before = try await OrgSnapshot.read(connection, on: date, ladder: caller.ladder).spanViolations()
        _ = try await connection.query("SAVEPOINT scenario_validation")
        let (_, violations) = try await ScenarioReplay.run(scenario, try await ScenarioStore.changes(connection, of: scenario.id),
                                                            context, caller, connection, mode: .validate, collect: true)
        let after = try await OrgSnapshot.read(connection, on: date, ladder: caller.ladder).spanViolations()
        _ = try await connection.query("ROLLBACK TO SAVEPOINT scenario_validation")
        return (violations, after.subtracting(before).sorted())
    }

    // MARK: submit, approve, reject

    static func requireState(_ scenario: Scenario, _ states: Set<String>, to step: String) throws {
        guard !states.contains(scenario.state) else { return }
        switch scenario.state {
        case "applied":
            throw Problem.conflict("SCENARIO_ALREADY_APPLIED", "scenario \(scenario.name) was already applied; it cannot be \(step)")
        case "rejected":
            throw Problem.conflict("SCENARIO_REJECTED", "scenario \(scenario.name) was rejected; it cannot be \(step) — draft a new one")
        default:
            throw Problem.conflict("SCENARIO_STATE", "scenario \(scenario.name) is \(scenario.state); only a scenario that is \(states.sorted().joined(separator: " or ")) can be \(step)")
        }
    }

    package static let submit = Endpoint<NoBody, Scenario, (before: Scenario, after: Scenario)>(
        action: .tenantRead, resource: "scenario",
        load: { call, connection in try await ScenarioRoutes.locked(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, scenario, connection in
            try requireState(scenario, ["draft"], to: "submitted")
            guard try await ScenarioStore.changes(connection, of: scenario.id).isEmpty == false else {
                throw Problem.conflict("SCENARIO_EMPTY", "scenario \(scenario.name) has no changes to submit")
            }
            try await ScenarioStore.setState(connection, id: scenario.id, state: "submitted")
            return (scenario, try await ScenarioRoutes.reread(connection, scenario.id))
        },
        audit: { _, _, changed in ScenarioRoutes.audited("scenario.submit", changed.before, changed.after) },
        encode: { _, changed in ScenarioRoutes.answer(changed.after) })

    /// Approves a submitted scenario: the restructuring tier, not its author (unless the tenant
    /// allows it), and every change must still apply, decided for the approver. Due today or
    /// before: applied at once, in the same transaction.
    package static let approve = Endpoint<ScenarioRoutes.DecisionBody, Scenario, (before: Scenario, after: Scenario, applied: [Audited])>(
        action: .scenarioDecide, resource: "scenario",
        check: { call in try note(call.body.note) },
        load: { call, connection in try await ScenarioRoutes.locked(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, scenario, connection in
            try requireState(scenario, ["submitted"], to: "approved")
            if scenario.authorID == call.caller.subjectID, try await !ScenarioStore.allowsSelfApproval(connection) {
                throw Problem(status: 403, code: "SCENARIO_SELF_APPROVAL", title: "Forbidden",
                              detail: "the author of a scenario cannot approve it in this tenant (PUT /v1/scenario-settings allow_self_approval)")
            }
            let (violations, _) = try await validate(scenario, call.context, call.caller, connection)
            if let first = violations.first { throw ScenarioReplay.conflict(scenario, first.change, first.problem) }
            try await ScenarioStore.setState(connection, id: scenario.id, state: "approved", approver: call.caller.subjectID, note: call.body.note)
            var applied: [Audited] = []
            if scenario.effectiveDate <= OrgDate.today {
                applied = try await apply(try await ScenarioRoutes.reread(connection, scenario.id), call.context, call.caller, connection)
            }
            return (scenario, try await ScenarioRoutes.reread(connection, scenario.id), applied)
        },
        audit: { _, _, changed in ScenarioRoutes.audited("scenario.approve", changed.before, changed.after) },
        committed: { call, changed in if !changed.applied.isEmpty { call.context.resources.callers.invalidate(tenant: call.caller.tenantID!) } },
        encode: { _, changed in ScenarioRoutes.answer(changed.after) })

    package static let reject = Endpoint<ScenarioRoutes.DecisionBody, Scenario, (before: Scenario, after: Scenario)>(
        action: .scenarioDecide, resource: "scenario",
        check: { call in try note(call.body.note) },
        load: { call, connection in try await ScenarioRoutes.locked(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, scenario, connection in
            try requireState(scenario, ["submitted", "approved"], to: "rejected")
            try await ScenarioStore.setState(connection, id: scenario.id, state: "rejected", approver: call.caller.subjectID, note: call.body.note)
            return (scenario, try await ScenarioRoutes.reread(connection, scenario.id))
        },
        audit: { _, _, changed in ScenarioRoutes.audited("scenario.reject", changed.before, changed.after) },
        encode: { _, changed in ScenarioRoutes.answer(changed.after) })

    static func note(_ text: String?) throws {
        if let text, text.count > 500 { throw Problem.invalid("note", rule: "max_length", "note is at most 500 characters") }
    }

    // MARK: apply

    /// Applies an approved scenario now (its day has come): POST /v1/scenarios/{id}/apply.
    package static let applyNow = Endpoint<NoBody, Scenario, (before: Scenario, after: Scenario, applied: [Audited])>(
        action: .scenarioDecide, resource: "scenario",
        load: { call, connection in try await ScenarioRoutes.locked(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, scenario, connection in
            try requireState(scenario, ["approved"], to: "applied")
            guard scenario.effectiveDate <= OrgDate.today else {
                throw Problem.conflict("SCENARIO_NOT_DUE", "scenario \(scenario.name) takes effect on \(scenario.effectiveDate); orgd applies it that day")
            }
            let applied = try await apply(scenario, call.context, call.caller, connection)
            return (scenario, try await ScenarioRoutes.reread(connection, scenario.id), applied)
        },
        committed: { call, _ in call.context.resources.callers.invalidate(tenant: call.caller.tenantID!) },
        encode: { _, changed in ScenarioRoutes.answer(changed.after) })

    /// The route: a conflict leaves the problem on the scenario (last_error), in a transaction of
    /// its own after the apply's rolled back.
    package static func applyRoute(_ context: RequestContext) async throws -> HTTPResponse {
        do {
            return try await Pipeline.run(applyNow, context)
        } catch {
            guard let problem = error as? Problem, problem.code == "SCENARIO_CONFLICT",
                  let id = context.request.pathParameters["id"] else { throw error }
            let caller = try await context.tenantCaller()
            try await context.transaction(caller) { connection in
                try await recordFailure(connection, context, caller, scenario: id.lowercased(), problem)
            }
            throw problem
        }
    }

    static func recordFailure(_ connection: PGConnection, _ context: RequestContext, _ caller: Caller, scenario: String,
                              _ problem: Problem) async throws {
        try await ScenarioStore.setLastError(connection, id: scenario, problem: problem.response.body)
        try await Audit.record(connection, context, caller, action: "scenario.apply", resource: "scenario", id: scenario,
                               outcome: "failed", after: problem.response.body)
    }

    /// Replays every change deciding it for `caller`, audits each, records the batch in
    /// org_changes and marks the scenario applied; throws SCENARIO_CONFLICT on the first change
    /// that no longer applies (the caller's transaction then rolls back).
    static func apply(_ scenario: Scenario, _ context: RequestContext, _ caller: Caller, _ connection: PGConnection) async throws -> [Audited] {
        let changes = try await ScenarioStore.changes(connection, of: scenario.id)
        let (applied, _) = try await ScenarioReplay.run(scenario, changes, context, caller, connection, mode: .validate, collect: false)
        var batch = JSONWriter()
        batch.beginObject()
        batch.field("scenario_id", scenario.id)
        batch.field("name", scenario.name)
        batch.key("changes"); batch.beginArray()
        for entry in applied {
            try await Audit.record(connection, context, caller, action: entry.action, resource: entry.resource, id: entry.id,
                                   before: entry.before, after: entry.after)
            batch.beginObject()
            batch.field("action", entry.action)
            batch.field("resource_type", entry.resource)
            batch.field("resource_id", entry.id)
            batch.key("before"); batch.raw(entry.before ?? Array("null".utf8))
            batch.key("after"); batch.raw(entry.after ?? Array("null".utf8))
            batch.endObject()
        }
        batch.endArray()
        batch.endObject()
        try await OrgChangeStore.insert(connection, tenant: caller.tenantID!, effective: scenario.effectiveDate,
                                        actor: caller.kind == .user ? caller.subjectID : nil, action: "scenario.apply",
                                        resource: "scenario", id: scenario.id, before: nil, after: batch.bytes)
        try await ScenarioStore.setState(connection, id: scenario.id, state: "applied")
        try await Audit.record(connection, context, caller, action: "scenario.apply", resource: "scenario", id: scenario.id,
                               before: scenario.json, after: try await ScenarioRoutes.reread(connection, scenario.id).json)
        try await AccessStore.notifyAccessChanged(connection)
        return applied
    }

    // MARK: the scheduler

    /// Applies every approved scenario due on `today`, tenant by tenant, each in its own
    /// transaction, decided for its approver as the approver is now. A scenario another instance
    /// holds is skipped (SKIP LOCKED); one that conflicts keeps the problem and is tried again on
    /// the next pass. Returns how many were applied and how many failed. `only`: that tenant's alone.
    package static func applyDue(_ context: RequestContext, today: String, tenant only: String? = nil) async throws -> (applied: Int, failed: Int) {
        var applied = 0, failed = 0
        var tenants = try await context.pool.withConnection { try await ScenarioStore.activeTenants($0) }
        if let only { tenants = tenants.filter { $0 == only } }
        for tenant in tenants {
            var tried: [String] = []
            while let outcome = try await applyOne(context, tenant: tenant, today: today, excluding: tried) {
                tried.append(outcome.id)
                if let problem = outcome.problem {
                    failed += 1
                    Log.error("scenario \(outcome.id) of tenant \(tenant) not applied: \(problem.detail)")
                } else {
                    applied += 1
                    context.resources.callers.invalidate(tenant: tenant)
                    context.resources.generations?.wrote(tenant: tenant)
                }
            }
        }
        return (applied, failed)
    }

    /// Claims one due scenario of the tenant and applies it under a savepoint; a conflict is
    /// rolled back to it and kept on the scenario (last_error) while the row is still locked.
    static func applyOne(_ context: RequestContext, tenant: String, today: String,
                         excluding tried: [String]) async throws -> (id: String, problem: Problem?)? {
        try await context.pool.withConnection { connection in
            try await connection.transaction(tenant: tenant) { connection in
                guard let id = try await ScenarioStore.claimDue(connection, today: today, excluding: tried),
                      let scenario = try await ScenarioStore.read(connection, id: id) else { return nil }
                _ = try await connection.query("SAVEPOINT scenario_apply")
                do {
                    guard let approver = scenario.approverID,
                          let caller = try await approverCaller(connection, tenant: tenant, user: approver) else {
                        throw Problem.conflict("SCENARIO_CONFLICT", "the approver of scenario \(scenario.name) is disabled or gone; approve it again")
                    }
                    // The approver as they are today must still be allowed to decide it (a lowered grade, a revoked grant).
                    if case .deny(let denial) = decide(caller.principal, .scenarioDecide, .tenantWide(caller.tenant),
                                                       caller.context(now: .now, tenantAdminCount: 0)) {
                        throw Problem.denied(denial)
                    }
                    _ = try await apply(scenario, context, caller, connection)
                    return (id, nil)
                } catch {
                    let problem = ErrorMapping.problem(for: error)
                    guard problem.status < 500, !connection.isBroken else { throw error }
                    _ = try await connection.query("ROLLBACK TO SAVEPOINT scenario_apply")
                    try await ScenarioStore.setLastError(connection, id: id, problem: problem.response.body)
                    try await Audit.record(connection, context, nil, action: "scenario.apply", resource: "scenario", id: id,
                                           outcome: "failed", after: problem.response.body, tenantID: tenant, system: true)
                    return (id, problem)
                }
            }
        }
    }

    /// The approver as a caller now: their grade, posts and grants.
    static func approverCaller(_ connection: PGConnection, tenant: String, user: String) async throws -> Caller? {
        guard let record = try await LinkedAccounts.user(user, connection), record.active else { return nil }
        let (ladder, restructure) = try await AccessStore.ladder(connection)
        let tenantID = EntityID(uuid: tenant)!
        return Caller(kind: .user, tenantID: tenant, subjectID: user, login: record.label, sessionID: nil,
                      principal: record.principal(tenant: tenantID, ladder: ladder), grades: record.grades(under: ladder),
                      ladder: ladder, restructure: restructure, expiresAt: .max)
    }
}
