// GET /v1/access/me (what the caller holds: effective permissions with their widest scopes, the
// grants behind them, and the grants that confer nothing) and GET /v1/access/who-can (the
// tenant's users whom the policy allows an action on a target, each with the allowing grant).

import App
import HTTP
import Policy
import Postgres

package enum WhoCanRoutes {
    /// One's own access needs no permission to read; it comes from the cached principal.
    /// Hand-written, not a declared Endpoint: there is no decision to declare and no transaction.
    package static func me(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let principal = caller.principal
        let now = Timestamp.now
        let effective = AccessPreview.effective(principal, now: now)
        return JSONResponse.make { json in
            json.beginObject()
            json.key("subject")
            json.beginObject()
            json.field("kind", caller.kind.rawValue)
            json.field("id", caller.subjectID)
            json.field("login", caller.login)
            json.endObject()
            json.field("grade", caller.grades.account.map { caller.ladder.name(of: $0) })
            caller.grades.write(to: &json, ladder: caller.ladder)
            json.key("permissions")
            json.beginObject()
            for permission in Permission.allCases {
                guard let scopes = effective[permission] else { continue }
                json.key(permission.rawValue)
                json.beginArray()
                for scope in scopes { AccessJSON.write(scope, to: &json) }
                json.endArray()
            }
            json.endObject()
            json.key("grants")
            json.beginArray()
            for grant in principal.effectiveGrants(at: now) { AccessJSON.write(grant, to: &json) }
            json.endArray()
            json.key("inert_grants")
            json.beginArray()
            for grant in principal.inertGrants { AccessJSON.write(grant, to: &json) }
            json.endArray()
            json.key("expired_grants")
            json.beginArray()
            for grant in principal.grants where grant.isExpired(at: now) { AccessJSON.write(grant, to: &json) }
            json.endArray()
            json.endObject()
        }
    }

    /// `?action=unit.update&target=unit:<id>` (target: tenant, user:<id>, role:<id>, grant:<id>,
    /// api_key:<id>, unit:<id>, region:<id>, position:<id>). Needs access.read over the tenant;
    /// a malformed query is 400 before that decision.
    package static let whoCan = Endpoint<NoBody, (action: Action, target: TargetDescription), (action: Action, found: [WhoCanCandidate])>(
        action: .grantRead, resource: "grant",
        check: { call in _ = try question(call) },
        load: { call, _ in try question(call) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, asked, connection in
            (asked.action, try await candidates(asked.action, asked.target, call.caller, connection, field: "target"))
        },
        encode: { _, answer in
            JSONResponse.make { json in
                json.beginObject()
                json.field("action", answer.action.rawValue)
                json.key("items")
                json.beginArray()
                for candidate in answer.found { write(candidate, to: &json) }
                json.endArray()
                json.endObject()
            }
        })

    /// The action and target of the query string, or a 400 naming the parameter.
    private static func question(_ call: Call<NoBody>) throws -> (action: Action, target: TargetDescription) {
        guard let name = call.query("action") else {
            throw Problem.invalidQuery("action", rule: "required", "action is required")
        }
        guard let action = Action(rawValue: name) else {
            throw Problem.invalidQuery("action", rule: "catalog", "\(name) is not an action")
        }
        guard let description = TargetDescription(text: call.query("target") ?? "tenant") else {
            throw Problem.invalidQuery("target", rule: "format", "target must be tenant or kind:id")
        }
        return (action, description)
    }

    /// The enabled users whom the policy allows `action` on the target, least senior first.
    package static func candidates(_ action: Action, _ description: TargetDescription, _ caller: Caller,
                                   _ connection: PGConnection, field: String) async throws -> [WhoCanCandidate] {
        var facts = try await AccessTargets.load([(action, description, field)], caller: caller, connection)
        let subjects: [SubjectRecord]
        if let loaded = facts.subjects {
            subjects = loaded
        } else {
            subjects = try await AccessStore.subjects(connection)
            facts.subjects = subjects
            facts.adminCount = AccessStore.tenantAdminCount(subjects, tenant: caller.tenant, ladder: caller.ladder, now: facts.now)
        }
        let target: Target
        do {
            target = try facts.target(action, description, field: field)
        } catch {
            throw error.missing ? Problem.notFound(description.kind) : Problem.invalid(error.field, rule: "format", error.detail)
        }
        var labels: [EntityID: SubjectRecord] = [:]
        var principals: [Principal] = []
        for subject in subjects where subject.kind == .user && subject.active {
            let principal = subject.principal(tenant: caller.tenant, ladder: caller.ladder)
            labels[principal.subject] = subject
            principals.append(principal)
        }
        let policyContext = caller.context(now: facts.now, tenantAdminCount: facts.adminCount)
        return whoCould(action, target, among: principals, policyContext).map { candidate in
            WhoCanCandidate(candidate: candidate, subject: labels[candidate.principal.subject]!, ladder: caller.ladder)
        }
    }

    package static func write(_ found: WhoCanCandidate, to json: inout JSONWriter) {
        json.beginObject()
        json.key("user")
        json.beginObject()
        json.field("id", found.subject.id)
        json.field("login", found.subject.label)
        json.field("grade", found.candidate.principal.grade.map { found.ladder.name(of: $0) })
        json.endObject()
        json.key("grant")
        if let grant = found.candidate.grant { AccessJSON.write(grant, to: &json) } else { json.null() }
        json.endObject()
    }
}

/// A user whom the policy allows, with the grant that allows them and their stored record.
package struct WhoCanCandidate: Sendable {
    package var candidate: Candidate
    package var subject: SubjectRecord
    package var ladder: GradeLadder
}
