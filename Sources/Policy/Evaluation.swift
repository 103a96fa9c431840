// One decision in progress: the actor, action, target and context, with what every rule shares —
// the location judged, the permission needed, grant lookup and the 404-or-403 choice.

struct Evaluation {
    let actor: Principal
    let action: Action
    let target: Target
    let context: PolicyContext
    /// Where the permission must reach. Grants and revocations: the scope granted. Roles, the
    /// ladder, settings and accounts: the whole tenant, whatever the caller put in the target.
    let location: Location
    /// True for unit changes that restructure (see Evaluation+Restructuring).
    let isStructural: Bool
    /// The permission the action needs here: org.restructure for structural unit changes.
    let permission: Permission

    init(actor: Principal, action: Action, target: Target, context: PolicyContext) {
        self.actor = actor
        self.action = action
        self.target = target
        self.context = context
        if action.rules.contains(.delegation) || action.rules.contains(.revocation), let grant = target.grant {
            location = grant.scope.location
        } else if action.rules.contains(.roleEdit) || action.permission == .tenantAdmin {
            location = .tenantWide
        } else {
            location = target.location
        }
        isStructural = Evaluation.isStructural(action, target, context.restructure)
        permission = isStructural ? .orgRestructure : action.permission ?? .tenantAdmin
    }

    enum Lookup {
        case granted(Int)               // index into `actor.active`
        case denied(Denial)
    }

    /// Finds the first active grant carrying `permission`, unexpired, whose scope covers `location`
    /// (any scope for `Rules.anyScope` actions).
    /// Refusals say why: no grant carries it (or only grants whose minimum grade the actor misses),
    /// a covering grant expired, or the live grants carrying it reach elsewhere.
    func lookup(_ permission: Permission, at location: Location) -> Lookup {
        guard actor.activePermissions.contains(permission) else {
            if actor.inertPermissions.contains(permission) {
                return .denied(deny(.roleMinGradeNotMet, values: [
                    "permission": permission.rawValue, "actor": name(actor.grade),
                ]))
            }
            return .denied(deny(.permissionMissing, values: ["permission": permission.rawValue]))
        }
        let now = context.now.secondsSinceEpoch
        let anywhere = action.rules.contains(.anyScope)
        var expiredCovering = false
        var liveElsewhere = false
        for index in actor.active.indices where actor.active[index].permissions.contains(permission) {
            let live = actor.active[index].expiry > now
            if anywhere || actor.active[index].scope.covers(location) {
                if live { return .granted(index) }
                expiredCovering = true
            } else if live {
                liveElsewhere = true
            }
        }
        var values = ["permission": permission.rawValue]
        if let unit = location.unit?.last { values["unit"] = unit.description }
        if let region = location.region?.last { values["region"] = region.description }
        if expiredCovering { return .denied(deny(.grantExpired, values: values)) }
        if liveElsewhere { return .denied(deny(.scopeNotCovered, values: values)) }
        return .denied(deny(.permissionMissing, values: values))
    }

    /// Refuses a target that lacks a fact the action's rules read, naming it.
    func incompleteTarget() -> Denial? {
        let missing: String?
        switch action {
        case .unitCreate, .unitUpdate, .unitArchive, .unitDelete:
            missing = target.location.unit == nil ? "location.unit" : nil
        case .unitMove, .unitMerge:
            missing = target.location.unit == nil ? "location.unit"
                : target.destination?.unit == nil ? "destination.unit" : nil
        case .positionMove:
            missing = target.destination == nil ? "destination" : nil
        case .grantCreate, .grantRevoke:
            missing = target.grant == nil ? "grant" : nil
        case .roleCreate:
            missing = target.roleChange?.after == nil ? "roleChange.after" : nil
        case .roleUpdate:
            missing = target.roleChange?.before == nil ? "roleChange.before"
                : target.roleChange?.after == nil ? "roleChange.after" : nil
        case .roleDelete:
            missing = target.roleChange?.before == nil ? "roleChange.before" : nil
        case .ladderReplace:
            missing = target.newLadder == nil ? "newLadder" : nil
        case .siteSuspend, .siteTerminate, .inspectionCreate, .caseFreeRepair:
            missing = target.requiredTier == nil ? "requiredTier" : nil
        default:
            missing = nil
        }
        guard let missing else { return nil }
        return Denial(.targetIncomplete, values: ["missing": missing], visible: true)
    }

    /// A denial of this decision, visible or not (see `isVisible`).
    func deny(_ code: DenialCode, rule: String? = nil, values: [String: String]) -> Denial {
        Denial(code, rule: rule, values: values, visible: isVisible())
    }

    /// Whether the actor may learn that the target exists, so is answered 403 rather than 404.
    /// A read is visible only when the actor could read this kind of object over the target (a
    /// private-data read of a person one can see is 403, one outside every people.read scope 404).
    /// A change is visible once the actor can read this kind of object anywhere in the tenant, or
    /// holds the needed permission over the target: a vice-director of East who tries to change a
    /// position of West is told why (403), not that it does not exist.
    func isVisible() -> Bool {
        guard let seeing = action.visibility else { return true }
        let now = context.now
        let seconds = now.secondsSinceEpoch
        let seesAnywhere = actor.active.contains { $0.permissions.contains(seeing) && $0.expiry > seconds }
        if action.isRead {
            return action.rules.contains(.anyScope) ? seesAnywhere
                : actor.grant(for: seeing, covering: location, at: now) != nil
        }
        return seesAnywhere || actor.grant(for: permission, covering: location, at: now) != nil
    }

    /// A grade's text for denial values; "none" for a principal or object without a grade.
    func name(_ grade: Grade?) -> String {
        grade.map { context.ladder.name(of: $0) } ?? "none"
    }
}
