// /v1/access/grants: roles given to users or API keys over a scope, with an optional expiry and
// the grantor recorded. Granting is delegation (grant.create: only what the grantor holds, where
// and as long as it holds it, never to oneself, the role's minimum grade met); revoking is
// grant.revoke (grantor, grantee, or someone who outranks the grantee; never the last admin).

import App
import HTTP
import Policy
import Postgres

package enum GrantRoutes {
    /// Grants the caller may see: those whose scope lies inside one of its access.read scopes.
    /// Filters `subject` and `role` (ids) narrow the list; pages by grant id.
    ///
    /// Hand-written, not a declared Endpoint: a caller with access.read over some units only is
    /// not refused but shown what lies inside them, so there is no one decision to declare; the
    /// tenant-wide decision is taken only when the caller can read grants nowhere.
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let readable = caller.principal.manageable(.grantRead, caller.context(now: .now))?.scopes ?? []
        if readable.isEmpty {
            try await context.authorize(caller, .grantRead, .tenantWide(caller.tenant), resource: "grant", id: nil)
        }
        let page = try Page(context)
        var filters: [String: String] = [:]
        for name in ["subject", "role"] {
            guard let value = context.query(name) else { continue }
            guard EntityID(uuid: value) != nil else {
                throw Problem.invalidQuery(name, rule: "format", "\(name) must be a UUID")
            }
            filters[name] = value
        }
        let grants = try await context.transaction(caller) { connection in
            try await GrantStore.page(connection, after: page.after, limit: page.limit + 1, subject: filters["subject"],
                                      role: filters["role"], within: readable)
        }
        return page.response(grants, cursor: \.id) { grant, json in grant.write(to: &json) }
    }

    /// One grant, if the caller may read grants over its scope (404 otherwise, as for a missing one).
    package static let read = Endpoint<NoBody, (facts: AccessTargets, grant: StoredGrant), StoredGrant>(
        action: .grantRead, resource: "grant",
        load: { call, connection in try await load(call, .grantRead, connection) },
        target: { _, loaded in loaded.facts.targets[0] },
        targetID: { _, loaded in loaded.grant.id },
        perform: { _, loaded, _ in loaded.grant },
        encode: { _, grant in HTTPResponse(status: 200, contentType: "application/json", body: grant.json) })

    /// The grant of the path with the facts its decision needs; 404 when there is none.
    private static func load<Body>(_ call: Call<Body>, _ action: Action, _ connection: PGConnection)
        async throws -> (facts: AccessTargets, grant: StoredGrant) {
        let id = try call.pathID(resource: "grant")
        var facts = try await AccessTargets.load([(action, TargetDescription(text: "grant:\(id)")!, "id")],
                                                 caller: call.caller, connection)
        guard let grant = facts.grants[id] else { throw Problem.notFound("grant") }
        facts.targets = [try target(facts, action, id)]
        return (facts, grant.row)
    }

    package struct CreateBody: Decodable, Sendable {
        package var subject: TargetDescription.SubjectRef
        package var role_id: String
        package var scope: TargetDescription.ScopeRef
        package var expires_at: String?
    }

    /// A new grant: delegation of what the grantor holds (grant.create), never a duplicate.
    package static let create = Endpoint<CreateBody, AccessTargets.NewGrant, StoredGrant>(
        action: .grantCreate, resource: "grant",
        load: { call, connection in
            let body = call.body
            let description = TargetDescription(kind: "new_grant", subject: body.subject, role_id: body.role_id,
                                                scope: body.scope, expires_at: body.expires_at)
            try await AccessStore.lockTenantAccess(connection)
            let facts = try await AccessTargets.load([(.grantCreate, description, "")], caller: call.caller, connection)
            do {
                return try facts.newGrant(description, field: "")
            } catch let error as AccessTargets.Unresolved {
                throw Problem.invalid(String(error.field.drop { $0 == "." }), rule: error.missing ? "exists" : "format", error.detail)
            }
        },
        target: { call, grant in .grant(call.caller.tenant, grant.request) },
        perform: { call, grant, connection in
            if let existing = try await GrantStore.duplicate(connection, subject: grant.request.grantee.description,
                                                             role: grant.request.role.id.description, scopeKind: grant.scopeKind,
                                                             scopeID: grant.scopeID) {
                throw Problem.conflict("GRANT_EXISTS", "the subject already holds this role over this scope (grant \(existing)); revoke it to change its expiry")
            }
            return try await GrantStore.create(connection, subjectKind: grant.subjectKind, subject: grant.request.grantee.description,
                                               role: grant.request.role.id.description, scopeKind: grant.scopeKind,
                                               scopeID: grant.scopeID, scopePath: grant.scopeKind == "tenant" ? nil : grant.scopePath,
                                               expiresAt: grant.expiresAt, grantor: call.caller.subjectID)
        },
        audit: { _, _, grant in Audited(Action.grantCreate.rawValue, resource: "grant", id: grant.id, after: grant.json) },
        committed: { call, _ in call.context.resources.callers.invalidate(tenant: call.caller.tenantID!) },
        encode: { _, grant in
            var response = HTTPResponse(status: 201, contentType: "application/json", body: grant.json)
            response.headers.add("Location", "/v1/access/grants/\(grant.id)")
            return response
        })

    /// Revokes a grant; never the last administrator's (the decision counts them, under the
    /// tenant's access lock).
    package static let revoke = Endpoint<NoBody, (facts: AccessTargets, grant: StoredGrant, target: Target), Void>(
        action: .grantRevoke, resource: "grant",
        load: { call, connection in
            let id = try call.pathID(resource: "grant")
            try await AccessStore.lockTenantAccess(connection)
            let facts = try await AccessTargets.load([(.grantRevoke, TargetDescription(text: "grant:\(id)")!, "id")],
                                                     caller: call.caller, connection)
            guard let grant = facts.grants[id] else { throw Problem.notFound("grant") }
            return (facts, grant.row, try target(facts, .grantRevoke, id))
        },
        target: { _, loaded in loaded.target },
        targetID: { _, loaded in loaded.grant.id },
        tenantAdminCount: { _, loaded in loaded.facts.adminCount },
        perform: { _, loaded, connection in try await GrantStore.delete(connection, id: loaded.grant.id) },
        audit: { _, loaded, _ in Audited(Action.grantRevoke.rawValue, resource: "grant", id: loaded.grant.id, before: loaded.grant.json) },
        committed: { call, _ in call.context.resources.callers.invalidate(tenant: call.caller.tenantID!) },
        encode: { _, _ in JSONResponse.noContent })

    private static func target(_ facts: AccessTargets, _ action: Action, _ id: String) throws -> Target {
        do {
            return try facts.target(action, TargetDescription(text: "grant:\(id)")!, field: "id")
        } catch {
            throw Problem.notFound("grant")
        }
    }

    // MARK: Grants beyond their grantor's reach

    /// The grants whose grantor, as it is now, could no longer make them (GrantAudit), with why.
    package static let exceeding = Endpoint<NoBody, Void, [(StoredGrant, Denial)]>(
        action: .grantRead, resource: "grant",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, _, connection in audit(try await AccessStore.subjects(connection), call.caller) },
        encode: { _, found in
            JSONResponse.make { json in
                json.beginObject()
                json.key("items")
                write(found, to: &json)
                json.endObject()
            }
        })

    /// `[{"grant": …, "reason": …}, …]`: grants with why they exceed their grantor, or why revoking was refused.
    private static func write(_ found: [(StoredGrant, Denial)], to json: inout JSONWriter) {
        json.beginArray()
        for (grant, denial) in found {
            json.beginObject()
            json.key("grant")
            grant.write(to: &json)
            json.key("reason")
            AccessJSON.write(denial, to: &json)
            json.endObject()
        }
        json.endArray()
    }

    package struct RevokeExceedingBody: Decodable {
        package var grant_ids: [String]?
    }

    /// Revokes every exceeding grant (or those of `grant_ids` among them) that the caller may
    /// revoke, in one transaction; the others are listed as refused with their reason.
    ///
    /// Hand-written, not a declared Endpoint: it takes one decision per grant (each refusal
    /// audited, the rest revoked, in one transaction), with the administrator count as it shrinks.
    package static func revokeExceeding(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let only = context.request.body.isEmpty ? nil : try context.body(RevokeExceedingBody.self).grant_ids.map { Set($0.map { $0.lowercased() }) }
        for (index, id) in (only ?? []).enumerated() where EntityID(uuid: id) == nil {
            throw Problem.invalid("grant_ids[\(index)]", rule: "uuid", "grant_ids must hold grant ids (UUIDs), not \"\(id)\"")
        }
        try await context.authorize(caller, .grantRead, .tenantWide(caller.tenant), resource: "grant", id: nil)
        let (revoked, refused) = try await context.transaction(caller) { connection in
            try await AccessStore.lockTenantAccess(connection)
            var subjects = try await AccessStore.subjects(connection)
            let now = Timestamp.now
            var revoked: [StoredGrant] = []
            var refused: [(StoredGrant, Denial)] = []
            for (row, _) in audit(subjects, caller) where only?.contains(row.id) ?? true {
                let admins = AccessStore.tenantAdminCount(subjects, tenant: caller.tenant, ladder: caller.ladder, now: now)
                let without = subjects.map { subject in
                    var subject = subject
                    subject.grants.removeAll { $0.id == row.id }
                    return subject
                }
                let removes = admins - AccessStore.tenantAdminCount(without, tenant: caller.tenant, ladder: caller.ladder, now: now)
                let grantee = subjects.first { $0.id == row.subjectID }?.grade(under: caller.ladder)
                let request = GrantRequest(row.policyGrant(ladder: caller.ladder), granteeGrade: grantee)
                let decision = decide(caller.principal, .grantRevoke, .grant(caller.tenant, request, removesTenantAdmins: max(0, removes)),
                                      caller.context(now: now, tenantAdminCount: admins))
                if case .deny(let denial) = decision {
                    refused.append((row, denial))
                    try await Audit.record(connection, context, caller, action: Action.grantRevoke.rawValue, resource: "grant",
                                           id: row.id, outcome: "refused", reason: denial)
                    continue
                }
                try await GrantStore.delete(connection, id: row.id)
                try await Audit.record(connection, context, caller, action: Action.grantRevoke.rawValue, resource: "grant",
                                       id: row.id, before: row.json)
                subjects = without
                revoked.append(row)
            }
            return (revoked, refused)
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return JSONResponse.make { json in
            json.beginObject()
            json.key("revoked")
            json.beginArray()
            for row in revoked { row.write(to: &json) }
            json.endArray()
            json.key("refused")
            write(refused, to: &json)
            json.endObject()
        }
    }

    /// GrantAudit over the tenant: grantors are the enabled users and live keys as they are now.
    package static func audit(_ subjects: [SubjectRecord], _ caller: Caller) -> [(StoredGrant, Denial)] {
        var rows: [EntityID: StoredGrant] = [:]
        var grants: [Grant] = []
        var grantors: [SubjectID: Principal] = [:]
        for subject in subjects {
            for row in subject.grants {
                let grant = row.policyGrant(ladder: caller.ladder)
                rows[grant.id] = row
                grants.append(grant)
            }
            if subject.active {
                let principal = subject.principal(tenant: caller.tenant, ladder: caller.ladder)
                grantors[principal.subject] = principal
            }
        }
        return GrantAudit.exceeding(grants, grantors: grantors, tenant: caller.tenant, caller.context(now: .now))
            .compactMap { found in rows[found.grant.id].map { ($0, found.denial) } }
    }
}
