// /v1/access/roles: a tenant's roles — named sets of catalog permissions with an optional minimum
// grade. An edit changes every holder's access at once, so the policy (role.create/update/delete)
// requires the editor to hold every permission involved over the whole tenant, and refuses an
// edit that would leave the tenant without an administrator.

import App
import HTTP
import Policy
import Postgres

package enum RoleRoutes {
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        try await context.authorize(caller, .roleRead, .tenantWide(caller.tenant), resource: "role", id: nil)
        let page = try Page(context)
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT \(AccessStore.roleColumns) FROM roles WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY roles.id LIMIT $2
                """, [page.after, page.limit + 1])
        }
        return page.response(rows) { row, json in AccessStore.writeRole(row, to: &json) }
    }

    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "role")
        try await context.authorize(caller, .roleRead, .tenantWide(caller.tenant), resource: "role", id: id)
        let row = try await context.transaction(caller) { connection in try await AccessStore.role(id, connection) }
        guard let row else { throw Problem.notFound("role") }
        return HTTPResponse(status: 200, contentType: "application/json", body: AccessStore.roleJSON(row))
    }

    package struct CreateBody: Decodable {
        package var name: String
        package var description: String?
        package var permissions: [String]
        package var minimum_grade: String?
    }

    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
        let name = try validateName(body.name)
        let permissions = try validatePermissions(body.permissions)
        let minimum = try body.minimum_grade.map { try caller.ladder.grade($0, field: "minimum_grade") }
        let role = Role(id: EntityID(0), name: name, permissions: permissions, minimumGrade: minimum)
        try await context.authorize(caller, .roleCreate, .role(caller.tenant, RoleChange(before: nil, after: role)),
                                    resource: "role", id: nil)
        let row = try await context.transaction(caller) { connection in
            let inserted: PGResult
            do {
                inserted = try await connection.query("""
                    INSERT INTO roles (tenant_id, name, description, permissions, minimum_grade)
                    VALUES (orgd_current_tenant(), $1, $2, $3::text[], $4) RETURNING \(AccessStore.roleColumns)
                    """, [name, body.description ?? "", permissions.names, body.minimum_grade])
            } catch {
                guard (error as? PGError)?.isUniqueViolation == true else { throw error }
                throw nameTaken(name)
            }
            try await Audit.record(connection, context, caller, action: Action.roleCreate.rawValue, resource: "role",
                                   id: inserted.string(0, "id"), after: AccessStore.roleJSON(inserted[0]))
            return inserted[0]
        }
        var response = HTTPResponse(status: 201, contentType: "application/json", body: AccessStore.roleJSON(row))
        response.headers.add("Location", "/v1/access/roles/\(row.string("id") ?? "")")
        return response
    }

    package struct UpdateBody: Decodable {
        package var name: String?
        package var description: String?
        package var permissions: [String]?
        package var minimum_grade: String??       // absent: unchanged; null: no minimum

        package enum CodingKeys: String, CodingKey { case name, description, permissions, minimum_grade }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresentNotNull(String.self, forKey: .name)
            description = try container.decodeIfPresentNotNull(String.self, forKey: .description)
            permissions = try container.decodeIfPresentNotNull([String].self, forKey: .permissions)
            if container.contains(.minimum_grade) {
                minimum_grade = .some(try container.decodeNil(forKey: .minimum_grade)
                    ? nil : try container.decode(String.self, forKey: .minimum_grade))
            }
        }
    }

    package static func update(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "role")
        let body = try context.body(UpdateBody.self)
        let name = try body.name.map(validateName)
        let permissions = try body.permissions.map(validatePermissions)
        let minimum = try body.minimum_grade.map { text in
            try text.map { try caller.ladder.grade($0, field: "minimum_grade") }
        }
        let response = try await context.transaction(caller) { connection in
            try await AccessStore.lockTenantAccess(connection)
            guard let before = try await AccessStore.role(id, connection, forUpdate: true) else { throw Problem.notFound("role") }
            let old = AccessStore.policyRole(before, ladder: caller.ladder)
            var new = old
            if let name { new.name = name }
            if let permissions { new.permissions = permissions }
            if let minimum { new.minimumGrade = minimum }
            let subjects = try await AccessStore.subjects(connection)
            let (admins, removed) = adminsRemoved(subjects, caller) { grant in
                grant.roleID == id ? with(grant, role: new, ladder: caller.ladder) : grant
            }
            try await context.authorize(caller, .roleUpdate, .role(caller.tenant, RoleChange(before: old, after: new),
                                                                    holders: holders(of: id, subjects, caller),
                                                                    removesTenantAdmins: removed),
                                        resource: "role", id: id, tenantAdminCount: admins)
            let after: PGRow
            do {
                after = try await connection.query("""
                    UPDATE roles SET name = coalesce($2, name), description = coalesce($3, description),
                                     permissions = coalesce($4::text[], permissions),
                                     minimum_grade = CASE WHEN $5 THEN $6 ELSE minimum_grade END, updated_at = now()
                    WHERE id = $1::uuid RETURNING \(AccessStore.roleColumns)
                    """, [id, name, body.description, permissions?.names, body.minimum_grade != nil,
                          body.minimum_grade.flatMap { $0 }])[0]
            } catch {
                guard (error as? PGError)?.isUniqueViolation == true else { throw error }
                throw nameTaken(name ?? "")
            }
            try await Audit.record(connection, context, caller, action: Action.roleUpdate.rawValue, resource: "role", id: id,
                                   before: AccessStore.roleJSON(before), after: AccessStore.roleJSON(after))
            return HTTPResponse(status: 200, contentType: "application/json", body: AccessStore.roleJSON(after))
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return response
    }

    /// A role that is still granted is not deleted: revoke its grants first (409 ROLE_IN_USE).
    package static func delete(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "role")
        try await context.transaction(caller) { connection in
            try await AccessStore.lockTenantAccess(connection)
            guard let before = try await AccessStore.role(id, connection, forUpdate: true) else { throw Problem.notFound("role") }
            let old = AccessStore.policyRole(before, ladder: caller.ladder)
            try await context.authorize(caller, .roleDelete, .role(caller.tenant, RoleChange(before: old, after: nil)),
                                        resource: "role", id: id)
            let grants = before.int("grant_count") ?? 0
            guard grants == 0 else {
                throw Problem.conflict("ROLE_IN_USE", "role \(old.name) is held through \(grants) grant(s); revoke them first")
            }
            _ = try await connection.query("DELETE FROM roles WHERE id = $1::uuid", [id])
            try await Audit.record(connection, context, caller, action: Action.roleDelete.rawValue, resource: "role", id: id,
                                   before: AccessStore.roleJSON(before))
        }
        return JSONResponse.noContent
    }

    // MARK: Rules

    package static func validateName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(trimmed.count) else {
            throw Problem.invalid("name", rule: "length", "name must be 1 to 100 characters")
        }
        return trimmed
    }

    /// The permission set, or 422 PERMISSION_UNKNOWN naming the first name not in the catalog.
    package static func validatePermissions(_ names: [String]) throws -> PermissionSet {
        do {
            return try PermissionSet(names: names)
        } catch {
            var problem = Problem.policy(error, field: "permissions")
            if case .permissionUnknown(let name) = error {
                problem.detail += "; the catalog is " + Permission.allCases.map(\.rawValue).joined(separator: ", ")
                problem.extra = [("permission", .string(name))]
            }
            throw problem
        }
    }

    package static func nameTaken(_ name: String) -> Problem {
        Problem.conflict("ROLE_NAME_TAKEN", "a role named \(name) already exists in this tenant")
    }

    /// The tenant's administrator count now, and how many `change` (applied to every grant row)
    /// would leave without tenant.admin over the whole tenant.
    package static func adminsRemoved(_ subjects: [SubjectRecord], _ caller: Caller,
                                      _ change: (AccessStore.GrantRow) -> AccessStore.GrantRow?) -> (Int, Int) {
        let now = Timestamp.now
        let before = AccessStore.tenantAdminCount(subjects, tenant: caller.tenant, ladder: caller.ladder, now: now)
        let changed = subjects.map { subject in
            var subject = subject
            subject.grants = subject.grants.compactMap(change)
            return subject
        }
        let after = AccessStore.tenantAdminCount(changed, tenant: caller.tenant, ladder: caller.ladder, now: now)
        return (before, max(0, before - after))
    }

    /// The enabled users and live keys holding role `id`, as they are now: whom an edit widening
    /// the role empowers, so the editor must outrank them (Evaluation+RoleEdit).
    package static func holders(of id: String, _ subjects: [SubjectRecord], _ caller: Caller) -> [Principal] {
        subjects.filter { $0.active && $0.grants.contains { $0.roleID == id } }
            .map { $0.principal(tenant: caller.tenant, ladder: caller.ladder) }
    }

    /// A grant row as it would read with the role edited.
    package static func with(_ grant: AccessStore.GrantRow, role: Role, ladder: GradeLadder) -> AccessStore.GrantRow {
        var grant = grant
        grant.roleName = role.name
        grant.permissions = role.permissions.names
        grant.minimumGrade = role.minimumGrade.map { ladder.name(of: $0) }
        return grant
    }
}
