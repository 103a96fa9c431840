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
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let readable = caller.principal.manageable(.grantRead, caller.context(now: .now))?.scopes ?? []
        if readable.isEmpty {
            try await context.authorize(caller, .grantRead, .tenantWide(caller.tenant), resource: "grant", id: nil)
        }
        let page = try Page(context)
        var conditions = ["($1::uuid IS NULL OR g.id > $1::uuid)"]
        var parameters: [any PGEncodable] = [page.after, page.limit + 1]
        for (name, column) in [("subject", "g.subject_id"), ("role", "g.role_id")] {
            guard let value = context.query(name) else { continue }
            guard EntityID(uuid: value) != nil else {
                throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request",
                              detail: "\(name) must be a UUID", field: name, rule: "format")
            }
            parameters.append(value)
            conditions.append("\(column) = $\(parameters.count)::uuid")
        }
        if !readable.contains(.tenant) {
            var alternatives: [String] = []
            for scope in readable {
                switch scope {
                case .unit(let path), .region(let path):
                    parameters.append(path.ids.map(\.description))
                    alternatives.append("(g.scope_kind = '\(scope.isUnit ? "unit" : "region")' AND g.scope_path[1:\(path.depth)] = $\(parameters.count)::text[])")
                case .tenant:
                    break
                }
            }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT \(AccessStore.grantColumns)
                FROM grants g JOIN roles r ON r.tenant_id = g.tenant_id AND r.id = g.role_id
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY g.id LIMIT $2
                """, parameters)
        }
        return page.response(rows) { row, json in AccessJSON.write(AccessStore.grantRow(row), to: &json) }
    }

    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "grant")
        let facts = try await context.transaction(caller) { connection in
            try await AccessTargets.load([(.grantRead, TargetDescription(text: "grant:\(id)")!, "id")], caller: caller, connection)
        }
        guard let grant = facts.grants[id] else { throw Problem.notFound("grant") }
        try await context.authorize(caller, .grantRead, try target(facts, .grantRead, id), resource: "grant", id: id)
        return HTTPResponse(status: 200, contentType: "application/json", body: AccessJSON.bytes(grant.row))
    }

    package struct CreateBody: Decodable {
        package var subject: TargetDescription.SubjectRef
        package var role_id: String
        package var scope: TargetDescription.ScopeRef
        package var expires_at: String?
    }

    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
        let description = TargetDescription(kind: "new_grant", subject: body.subject, role_id: body.role_id,
                                            scope: body.scope, expires_at: body.expires_at)
        let row = try await context.transaction(caller) { connection in
            try await AccessStore.lockTenantAccess(connection)
            let facts = try await AccessTargets.load([(.grantCreate, description, "")], caller: caller, connection)
            let grant: AccessTargets.NewGrant
            do {
                grant = try facts.newGrant(description, field: "")
            } catch let error as AccessTargets.Unresolved {
                throw Problem.invalid(String(error.field.drop { $0 == "." }), rule: error.missing ? "exists" : "format", error.detail)
            }
            try await context.authorize(caller, .grantCreate, .grant(caller.tenant, grant.request), resource: "grant", id: nil)
            let duplicate = try await connection.query("""
                SELECT id::text AS id FROM grants
                WHERE subject_id = $1::uuid AND role_id = $2::uuid AND scope_kind = $3 AND scope_id IS NOT DISTINCT FROM $4::uuid
                """, [grant.request.grantee.description, grant.request.role.id.description, grant.scopeKind, grant.scopeID])
            if let existing = duplicate.string(0, "id") {
                throw Problem.conflict("GRANT_EXISTS", "the subject already holds this role over this scope (grant \(existing)); revoke it to change its expiry")
            }
            let inserted = try await connection.query("""
                INSERT INTO grants (tenant_id, subject_kind, subject_id, role_id, scope_kind, scope_id, scope_path, expires_at, granted_by)
                VALUES (orgd_current_tenant(), $1, $2::uuid, $3::uuid, $4, $5::uuid, $6::text[], $7::timestamptz, $8::uuid)
                RETURNING id::text AS id
                """, [grant.subjectKind, grant.request.grantee.description, grant.request.role.id.description, grant.scopeKind,
                      grant.scopeID, grant.scopeKind == "tenant" ? nil : grant.scopePath, grant.expiresAt, caller.subjectID])
            let id = inserted.string(0, "id") ?? ""
            let stored = try await connection.query("""
                SELECT \(AccessStore.grantColumns) FROM grants g JOIN roles r ON r.tenant_id = g.tenant_id AND r.id = g.role_id
                WHERE g.id = $1::uuid
                """, [id])[0]
            let row = AccessStore.grantRow(stored)
            try await Audit.record(connection, context, caller, action: Action.grantCreate.rawValue, resource: "grant", id: id,
                                   after: AccessJSON.bytes(row))
            return row
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        var response = HTTPResponse(status: 201, contentType: "application/json", body: AccessJSON.bytes(row))
        response.headers.add("Location", "/v1/access/grants/\(row.id)")
        return response
    }

    package static func revoke(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "grant")
        try await context.transaction(caller) { connection in
            try await AccessStore.lockTenantAccess(connection)
            let facts = try await AccessTargets.load([(.grantRevoke, TargetDescription(text: "grant:\(id)")!, "id")],
                                                     caller: caller, connection)
            guard let grant = facts.grants[id] else { throw Problem.notFound("grant") }
            try await context.authorize(caller, .grantRevoke, try target(facts, .grantRevoke, id), resource: "grant", id: id,
                                        tenantAdminCount: facts.adminCount)
            _ = try await connection.query("DELETE FROM grants WHERE id = $1::uuid", [id])
            try await Audit.record(connection, context, caller, action: Action.grantRevoke.rawValue, resource: "grant", id: id,
                                   before: AccessJSON.bytes(grant.row))
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return JSONResponse.noContent
    }

    private static func target(_ facts: AccessTargets, _ action: Action, _ id: String) throws -> Target {
        do {
            return try facts.target(action, TargetDescription(text: "grant:\(id)")!, field: "id")
        } catch {
            throw Problem.notFound("grant")
        }
    }

    // MARK: Grants beyond their grantor's reach

    /// The grants whose grantor, as it is now, could no longer make them (GrantAudit), with why.
    package static func exceeding(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        try await context.authorize(caller, .grantRead, .tenantWide(caller.tenant), resource: "grant", id: nil)
        let found = try await context.transaction(caller) { connection in
            audit(try await AccessStore.subjects(connection), caller)
        }
        return JSONResponse.make { json in
            json.beginObject()
            json.key("items")
            json.beginArray()
            for (row, denial) in found {
                json.beginObject()
                json.key("grant")
                AccessJSON.write(row, to: &json)
                json.key("reason")
                AccessJSON.write(denial, to: &json)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
    }

    package struct RevokeExceedingBody: Decodable {
        package var grant_ids: [String]?
    }

    /// Revokes every exceeding grant (or those of `grant_ids` among them) that the caller may
    /// revoke, in one transaction; the others are listed as refused with their reason.
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
            var revoked: [AccessStore.GrantRow] = []
            var refused: [(AccessStore.GrantRow, Denial)] = []
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
                _ = try await connection.query("DELETE FROM grants WHERE id = $1::uuid", [row.id])
                try await Audit.record(connection, context, caller, action: Action.grantRevoke.rawValue, resource: "grant",
                                       id: row.id, before: AccessJSON.bytes(row))
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
            for row in revoked { AccessJSON.write(row, to: &json) }
            json.endArray()
            json.key("refused")
            json.beginArray()
            for (row, denial) in refused {
                json.beginObject()
                json.key("grant")
                AccessJSON.write(row, to: &json)
                json.key("reason")
                AccessJSON.write(denial, to: &json)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
    }

    /// GrantAudit over the tenant: grantors are the enabled users and live keys as they are now.
    package static func audit(_ subjects: [SubjectRecord], _ caller: Caller) -> [(AccessStore.GrantRow, Denial)] {
        var rows: [EntityID: AccessStore.GrantRow] = [:]
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
