// /v1/access/roles: a tenant's roles — named sets of catalog permissions with an optional minimum
// grade. An edit changes every holder's access at once, so the policy (role.create/update/delete)
// requires the editor to hold every permission involved over the whole tenant, and refuses an
// edit that would leave the tenant without an administrator.

import App
import HTTP
import Policy
import Postgres
import Tenancy

package enum RoleRoutes {
    /// The tenant's roles in id order.
    package static let list = DeclaredList.paged(
        .roleRead, resource: "role",
        fetch: { connection, after, limit in try await RoleStore.list(connection, after: after, limit: limit) },
        cursor: { $0.id }, write: { _, role, json in role.write(to: &json) })

    /// One role; 403 (without access.read) before 404.
    package static let read = Endpoint<NoBody, String, StoredRole>(
        tenantWide: .roleRead, resource: "role", find: { try await RoleStore.find($0, id: $1) },
        encode: { _, role in HTTPResponse(status: 200, contentType: "application/json", body: role.json) })

    package struct CreateBody: Decodable, Sendable {
        package var name: String
        package var description: String?
        package var permissions: [String]
        package var minimum_grade: String?
    }

    /// A new role: the policy checks the creator holds every permission in it, tenant-wide.
    package static let create = Endpoint<CreateBody, Role, StoredRole>(
        action: .roleCreate, resource: "role",
        load: { call, _ in
            let body = call.body
            let name = try validateName(body.name)
            let permissions = try validatePermissions(body.permissions)
            let minimum = try body.minimum_grade.map { try call.caller.ladder.grade($0, field: "minimum_grade") }
            return Role(id: EntityID(0), name: name, permissions: permissions, minimumGrade: minimum)
        },
        target: { call, role in .role(call.caller.tenant, RoleChange(before: nil, after: role)) },
        perform: { call, role, connection in
            guard let stored = try await RoleStore.create(connection, name: role.name, description: call.body.description ?? "",
                                                          permissions: role.permissions.names,
                                                          minimumGrade: call.body.minimum_grade) else {
                throw nameTaken(role.name)
            }
            return stored
        },
        audit: { _, _, role in Audited(Action.roleCreate.rawValue, resource: "role", id: role.id, after: role.json) },
        encode: { _, role in
            var response = HTTPResponse(status: 201, contentType: "application/json", body: role.json)
            response.headers.add("Location", "/v1/access/roles/\(role.id)")
            return response
        })

    /// A role that is still granted is not deleted: revoke its grants first (409 ROLE_IN_USE).
    package static let delete = Endpoint<NoBody, StoredRole, Void>(
        action: .roleDelete, resource: "role",
        load: { call, connection in
            let id = try call.pathID(resource: "role")
            try await AccessStore.lockTenantAccess(connection)
            guard let role = try await RoleStore.find(connection, id: id, forUpdate: true) else { throw Problem.notFound("role") }
            return role
        },
        target: { call, role in
            .role(call.caller.tenant, RoleChange(before: role.policyRole(ladder: call.caller.ladder), after: nil))
        },
        targetID: { _, role in role.id },
        perform: { _, role, connection in
            guard role.grantCount == 0 else {
                throw Problem.conflict("ROLE_IN_USE", "role \(role.name) is held through \(role.grantCount) grant(s); revoke them first")
            }
            try await RoleStore.delete(connection, id: role.id)
        },
        audit: { _, role, _ in Audited(Action.roleDelete.rawValue, resource: "role", id: role.id, before: role.json) },
        encode: { _, _ in JSONResponse.noContent })

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

    /// An edit of a role, its fields checked against the rules and the tenant's ladder.
    struct Edit {
        var name: String?
        var permissions: PermissionSet?
        var minimum: Grade??

        init(_ call: Call<UpdateBody>) throws {
            name = try call.body.name.map(validateName)
            permissions = try call.body.permissions.map(validatePermissions)
            minimum = try call.body.minimum_grade.map { text in
                try text.map { try call.caller.ladder.grade($0, field: "minimum_grade") }
            }
        }
    }

    /// Changes a role. The decision sees the role before and after, everyone who holds it, and
    /// the tenant's administrator count (an edit may strip the last administrator), all read under
    /// the tenant's access lock.
    package static let update = Endpoint<UpdateBody, (before: StoredRole, target: Target, admins: Int), StoredRole>(
        action: .roleUpdate, resource: "role",
        check: { call in _ = try Edit(call) },
        load: { call, connection in
            let id = try call.pathID(resource: "role")
            let caller = call.caller
            let edit = try Edit(call)
            try await AccessStore.lockTenantAccess(connection)
            guard let before = try await RoleStore.find(connection, id: id, forUpdate: true) else { throw Problem.notFound("role") }
            let old = before.policyRole(ladder: caller.ladder)
            var new = old
            if let name = edit.name { new.name = name }
            if let permissions = edit.permissions { new.permissions = permissions }
            if let minimum = edit.minimum { new.minimumGrade = minimum }
            let subjects = try await AccessStore.subjects(connection)
            let (admins, removed) = adminsRemoved(subjects, caller) { grant in
                grant.roleID == id ? grant.with(role: new, ladder: caller.ladder) : grant
            }
            let target = Target.role(caller.tenant, RoleChange(before: old, after: new), holders: holders(of: id, subjects, caller),
                                     removesTenantAdmins: removed)
            return (before, target, admins)
        },
        target: { _, loaded in loaded.target },
        targetID: { _, loaded in loaded.before.id },
        tenantAdminCount: { _, loaded in loaded.admins },
        perform: { call, loaded, connection in
            let edit = try Edit(call)
            let body = call.body
            guard let after = try await RoleStore.update(connection, id: loaded.before.id, name: edit.name, description: body.description,
                                                         permissions: edit.permissions?.names, setMinimumGrade: body.minimum_grade != nil,
                                                         minimumGrade: body.minimum_grade.flatMap { $0 }) else {
                throw nameTaken(edit.name ?? "")
            }
            return after
        },
        audit: { _, loaded, after in
            Audited(Action.roleUpdate.rawValue, resource: "role", id: after.id, before: loaded.before.json, after: after.json)
        },
        committed: { call, _ in call.context.resources.callers.invalidate(tenant: call.caller.tenantID!) },
        encode: { _, role in HTTPResponse(status: 200, contentType: "application/json", body: role.json) })

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
                                      _ change: (StoredGrant) -> StoredGrant?) -> (Int, Int) {
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
}
