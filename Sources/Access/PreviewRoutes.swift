// POST /v1/access/preview: before a grant, a revocation, a role edit or deletion, or a change of a
// user's grade is applied, who would gain or lose which permission and where, and whether the
// caller would be allowed to make it (the policy's decision, with its reason). Nothing is written.
// Ladder replacements have their own preview (/v1/access/ladder/preview).

import App
import HTTP
import Policy
import Postgres

package enum PreviewRoutes {
    package struct Body: Decodable, Sendable {
        package var action: String              // grant.create | grant.revoke | role.update | role.delete | user.update
        package var grant: GrantRoutes.CreateBody?
        package var grant_id: String?
        package var role_id: String?
        package var name: String?
        package var permissions: [String]?
        package var minimum_grade: String?
        package var clear_minimum_grade: Bool?
        package var user_id: String?
        package var grade: String?
    }

    package static let actions: [Action] = [.grantCreate, .grantRevoke, .roleUpdate, .roleDelete, .userUpdate]

    /// Nothing is written; needs access.read over the tenant, decided after the action is checked.
    package static let preview = Endpoint<Body, Action, HTTPResponse>(
        action: .grantRead, resource: "grant",
        check: { call in _ = try action(call.body) },
        load: { call, _ in try action(call.body) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, action, connection in try await answer(call.body, action, call.caller, connection) },
        encode: { _, response in response })

    private static func action(_ body: Body) throws -> Action {
        guard let action = Action(rawValue: body.action), actions.contains(action) else {
            throw Problem.invalid("action", rule: "enum", "action must be one of " + actions.map(\.rawValue).joined(separator: ", "))
        }
        return action
    }

    /// Who would gain or lose what, and the decision, for the change `body` describes.
    private static func answer(_ body: Body, _ action: Action, _ caller: Caller, _ connection: PGConnection) async throws -> HTTPResponse {
        let ladder = caller.ladder
        let description: TargetDescription
        switch action {
        case .grantCreate:
            guard let grant = body.grant else { throw Problem.invalid("grant", rule: "required", "grant is required") }
            description = TargetDescription(kind: "new_grant", subject: grant.subject, role_id: grant.role_id,
                                            scope: grant.scope, expires_at: grant.expires_at)
        case .grantRevoke:
            description = TargetDescription(kind: "grant", id: try required(body.grant_id, "grant_id"))
        case .roleUpdate, .roleDelete:
            description = TargetDescription(kind: "role", id: try required(body.role_id, "role_id"))
        default:
            description = TargetDescription(kind: "user", id: try required(body.user_id, "user_id"))
        }
        // Errors about the described object name the body field that holds its id.
        let field = action == .grantCreate ? "grant" : ""
        let idField = [.grantRevoke: "grant_id", .roleUpdate: "role_id", .roleDelete: "role_id"][action] ?? "user_id"
        var facts = try await AccessTargets.load([(action, description, field)], caller: caller, connection)
        let subjects = try await AccessStore.subjects(connection)
        facts.subjects = subjects
        facts.adminCount = AccessStore.tenantAdminCount(subjects, tenant: caller.tenant, ladder: ladder, now: facts.now)
        var target: Target
        do {
            target = try facts.target(action, description, field: field)
        } catch {
            let named = error.field == ".id" ? idField : String(error.field.drop { $0 == "." })
            throw Problem.invalid(named, rule: error.missing ? "exists" : "format", error.detail)
        }
        let id = description.id?.lowercased() ?? ""
        var change: (SubjectRecord) -> SubjectRecord = { $0 }
        switch action {
        case .grantCreate:
            guard let grant = try? facts.newGrant(description, field: field) else { throw Problem.notFound("grant") }
            let row = StoredGrant(
                id: "00000000-0000-0000-0000-000000000000", subjectKind: grant.subjectKind,
                subjectID: grant.request.grantee.description, roleID: grant.request.role.id.description,
                roleName: grant.request.role.name, permissions: grant.request.role.permissions.names,
                minimumGrade: grant.request.role.minimumGrade.map { ladder.name(of: $0) }, scopeKind: grant.scopeKind,
                scopeID: grant.scopeID, scopePath: grant.scopePath, expiresAt: grant.request.expiresAt?.secondsSinceEpoch,
                grantedBy: caller.subjectID)
            change = { subject in
                var subject = subject
                if subject.id == row.subjectID { subject.grants.append(row) }
                return subject
            }
        case .grantRevoke:
            change = { subject in
                var subject = subject
                subject.grants.removeAll { $0.id == id }
                return subject
            }
        case .roleDelete:
            change = { subject in
                var subject = subject
                subject.grants.removeAll { $0.roleID == id }
                return subject
            }
        case .roleUpdate:
            guard let old = facts.roles[id] else { throw Problem.notFound("role") }
            var new = old
            if let name = body.name { new.name = try RoleRoutes.validateName(name) }
            if let names = body.permissions { new.permissions = try RoleRoutes.validatePermissions(names) }
            if let text = body.minimum_grade { new.minimumGrade = try ladder.grade(text, field: "minimum_grade") }
            if body.clear_minimum_grade == true { new.minimumGrade = nil }
            change = { subject in
                var subject = subject
                subject.grants = subject.grants.map { $0.roleID == id ? $0.with(role: new, ladder: ladder) : $0 }
                return subject
            }
            let removed = facts.adminCount - AccessStore.tenantAdminCount(subjects.map(change), tenant: caller.tenant,
                                                                          ladder: ladder, now: facts.now)
            target = .role(caller.tenant, RoleChange(before: old, after: new), holders: RoleRoutes.holders(of: id, subjects, caller),
                           removesTenantAdmins: max(0, removed))
        default:
            target.newGrade = try body.grade.map { try ladder.grade($0) }
            target.affected = subjects.filter { $0.id == id }.map { $0.principal(tenant: caller.tenant, ladder: ladder) }
            change = { subject in
                var subject = subject
                if subject.id == id { subject.grade = body.grade }
                return subject
            }
        }
        let decision = CheckRoutes.visibleInTenant(
            decide(caller.principal, action, target, caller.context(now: facts.now, tenantAdminCount: facts.adminCount)),
            target, caller)
        let changes = AccessPreview.changes(subjects, before: { $0.principal(tenant: caller.tenant, ladder: ladder) },
                                            after: { change($0).principal(tenant: caller.tenant, ladder: ladder) }, now: facts.now)
        return JSONResponse.make { json in
            json.beginObject()
            json.key("decision")
            AccessJSON.write(decision, action: action, to: &json)
            json.key("changes")
            AccessPreview.write(changes, to: &json)
            json.endObject()
        }
    }

    private static func required(_ value: String?, _ field: String) throws -> String {
        guard let value else { throw Problem.invalid(field, rule: "required", "\(field) is required") }
        return value
    }
}
