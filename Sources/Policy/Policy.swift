// Policy: the one place where orgd decides who may do what. Pure Swift, no I/O, no Foundation.
// Endpoints build a `Principal` and a `Target` from cached rows and call `decide`; nothing else
// in orgd grants or refuses access.
//
// A decision runs these steps in order and stops at the first refusal, so a denial always names
// the first rule broken:
//
//   1. platform actions belong to platform operators; platform operators see no tenant;
//   2. another tenant's target does not exist for the actor (NOT_FOUND, answered as 404);
//   3. the target describes everything the action's rules read (TARGET_INCOMPLETE);
//   4. the actor holds the permission through an active, unexpired grant whose scope covers the
//      target (any scope for the ladder, settings and role definitions), and for moves and merges
//      the destination too; structural unit changes need
//      org.restructure rather than org.write (PERMISSION_MISSING, SCOPE_NOT_COVERED, GRANT_EXPIRED,
//      ROLE_MIN_GRADE_NOT_MET);
//   5. the action's own rules (`Action.Rules`): the restructuring tier, no self-promotion, grade
//      dominance, promotions within reach, delegation, revocation, role edits, ladder changes,
//      the tiers a tenant sets for single actions (the network's, a free repair);
//   6. the last tenant administrator stays.
//
// Workload: every request makes at least one decision and list endpoints make one per row, so
// an allowed decision allocates nothing and takes well under 2 µs for a principal with a few
// grants in a six-level tree; strings are built only when refusing.

/// Decides whether `actor` may perform `action` on `target`. Never fails: every refusal is a
/// `Denial` whose `visible` flag tells the caller to answer 404 (false) or 403 (true).
public func decide(_ actor: Principal, _ action: Action, _ target: Target, _ context: PolicyContext) -> Decision {
    if action.rules.contains(.platformOnly) {
        return actor.kind == .platform ? .allow(by: nil) : .deny(Denial(.platformOnly, visible: true))
    }
    guard actor.kind != .platform, actor.tenant == target.tenant else { return .deny(.notFound) }

    let check = Evaluation(actor: actor, action: action, target: target, context: context)
    if let denial = check.incompleteTarget() { return .deny(denial) }

    let granted: Int
    switch check.lookup(check.permission, at: check.location) {
    case .granted(let index): granted = index
    case .denied(let denial): return .deny(denial)
    }
    if action.needsDestination, let destination = target.destination,
       case .denied(let denial) = check.lookup(check.permission, at: destination) {
        return .deny(denial)
    }

    let rules = action.rules
    if check.isStructural || rules.contains(.boardOnly), let denial = check.boardTier() { return .deny(denial) }
    if rules.contains(.noGradeRaise), let denial = check.selfGradeRaise() { return .deny(denial) }
    if rules.contains(.gradeDominance), let denial = check.gradeDominance() { return .deny(denial) }
    if rules.contains(.noGradeRaise), let denial = check.promotionWithinReach() { return .deny(denial) }
    if rules.contains(.delegation), let denial = check.delegation() { return .deny(denial) }
    if rules.contains(.revocation), let denial = check.revocation() { return .deny(denial) }
    if rules.contains(.roleEdit), let denial = check.roleEdit() { return .deny(denial) }
    if rules.contains(.ladderChange), let denial = check.ladderChange() { return .deny(denial) }
    if rules.contains(.tenantTier), let denial = check.tenantTier() { return .deny(denial) }
    if let denial = check.lastAdmin() { return .deny(denial) }

    return .allow(by: actor.grants[actor.active[granted].grant])
}

/// One (action, target) pair of a batch check.
public struct AccessRequest: Sendable {
    public var action: Action
    public var target: Target

    public init(_ action: Action, _ target: Target) {
        self.action = action
        self.target = target
    }
}

/// Decides each request for the same actor, in order. Always equal to deciding them one by one
/// (`POST /v1/access/check` with a batch relies on it).
public func decide(_ actor: Principal, _ requests: [AccessRequest], _ context: PolicyContext) -> [Decision] {
    requests.map { decide(actor, $0.action, $0.target, context) }
}
