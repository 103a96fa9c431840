// Who acts: a user, an API key or a platform operator, with the grade and the grants the caller
// resolved from its cache. Built once per request (or cached per token); decide() only reads it.

/// The acting subject of a decision. Named `Principal` rather than "Actor" so that importing the
/// module never shadows Swift's `Actor` protocol.
public struct Principal: Sendable {
    public enum Kind: String, Hashable, Sendable {
        case user
        case apiKey = "api_key"
        case platform               // a platform operator: manages tenants, sees no tenant's data
    }

    public let tenant: TenantID?        // nil for platform principals only
    public let subject: SubjectID
    public let kind: Kind
    public let grade: Grade?            // nil: not linked to a person with a post (typical of API keys)
    public let grants: [Grant]          // the subject's grants, as given (expired ones included)

    /// The grants whose role's minimum grade the principal meets, compiled for the decision loop:
    /// permission bits, scope and expiry side by side, in the order given.
    let active: [ActiveGrant]
    /// The union of the active grants' permissions, expired or not: a one-AND negative test.
    let activePermissions: PermissionSet
    /// The union of the permissions of grants whose role's minimum grade the principal misses.
    let inertPermissions: PermissionSet

    /// Builds a tenant principal. Grants held by another subject are dropped, never honoured.
    public init(tenant: TenantID, subject: SubjectID, kind: Kind = .user, grade: Grade?, grants: [Grant]) {
        self.init(tenantOrNil: kind == .platform ? nil : tenant, subject: subject, kind: kind,
                  grade: grade, grants: grants)
    }

    /// A platform operator: may manage tenants and nothing inside them.
    public static func platform(subject: SubjectID) -> Principal {
        Principal(tenantOrNil: nil, subject: subject, kind: .platform, grade: nil, grants: [])
    }

    private init(tenantOrNil tenant: TenantID?, subject: SubjectID, kind: Kind, grade: Grade?, grants: [Grant]) {
        self.tenant = tenant
        self.subject = subject
        self.kind = kind
        self.grade = grade
        self.grants = kind == .platform ? [] : grants.filter { $0.subject == subject }
        var active: [ActiveGrant] = []
        var activePermissions = PermissionSet()
        var inertPermissions = PermissionSet()
        for (index, grant) in self.grants.enumerated() {
            if let minimum = grant.role.minimumGrade, !grade.meets(minimum) {
                inertPermissions = inertPermissions.union(grant.role.permissions)
                continue
            }
            active.append(ActiveGrant(grant: index, permissions: grant.role.permissions, scope: grant.scope,
                                      expiry: grant.expiresAt?.secondsSinceEpoch ?? .max))
            activePermissions = activePermissions.union(grant.role.permissions)
        }
        self.active = active
        self.activePermissions = activePermissions
        self.inertPermissions = inertPermissions
    }

    /// True when the principal holds `tenant.admin` over the whole tenant through a grant that is
    /// active (minimum grade met) and not expired at `now`.
    public func isTenantAdmin(at now: Timestamp) -> Bool {
        reaches(.tenantAdmin, over: .tenant, until: nil, at: now)
    }

    /// The grant through which the principal holds `permission` over `location` at `now`, if any.
    public func grant(for permission: Permission, covering location: Location, at now: Timestamp) -> Grant? {
        let seconds = now.secondsSinceEpoch
        for candidate in active where candidate.permissions.contains(permission)
            && candidate.expiry > seconds && candidate.scope.covers(location) {
            return grants[candidate.grant]
        }
        return nil
    }

    /// True when the principal could hand `permission` over `scope` to someone else until `expiry`
    /// (nil: for good): an active grant carries it, covers the scope, and lasts at least as long.
    public func reaches(_ permission: Permission, over scope: Scope, until expiry: Timestamp?,
                        at now: Timestamp) -> Bool {
        let needed = expiry?.secondsSinceEpoch ?? .max
        let seconds = now.secondsSinceEpoch
        return active.contains { candidate in
            candidate.permissions.contains(permission) && candidate.expiry > seconds
                && candidate.expiry >= needed && candidate.scope.covers(scope)
        }
    }

    /// The grants that confer something at `now`: minimum grade met and not expired. What
    /// `GET /v1/access/me` lists.
    public func effectiveGrants(at now: Timestamp) -> [Grant] {
        active.filter { $0.expiry > now.secondsSinceEpoch }.map { grants[$0.grant] }
    }

    /// The grants that confer nothing because the principal's grade is below their role's minimum.
    public var inertGrants: [Grant] {
        grants.filter { grant in grant.role.minimumGrade.map { !grade.meets($0) } ?? false }
    }
}

/// An active grant, flattened for the decision loop.
struct ActiveGrant: Sendable {
    var grant: Int                      // index into `Principal.grants`
    var permissions: PermissionSet
    var scope: Scope
    var expiry: Int64                   // seconds since the epoch; Int64.max when it never expires
}
