// The routes of reorganisation scenarios (sql/0028, docs/scenarios.md): drafting (the scenario and
// its changes, with If-Match on the scenario's ETag so two HR users can edit one), reading what it
// would do (impact, validation, diagram, and `?scenario=ID` on the subtree reads), and its
// lifecycle: submit ─► approve or reject ─► apply.
//
// Who may: anyone who reads the org chart may draft, edit and read scenarios (a draft changes
// nothing); every change is decided for its author when added, as the live endpoint would decide
// it, and again for the approver at approval and at apply. Approving, rejecting, applying and
// deleting another user's scenario are the policy's `scenario.decide`: org.write at the
// restructuring tier (RESTRUCTURE_REQUIRES_TIER, A+ by default), refused and audited like any
// decision; the approver may not be the author (SCENARIO_SELF_APPROVAL) unless the tenant's
// scenario settings allow it.

import Access
import App
import HTTP
import Policy
import Postgres

package enum ScenarioRoutes {
    /// Every read of a scenario replays all its changes (bench/scenarios.sh: 500 take about 3 s).
    static let maxChanges = 1000

    package struct CreateBody: Decodable, Sendable {
        package var name: String
        package var description: String?
        package var effective_date: String
    }

    package struct UpdateBody: Decodable, Sendable {
        package var name: String?
        package var description: String?
        package var effective_date: String?
    }

    package struct ChangeBody: Decodable, Sendable {
        package var type: String
        package var target_id: String?
        package var body: Opaque?               // the live endpoint's body, checked by it on replay (changeBody)
    }

    /// A member taken as it is: read from the request's bytes, checked where it is used.
    package struct Opaque: Decodable, Sendable {
        package init(from decoder: any Decoder) throws {}
    }

    package struct DecisionBody: Decodable, Sendable {
        package var note: String?
    }

    static func checkName(_ name: String?, _ description: String?) throws {
        if let name { try OrgRules.name(name) }
        if let description, description.count > 2000 {
            throw Problem.invalid("description", rule: "max_length", "description is at most 2000 characters")
        }
    }

    static func answer(_ scenario: Scenario, status: Int = 200) -> HTTPResponse {
        ETag.response(status, revision: scenario.revision, body: scenario.json)
    }

    /// The scenario of the path, locked, after If-Match on its revision; 404 when the tenant has none.
    static func locked(_ call: Call<some Sendable>, _ connection: PGConnection) async throws -> Scenario {
        let id = try call.pathID(resource: "scenario")
        guard let scenario = try await ScenarioStore.read(connection, id: id, lock: true) else { throw Problem.notFound("scenario") }
        try await ETag.check(call.context, revision: scenario.revision, connection)
        return scenario
    }

    static func found(_ call: Call<some Sendable>, _ connection: PGConnection) async throws -> Scenario {
        guard let scenario = try await ScenarioStore.read(connection, id: try call.pathID(resource: "scenario")) else {
            throw Problem.notFound("scenario")
        }
        return scenario
    }

    static func requireDraft(_ scenario: Scenario) throws {
        guard scenario.isDraft else {
            throw Problem.conflict("SCENARIO_NOT_DRAFT", "scenario \(scenario.name) is \(scenario.state); only a draft can be edited")
        }
    }

    static func audited(_ action: String, _ before: Scenario?, _ after: Scenario) -> Audited {
        Audited(action, resource: "scenario", id: after.id, before: before?.json, after: after.json)
    }

    static func reread(_ connection: PGConnection, _ id: String) async throws -> Scenario {
        try await ScenarioStore.read(connection, id: id)!
    }

    // MARK: the scenario

    package static let list = Endpoint<NoBody, Void, [Scenario]>(
        action: .tenantRead, resource: "scenario",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, _, connection in try await ScenarioStore.list(connection) },
        encode: { _, scenarios in
            JSONResponse.make { json in
                json.beginObject()
                json.key("items"); json.beginArray()
                for scenario in scenarios { scenario.write(to: &json) }
                json.endArray()
                json.endObject()
            }
        })

    package static let create = Endpoint<CreateBody, Void, Scenario>(
        action: .tenantRead, resource: "scenario",
        check: { call in
            try checkName(call.body.name, call.body.description)
            _ = try OrgDate.body(call.body.effective_date)
        },
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, _, connection in
            guard call.caller.kind == .user else { throw AuthProblem.userOnly }
            let id = try await ScenarioStore.create(connection, tenant: call.caller.tenantID!, name: call.body.name,
                                                    description: call.body.description ?? "", date: call.body.effective_date,
                                                    author: call.caller.subjectID)
            return try await reread(connection, id)
        },
        audit: { _, _, scenario in audited("scenario.create", nil, scenario) },
        encode: { _, scenario in answer(scenario, status: 201).located("/v1/scenarios/\(scenario.id)") })

    package static let read = Endpoint<NoBody, Scenario, Scenario>(
        action: .tenantRead, resource: "scenario",
        load: { call, connection in try await found(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, scenario, _ in scenario },
        encode: { _, scenario in answer(scenario) })

    package static let update = Endpoint<UpdateBody, Scenario, (before: Scenario, after: Scenario)>(
        action: .tenantRead, resource: "scenario",
        check: { call in
            try checkName(call.body.name, call.body.description)
            if let date = call.body.effective_date { _ = try OrgDate.body(date) }
        },
        load: { call, connection in try await locked(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, before, connection in
            try requireDraft(before)
            try await ScenarioStore.update(connection, id: before.id, name: call.body.name, description: call.body.description,
                                           date: call.body.effective_date)
            return (before, try await reread(connection, before.id))
        },
        audit: { _, _, changed in audited("scenario.update", changed.before, changed.after) },
        encode: { _, changed in answer(changed.after) })

    package static let delete = Endpoint<NoBody, Scenario, Scenario>(
        action: .tenantRead, resource: "scenario",
        load: { call, connection in try await locked(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, scenario, connection in
            // Another user's scenario: only someone who may decide scenarios deletes it (its author may,
            // anyone may edit a draft).
            if scenario.authorID != call.caller.subjectID {
                try await call.context.authorize(call.caller, .scenarioDecide, .tenantWide(call.caller.tenant),
                                                 resource: "scenario", id: scenario.id)
            }
            guard scenario.state != "applied" else {
                throw Problem.conflict("SCENARIO_ALREADY_APPLIED", "scenario \(scenario.name) was applied; it stays as the record of what was done")
            }
            try await ScenarioStore.delete(connection, id: scenario.id)
            return scenario
        },
        audit: { _, scenario, _ in Audited("scenario.delete", resource: "scenario", id: scenario.id, before: scenario.json) },
        encode: { _, _ in JSONResponse.noContent })

    // MARK: its changes

    static func writeChanges(_ changes: [ScenarioChange], revision: Int) -> HTTPResponse {
        var json = JSONWriter()
        json.beginObject()
        json.key("items"); json.beginArray()
        for change in changes { change.write(to: &json) }
        json.endArray()
        json.endObject()
        return ETag.response(revision: revision, body: json.bytes)
    }

    /// The changes in replay order, with the scenario's ETag (the one to send when adding one).
    package static let changes = Endpoint<NoBody, Scenario, (scenario: Scenario, changes: [ScenarioChange])>(
        action: .tenantRead, resource: "scenario",
        load: { call, connection in try await found(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, scenario, connection in (scenario, try await ScenarioStore.changes(connection, of: scenario.id)) },
        encode: { _, listed in writeChanges(listed.changes, revision: listed.scenario.revision) })

    /// Adds a change at the end. The body is `{"type", "target_id", "body"}`: `body` is what the
    /// live endpoint takes, without its effective date (the scenario's day is used). The change is
    /// decided for the author as its endpoint would decide it, on the org as the scenario's earlier
    /// changes leave it: a refusal is answered here; any other problem is kept and listed by
    /// /validation (a later change, or the live org changing, may still fix it).
    package static let addChange = Endpoint<ChangeBody, Scenario, (scenario: Scenario, change: ScenarioChange)>(
        action: .tenantRead, resource: "scenario",
        check: { call in
            guard let kind = ScenarioReplay.kinds[call.body.type] else {
                throw Problem.invalid("type", rule: "change_type", "type must be one of " + ScenarioReplay.kinds.keys.sorted().joined(separator: ", "))
            }
            if kind.needsTarget {
                guard call.body.target_id != nil else { throw Problem.invalid("target_id", rule: "required", "a \(call.body.type) change names its target_id") }
                try OrgRules.id(call.body.target_id, field: "target_id")
            }
            _ = try changeBody(call, kind)
        },
        load: { call, connection in try await locked(call, connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, scenario, connection in
            try requireDraft(scenario)
            guard scenario.changeCount < maxChanges else {
                throw Problem.invalid("type", rule: "max_changes", "a scenario has at most \(maxChanges) changes; split it into several")
            }
            let kind = ScenarioReplay.kinds[call.body.type]!
            let id = try await ScenarioStore.addChange(connection, tenant: call.caller.tenantID!, scenario: scenario.id, type: call.body.type,
                                                       target: kind.needsTarget ? call.body.target_id?.lowercased() : nil,
                                                       request: try changeBody(call, kind), author: call.caller.subjectID)
            try await ScenarioStore.bump(connection, id: scenario.id)
            let all = try await ScenarioStore.changes(connection, of: scenario.id)
            _ = try await connection.query("SAVEPOINT scenario_check")
            let (_, violations) = try await ScenarioReplay.run(scenario, all, call.context, call.caller, connection, mode: .validate, collect: true)
            _ = try await connection.query("ROLLBACK TO SAVEPOINT scenario_check")
            if let refused = violations.first(where: { $0.change.id == id && $0.problem.status == 403 }) { throw refused.problem }
            return (try await reread(connection, scenario.id), all.last!)
        },
        audit: { _, before, added in
            Audited("scenario.change.add", resource: "scenario", id: before.id, before: before.json, after: added.change.json)
        },
        encode: { _, added in
            var response = HTTPResponse(status: 201, contentType: "application/json", body: added.change.json)
            response.headers.add("ETag", ETag.value(added.scenario.revision))
            return response.located("/v1/scenarios/\(added.scenario.id)/changes/\(added.change.id)")
        })

    /// The change's `body` member: an object without the field that carries its day.
    static func changeBody(_ call: Call<ChangeBody>, _ kind: ScenarioReplay.Kind) throws -> [UInt8] {
        guard case .object(let members) = try JSONTree.parse(call.request.body) else { return Array("{}".utf8) }
        guard let body = members.first(where: { $0.key == "body" })?.value else { return Array("{}".utf8) }
        guard case .object(let fields) = body else {
            throw Problem.invalid("body", rule: "object", "body is the live endpoint's JSON object")
        }
        if fields.contains(where: { $0.key == kind.dateField }) {
            throw Problem.invalid("body.\(kind.dateField)", rule: "scenario_date",
                                  "a scenario's changes take effect on its effective_date; leave \(kind.dateField) out")
        }
        return call.request.body
    }

    package static let removeChange = Endpoint<NoBody, Scenario, Scenario>(
        action: .tenantRead, resource: "scenario",
        load: { call, connection in
            _ = try call.pathID("change", resource: "scenario change")        // 404 before If-Match is compared
            return try await locked(call, connection)
        },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, scenario, connection in
            try requireDraft(scenario)
            let change = try call.pathID("change", resource: "scenario change")
            guard try await ScenarioStore.removeChange(connection, scenario: scenario.id, id: change) else { throw Problem.notFound("scenario change") }
            try await ScenarioStore.bump(connection, id: scenario.id)
            return scenario
        },
        audit: { call, scenario, _ in
            Audited("scenario.change.remove", resource: "scenario", id: scenario.id, before: scenario.json)
        },
        encode: { _, _ in JSONResponse.noContent })
}

extension ScenarioRoutes {
    // MARK: the tenant's scenario settings

    package struct SettingsBody: Decodable, Sendable {
        package var allow_self_approval: Bool
    }

    static func settingsAnswer(_ allow: Bool) -> HTTPResponse {
        JSONResponse.make { json in
            json.beginObject()
            json.field("allow_self_approval", allow)
            json.endObject()
        }
    }

    package static let settings = Endpoint<NoBody, Void, Bool>(
        action: .tenantRead, resource: "scenario_settings",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, _, connection in try await ScenarioStore.allowsSelfApproval(connection) },
        encode: { _, allow in settingsAnswer(allow) })

    /// Whether an author may approve their own scenario: a tenant setting (tenant.update, the top tier).
    package static let replaceSettings = Endpoint<SettingsBody, Bool, Bool>(
        action: .tenantUpdate, resource: "scenario_settings",
        load: { _, connection in try await ScenarioStore.allowsSelfApproval(connection) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, _, connection in
            try await ScenarioStore.setSelfApproval(connection, tenant: call.caller.tenantID!, allow: call.body.allow_self_approval)
            return call.body.allow_self_approval
        },
        audit: { _, before, after in
            Audited("scenario_settings.update", resource: "scenario_settings", id: nil,
                    before: Array("{\"allow_self_approval\":\(before)}".utf8), after: Array("{\"allow_self_approval\":\(after)}".utf8))
        },
        encode: { _, allow in settingsAnswer(allow) })
}
