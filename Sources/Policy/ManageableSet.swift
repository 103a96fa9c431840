// What an actor can perform one action on, as a filter a store can push into SQL (scopes and a
// grade ceiling), so that lists of manageable units, positions and people page in the database.

/// For one principal and action at one instant. `contains` always equals `decide(...).isAllowed`;
/// for plain targets (no destination, nobody affected, no administrator removed, nothing granted)
/// it answers from the fields below without running the rules.
public struct ManageableSet: Sendable {
    public let action: Action
    /// Targets under one of these scopes qualify (the action's permission, active and unexpired).
    public let scopes: [Scope]
    /// Structural units qualify under these instead (org.restructure); empty when the actor's
    /// grade is below the restructuring tier.
    public let structuralScopes: [Scope]
    /// When true, a target's grades must rank strictly below `gradeCeiling` (a nil ceiling admits
    /// only targets without a grade).
    public let checksGrade: Bool
    public let gradeCeiling: Grade?

    let principal: Principal
    let context: PolicyContext

    /// Whether decide() allows the action on `target`.
    public func contains(_ target: Target) -> Bool {
        guard isPlain(target) else { return decide(principal, action, target, context).isAllowed }
        guard principal.kind != .platform, principal.tenant == target.tenant else { return false }
        let structural = Evaluation.isStructural(action, target, context.restructure)
        let reach = structural ? structuralScopes : scopes
        let anywhere = action.rules.contains(.anyScope)
        guard reach.contains(where: { anywhere || $0.covers(target.location) }) else { return false }
        guard checksGrade else { return true }
        for grade in [target.grade, target.personGrade].compactMap({ $0 }) where !gradeCeiling.outranks(grade) {
            return false
        }
        return true
    }

    /// Targets the fast path answers exactly: only location, grades and unit tier matter.
    private func isPlain(_ target: Target) -> Bool {
        !action.needsDestination && target.destination == nil && target.affected.isEmpty
            && target.removesTenantAdmins == 0 && target.newGrade == nil && target.newUnitTier == nil
            && Evaluation(actor: principal, action: action, target: target, context: context)
                .incompleteTarget() == nil
    }
}

extension Principal {
    /// The set of targets this principal may perform `action` on at `context.now`; nil for actions
    /// whose rules are more than permission, scope, restructuring and grade (grants, roles, the
    /// ladder, tenant settings, platform actions), which must be decided one by one.
    public func manageable(_ action: Action, _ context: PolicyContext) -> ManageableSet? {
        let simple: Action.Rules = [.gradeDominance, .noGradeRaise, .restructuring, .anyScope]
        guard let permission = action.permission, simple.isSuperset(of: action.rules) else { return nil }
        let now = context.now.secondsSinceEpoch
        func scopes(_ permission: Permission) -> [Scope] {
            active.filter { $0.permissions.contains(permission) && $0.expiry > now }.map(\.scope)
        }
        let tenantWide = action.permission == .tenantAdmin
        let plain = scopes(permission).filter { !tenantWide || $0 == .tenant }
        var structural: [Scope] = []
        if action.rules.contains(.restructuring), let grade, grade.tier <= context.restructure.actorTier {
            structural = scopes(.orgRestructure)
        }
        return ManageableSet(action: action, scopes: plain, structuralScopes: structural,
                             checksGrade: action.rules.contains(.gradeDominance), gradeCeiling: grade,
                             principal: self, context: context)
    }
}
