// Turning targets described by kind and id ({"kind":"user","id":…}) into policy `Target`s, for
// `POST /v1/access/check`, who-can and grant creation. All the ids of one kind are read in one
// query, whatever the batch size; nothing is read for tenant-wide targets.

import App
import HTTP
import Policy
import Postgres
import Tenancy

/// A target as the API describes it.
package struct TargetDescription: Decodable, Sendable {
    /// tenant | user | api_key | role | grant | new_grant | unit | region | position
    package var kind: String
    package var id: String?
    /// kind tenant: the grade of what would be created (a user at "B+3"); kind user: the grade the
    /// user would be given (`user.update`).
    package var grade: String?
    /// kind new_grant: the grant that would be made.
    package var subject: SubjectRef?
    package var role_id: String?
    package var scope: ScopeRef?
    package var expires_at: String?

    package struct SubjectRef: Decodable, Sendable {
        package var kind: String                // user | api_key
        package var id: String
    }

    package struct ScopeRef: Decodable, Sendable {
        package var kind: String                // tenant | unit | region
        package var id: String?
    }

    package static let kinds = ["tenant", "user", "api_key", "role", "grant", "new_grant", "unit", "region", "position"]
}

extension TargetDescription {
    /// "tenant", "user:<uuid>", … as in `GET /v1/access/who-can?target=`.
    package init?(text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let kind = parts.first else { return nil }
        self.init(kind: kind, id: parts.count > 1 ? parts[1] : nil)
    }
}

/// What the database says about the described targets, loaded kind by kind.
package struct AccessTargets: Sendable {
    package struct UserFacts: Sendable { var grade: Grade?; var disabled: Bool }
    package struct GrantFacts: Sendable { var row: StoredGrant; var granteeGrade: Grade? }
    package struct UnitFacts: Sendable { var path: TreePath; var tier: Int? }
    package struct PositionFacts: Sendable { var unit: TreePath; var grade: Grade? }

    /// Why a description does not resolve: the field at fault and what is wrong with it.
    package struct Unresolved: Error {
        package var field: String
        package var detail: String
        package var missing: Bool               // true: no such object (a check answers NOT_FOUND)
    }

    package let caller: Caller
    package var users: [String: UserFacts] = [:]
    package var apiKeys: Set<String> = []
    package var roles: [String: Role] = [:]
    package var grants: [String: GrantFacts] = [:]
    package var units: [String: UnitFacts] = [:]
    package var regions: [String: TreePath] = [:]
    package var positions: [String: PositionFacts] = [:]
    /// The tenant's subjects, loaded only when an action may remove administrators or raise a user.
    package var subjects: [SubjectRecord]?
    /// The tenant's administrator count, with `subjects`.
    package var adminCount = 0
    /// The targets a declared endpoint built from these facts in its `load`, for its decision.
    package var targets: [Target] = []
    package let now = Timestamp.now

    /// Loads every object the descriptions name: one query per kind present. Throws 422 for a
    /// kind this database cannot resolve yet (the org chart's), naming the field.
    package static func load(_ descriptions: [(action: Action, target: TargetDescription, field: String)], caller: Caller,
                             _ connection: PGConnection) async throws -> AccessTargets {
        var facts = AccessTargets(caller: caller)
        var ids: [String: Set<String>] = [:]
        var needsAdmins = false
        for (action, target, field) in descriptions {
            guard TargetDescription.kinds.contains(target.kind) else {
                throw Problem.invalid(field + ".kind", rule: "enum", "kind must be one of " + TargetDescription.kinds.joined(separator: ", "))
            }
            if target.kind == "new_grant" {
                if let subject = target.subject { ids[subject.kind == "api_key" ? "api_key" : "user", default: []].insert(subject.id.lowercased()) }
                if let role = target.role_id { ids["role", default: []].insert(role.lowercased()) }
                if let scope = target.scope, let id = scope.id, scope.kind != "tenant" { ids[scope.kind, default: []].insert(id.lowercased()) }
            } else if target.kind != "tenant", let id = target.id {
                ids[target.kind, default: []].insert(id.lowercased())
            }
            if action == .grantRevoke || action == .userDisable || action == .roleDelete { needsAdmins = true }
            // A new grade for a user is decided with the user's grants (whose roles a raise wakes).
            if action == .userUpdate && target.kind == "user" && target.grade != nil { needsAdmins = true }
        }
        func valid(_ kind: String) -> [String] { (ids[kind] ?? []).filter { EntityID(uuid: $0) != nil }.sorted() }
        let ladder = caller.ladder
        if !valid("user").isEmpty {
            for user in try await UserStore.find(connection, ids: valid("user")) {
                // Users rank by their effective grade: their own or their linked person's posts.
                facts.users[user.id] = UserFacts(grade: user.grades(ladder).grade, disabled: user.disabled)
            }
        }
        if !valid("api_key").isEmpty {
            facts.apiKeys = Set(try await APIKeyStore.unrevoked(connection, ids: valid("api_key")))
        }
        if !valid("role").isEmpty {
            for role in try await RoleStore.find(connection, ids: valid("role")) {
                facts.roles[role.id] = role.policyRole(ladder: ladder)
            }
        }
        if !valid("grant").isEmpty {
            for found in try await GrantStore.withGrantees(connection, ids: valid("grant")) {
                let grade = EffectiveGrade(account: found.grade, founder: found.founder, postGrades: found.postGrades,
                                           ladder: ladder).grade
                facts.grants[found.grant.id] = GrantFacts(row: found.grant, granteeGrade: grade)
            }
        }
        for kind in ["unit", "region", "position"] where ids[kind] != nil {
            try await facts.loadOrgChart(kind, valid(kind), field: descriptions.first { $0.target.kind == kind || $0.target.scope?.kind == kind }?.field ?? "target", connection)
        }
        if needsAdmins {
            let subjects = try await AccessStore.subjects(connection)
            facts.subjects = subjects
            facts.adminCount = AccessStore.tenantAdminCount(subjects, tenant: caller.tenant, ladder: ladder, now: facts.now)
        }
        return facts
    }

    /// Units, regions and positions come from the org chart's tables and path functions
    /// (`orgd_unit_path(uuid)`, `orgd_region_path(uuid)`), which later migrations add.
    private mutating func loadOrgChart(_ kind: String, _ ids: [String], field: String, _ connection: PGConnection) async throws {
        let function = kind == "region" ? "orgd_region_path" : "orgd_unit_path"
        guard try await AccessStore.functionExists("\(function)(uuid)", connection) else {
            throw Problem.invalid(field, rule: "available",
                                  "\(kind) targets and scopes need the org chart (\(function)), which this database does not have yet")
        }
        if ids.isEmpty { return }
        let ladder = caller.ladder
        switch kind {
        case "unit":
            let versions = try await AccessStore.relationExists("unit_versions", connection)
            for (id, pathText, tier) in try await connection.query("""
                SELECT x::text, orgd_unit_path(x)::text, \(unescaped: versions ? Self.currentTier : "NULL::text")
                FROM unnest(\(ids)::uuid[]) x
                """).decode(String.self, String?.self, String?.self) {
                let path = Self.path(pathText)
                guard !path.ids.isEmpty else { continue }
                units[id] = UnitFacts(path: path, tier: tier.flatMap { ladder.tierIndex(named: $0) })
            }
        case "region":
            for (id, pathText) in try await connection.query("""
                SELECT x::text, orgd_region_path(x)::text FROM unnest(\(ids)::uuid[]) x
                """ as PGQuery).decode(String.self, String?.self) {
                let path = Self.path(pathText)
                if !path.ids.isEmpty { regions[id] = path }
            }
        default:
            guard try await AccessStore.relationExists("position_versions", connection) else {
                throw Problem.invalid(field, rule: "available", "position targets need the org chart, which this database does not have yet")
            }
            for (id, grade, path) in try await connection.query("""
                SELECT DISTINCT ON (v.position_id) v.position_id::text, v.grade, orgd_unit_path(v.unit_id)::text
                FROM position_versions v WHERE v.position_id = ANY(\(ids)::uuid[])
                ORDER BY v.position_id, v.valid @> current_date DESC, upper_inf(v.valid) DESC
                """ as PGQuery).decode(String.self, String?.self, String?.self) {
                positions[id] = PositionFacts(unit: Self.path(path), grade: grade.flatMap { try? ladder.parse($0) })
            }
        }
    }

    /// The tier of unit `x` in its version in force today (or its first, for a future unit).
    package static let currentTier: PGQuery = """
        (SELECT v.tier FROM unit_versions v WHERE v.unit_id = x ORDER BY v.valid @> current_date DESC, upper_inf(v.valid) DESC LIMIT 1)
        """

    package static func path(_ text: String?) -> TreePath {
        TreePath(StoredValues.array(text).compactMap { EntityID(uuid: $0) })
    }

    // MARK: Building targets

    /// The policy target for `action` on `description`, or why it cannot be built.
    package func target(_ action: Action, _ description: TargetDescription, field: String) throws(Unresolved) -> Target {
        // Malformed fields are refused whatever the kind, not ignored where they do not apply.
        if let text = description.expires_at, Timestamps.dateTime(text) == nil {
            throw Unresolved(field: field + ".expires_at", detail: "expires_at must be an RFC 3339 time such as 2027-01-31T00:00:00Z", missing: false)
        }
        for (name, value) in [("id", description.id), ("role_id", description.role_id), ("subject.id", description.subject?.id), ("scope.id", description.scope?.id)] {
            if let value, EntityID(uuid: value) == nil {
                throw Unresolved(field: field + "." + name, detail: "\(name) must be an id (a UUID), not \(value)", missing: false)
            }
        }
        let tenant = caller.tenant
        func missing(_ what: String, _ id: String?) -> Unresolved {
            Unresolved(field: field + ".id", detail: "no such \(what)\(id.map { " \($0)" } ?? "")", missing: true)
        }
        let id = description.id?.lowercased()
        switch description.kind {
        case "tenant":
            var target = Target.tenantWide(tenant)
            target.grade = try grade(description, field: field)
            // "May I replace the ladder at all": judged against the ladder as it is.
            if action == .ladderReplace { target.newLadder = caller.ladder }
            return target
        case "user":
            guard let id, let user = users[id] else { throw missing("user", id) }
            var target = Target.tenantWide(tenant)
            target.grade = user.grade
            if let grade = try grade(description, field: field) {
                target.newGrade = grade
                target.affected = (subjects ?? []).filter { $0.id == id }.map { $0.principal(tenant: tenant, ladder: caller.ladder) }
            }
            if action == .userDisable, !user.disabled {
                target.removesTenantAdmins = removedAdmins { $0.id == id ? nil : $0 } ? 1 : 0
            }
            return target
        case "api_key":
            guard let id, apiKeys.contains(id) else { throw missing("API key", id) }
            return .tenantWide(tenant)
        case "role":
            guard let id, let role = roles[id] else { throw missing("role", id) }
            if action == .roleDelete {
                let removes = removedAdmins { subject in
                    var subject = subject
                    subject.grants.removeAll { $0.roleID == id }
                    return subject
                } ? 1 : 0
                return .role(tenant, RoleChange(before: role, after: nil), removesTenantAdmins: removes)
            }
            return .role(tenant, RoleChange(before: role, after: role))
        case "grant":
            guard let id, let facts = grants[id] else { throw missing("grant", id) }
            let request = GrantRequest(facts.row.policyGrant(ladder: caller.ladder), granteeGrade: facts.granteeGrade)
            var removes = 0
            if action == .grantRevoke {
                removes = removedAdmins { subject in
                    var subject = subject
                    subject.grants.removeAll { $0.id == id }
                    return subject
                } ? 1 : 0
            }
            return .grant(tenant, request, removesTenantAdmins: removes)
        case "new_grant":
            return .grant(tenant, try newGrant(description, field: field).request)
        case "unit":
            guard let id, let unit = units[id] else { throw missing("unit", id) }
            return .unit(tenant, path: unit.path, tier: unit.tier)
        case "region":
            guard let id, let region = regions[id] else { throw missing("region", id) }
            return .network(tenant, region: region)
        default:
            guard let id, let position = positions[id] else { throw missing("position", id) }
            return .position(tenant, unit: position.unit, grade: position.grade)
        }
    }

    /// The description's `grade` on the tenant's ladder; nil when it names none.
    private func grade(_ description: TargetDescription, field: String) throws(Unresolved) -> Grade? {
        guard let text = description.grade else { return nil }
        guard let grade = try? caller.ladder.parse(text) else {
            throw Unresolved(field: field + ".grade", detail: "grade \(text) is not on the tenant's ladder", missing: false)
        }
        return grade
    }

    /// A grant to be made, as the policy and the grants table need it.
    package struct NewGrant: Sendable {
        package var request: GrantRequest
        package var subjectKind: String
        package var scopeKind: String
        package var scopeID: String?
        package var scopePath: [String]
        package var expiresAt: String?
    }

    package func newGrant(_ description: TargetDescription, field: String) throws(Unresolved) -> NewGrant {
        guard let subject = description.subject, ["user", "api_key"].contains(subject.kind) else {
            throw Unresolved(field: field + ".subject.kind", detail: "subject.kind must be user or api_key", missing: false)
        }
        let subjectID = subject.id.lowercased()
        let granteeGrade: Grade?
        if subject.kind == "user" {
            guard let user = users[subjectID], !user.disabled else {
                throw Unresolved(field: field + ".subject.id", detail: "no such enabled user \(subject.id)", missing: true)
            }
            granteeGrade = user.grade
        } else {
            guard apiKeys.contains(subjectID) else {
                throw Unresolved(field: field + ".subject.id", detail: "no such live API key \(subject.id)", missing: true)
            }
            granteeGrade = nil
        }
        guard let roleID = description.role_id?.lowercased(), let role = roles[roleID] else {
            throw Unresolved(field: field + ".role_id", detail: "no such role \(description.role_id ?? "")", missing: true)
        }
        guard let scopeRef = description.scope, ["tenant", "unit", "region"].contains(scopeRef.kind) else {
            throw Unresolved(field: field + ".scope.kind", detail: "scope.kind must be tenant, unit or region", missing: false)
        }
        let scope: Scope
        var path: [String] = []
        switch scopeRef.kind {
        case "tenant":
            scope = .tenant
        case "unit":
            guard let id = scopeRef.id?.lowercased(), let unit = units[id] else {
                throw Unresolved(field: field + ".scope.id", detail: "no such unit \(scopeRef.id ?? "")", missing: true)
            }
            scope = .unit(unit.path)
            path = unit.path.ids.map(\.description)
        default:
            guard let id = scopeRef.id?.lowercased(), let region = regions[id] else {
                throw Unresolved(field: field + ".scope.id", detail: "no such region \(scopeRef.id ?? "")", missing: true)
            }
            scope = .region(region)
            path = region.ids.map(\.description)
        }
        var expiry: Timestamp?
        if let text = description.expires_at {
            guard let seconds = Timestamps.dateTime(text) else {
                throw Unresolved(field: field + ".expires_at", detail: "expires_at must be an RFC 3339 time such as 2027-01-31T00:00:00Z", missing: false)
            }
            guard seconds > now.secondsSinceEpoch else {
                throw Unresolved(field: field + ".expires_at", detail: "expires_at must be in the future", missing: false)
            }
            expiry = Timestamp(secondsSinceEpoch: seconds)
        }
        let request = GrantRequest(role: role, scope: scope, grantee: EntityID(uuid: subjectID) ?? EntityID(0),
                                   granteeGrade: granteeGrade, expiresAt: expiry, grantor: caller.principal.subject)
        return NewGrant(request: request, subjectKind: subject.kind, scopeKind: scopeRef.kind,
                        scopeID: scopeRef.kind == "tenant" ? nil : scopeRef.id?.lowercased(), scopePath: path,
                        expiresAt: description.expires_at)
    }


    /// True when `change`, applied to every subject (nil removes it), leaves fewer administrators.
    private func removedAdmins(_ change: (SubjectRecord) -> SubjectRecord?) -> Bool {
        guard let subjects else { return false }
        let after = AccessStore.tenantAdminCount(subjects.compactMap(change), tenant: caller.tenant,
                                                 ladder: caller.ladder, now: now)
        return after < adminCount
    }
}
