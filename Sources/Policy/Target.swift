// What an action is about, as facts the caller reads from its cache: the tenant, where the object
// sits, the grades involved and, for access changes, what is granted or edited. Nothing is looked up.

/// The object of a decision. Each action reads only some fields (listed per field); a field an
/// action needs but the caller left empty is refused with `TARGET_INCOMPLETE`, never guessed.
public struct Target: Sendable {
    /// The tenant the object belongs to. Another tenant's object does not exist for the actor.
    public var tenant: TenantID
    /// Where the object sits. For `unit.create` it is the new unit's parent (the empty path for a
    /// new root); for a grant, the scope being granted (`Scope.location`); `.tenantWide` for roles,
    /// the ladder, tenant settings, users, API keys and the audit log.
    public var location: Location
    /// Position, person, assignment and account actions: the grade the object carries (a position's
    /// grade, a person's or user's highest post, an API key's grade). `position.create` and
    /// `user.create`: the grade to be created. nil when the object has no grade, which every actor
    /// may pass over.
    public var grade: Grade?
    /// Assignment actions: the current grade of the person being appointed (their highest post).
    public var personGrade: Grade?
    /// `position.update`: the grade the position is changed to; `user.update`: the account grade
    /// the user is given. nil when the grade does not change (or is cleared).
    public var newGrade: Grade?
    /// Unit actions: the unit's tier (a ladder tier index, see `GradeLadder.tierIndex(named:)`);
    /// `unit.create`: the new unit's tier.
    public var unitTier: Int?
    /// `unit.update`: the tier the unit is changed to, when it changes.
    public var newUnitTier: Int?
    /// `unit.move`: the new parent; `unit.merge`: the unit merged into; `position.move`: the new unit.
    public var destination: Location?
    /// `unit.merge`: the tier of the unit merged into.
    public var destinationTier: Int?
    /// Actions that may raise someone's grade (`assignment.create`/`update`: the appointee;
    /// `position.update`: the position's holders; `user.update` and `user.link_person`: the user) —
    /// those users as they are now, with their grants, so that the policy can tell whose roles a
    /// promotion wakes. `role.update`: the role's holders, whom an edit that widens the role must
    /// rank below the editor.
    public var affected: [Principal]
    /// `grant.create`: the grant to be made; `grant.revoke`: the grant to be revoked.
    public var grant: GrantRequest?
    /// `role.create`, `role.update`, `role.delete`: the role before and after.
    public var roleChange: RoleChange?
    /// `ladder.replace`: the ladder that would replace the current one.
    public var newLadder: GradeLadder?
    /// Any change: how many of the tenant's administrators it would leave without `tenant.admin`
    /// over the whole tenant (a revoked grant, a disabled user, an edited role). Compared with
    /// `PolicyContext.tenantAdminCount`.
    public var removesTenantAdmins: Int
    /// `site.suspend`, `site.terminate`, `inspection.create`, `case.free_repair`: the lowest tier
    /// the actor's grade may be in, from the tenant's setting (`NetworkRule.tier(for:)`, the
    /// cases' free-repair tier).
    public var requiredTier: Int?

    public init(tenant: TenantID, location: Location, grade: Grade? = nil, personGrade: Grade? = nil,
                newGrade: Grade? = nil, unitTier: Int? = nil, newUnitTier: Int? = nil,
                destination: Location? = nil, destinationTier: Int? = nil, affected: [Principal] = [],
                grant: GrantRequest? = nil, roleChange: RoleChange? = nil, newLadder: GradeLadder? = nil,
                removesTenantAdmins: Int = 0, requiredTier: Int? = nil) {
        self.tenant = tenant
        self.location = location
        self.grade = grade
        self.personGrade = personGrade
        self.newGrade = newGrade
        self.unitTier = unitTier
        self.newUnitTier = newUnitTier
        self.destination = destination
        self.destinationTier = destinationTier
        self.affected = affected
        self.grant = grant
        self.roleChange = roleChange
        self.newLadder = newLadder
        self.removesTenantAdmins = removesTenantAdmins
        self.requiredTier = requiredTier
    }
}

extension Target {
    /// A tenant-wide object: the ladder, roles, settings, users, API keys, the audit log.
    public static func tenantWide(_ tenant: TenantID) -> Target {
        Target(tenant: tenant, location: .tenantWide)
    }

    /// An existing unit, at `path` (its own id last).
    public static func unit(_ tenant: TenantID, path: TreePath, tier: Int? = nil, region: TreePath? = nil) -> Target {
        Target(tenant: tenant, location: Location(unit: path, region: region), unitTier: tier)
    }

    /// A unit to be created under `parent` (the empty path for a new root).
    public static func newUnit(_ tenant: TenantID, parent: TreePath, tier: Int? = nil, region: TreePath? = nil) -> Target {
        Target(tenant: tenant, location: Location(unit: parent, region: region), unitTier: tier)
    }

    /// A position in the unit at `unit`, carrying `grade` (or to be created at it).
    public static func position(_ tenant: TenantID, unit: TreePath, region: TreePath? = nil, grade: Grade?,
                                holders: [Principal] = []) -> Target {
        Target(tenant: tenant, location: Location(unit: unit, region: region), grade: grade, affected: holders)
    }

    /// A person, located at their primary post's unit, ranked by their highest post.
    public static func person(_ tenant: TenantID, unit: TreePath?, region: TreePath? = nil, grade: Grade?) -> Target {
        Target(tenant: tenant, location: Location(unit: unit, region: region), grade: grade)
    }

    /// An appointment of a person (of `personGrade`, linked to `appointee` if they have an account)
    /// to a position of `positionGrade` in `unit`.
    public static func assignment(_ tenant: TenantID, unit: TreePath, region: TreePath? = nil,
                                  positionGrade: Grade?, personGrade: Grade?, appointee: Principal? = nil) -> Target {
        Target(tenant: tenant, location: Location(unit: unit, region: region), grade: positionGrade,
               personGrade: personGrade, affected: appointee.map { [$0] } ?? [])
    }

    /// A grant to be made or revoked; located at the scope it grants.
    public static func grant(_ tenant: TenantID, _ request: GrantRequest, removesTenantAdmins: Int = 0) -> Target {
        Target(tenant: tenant, location: request.scope.location, grant: request,
               removesTenantAdmins: removesTenantAdmins)
    }

    /// A role to be created (`before` nil), edited, or deleted (`after` nil), held by `holders`.
    public static func role(_ tenant: TenantID, _ change: RoleChange, holders: [Principal] = [],
                            removesTenantAdmins: Int = 0) -> Target {
        Target(tenant: tenant, location: .tenantWide, affected: holders, roleChange: change,
               removesTenantAdmins: removesTenantAdmins)
    }

    /// A service-network object (region, site, technician, inspection) or a case, in a region and
    /// optionally a unit (a regional office's or the responsible department's).
    /// `requiredTier`: for the actions a `NetworkRule` governs, the tier it sets for them.
    public static func network(_ tenant: TenantID, region: TreePath?, unit: TreePath? = nil, requiredTier: Int? = nil) -> Target {
        Target(tenant: tenant, location: Location(unit: unit, region: region), requiredTier: requiredTier)
    }
}

/// A grant as requested (for `grant.create`) or as stored (for `grant.revoke` and `GrantAudit`).
public struct GrantRequest: Hashable, Sendable {
    public var role: Role
    public var scope: Scope
    public var grantee: SubjectID
    public var granteeGrade: Grade?
    public var expiresAt: Timestamp?
    public var grantor: SubjectID?      // `grant.revoke`: who made the grant

    public init(role: Role, scope: Scope, grantee: SubjectID, granteeGrade: Grade?,
                expiresAt: Timestamp? = nil, grantor: SubjectID? = nil) {
        self.role = role
        self.scope = scope
        self.grantee = grantee
        self.granteeGrade = granteeGrade
        self.expiresAt = expiresAt
        self.grantor = grantor
    }

    /// The request that an existing grant would be, for revoking or auditing it.
    public init(_ grant: Grant, granteeGrade: Grade?) {
        self.init(role: grant.role, scope: grant.scope, grantee: grant.subject, granteeGrade: granteeGrade,
                  expiresAt: grant.expiresAt, grantor: grant.grantor)
    }
}

/// A role edit: `before` is nil for a creation, `after` nil for a deletion.
public struct RoleChange: Hashable, Sendable {
    public var before: Role?
    public var after: Role?

    public init(before: Role?, after: Role?) {
        self.before = before
        self.after = after
    }
}
