// A tenant's service-network tiers: who may inspect a site, suspend one, and terminate one.
// Terminating is final, so it needs a strictly higher tier than suspending (on any ladder of two
// tiers or more). Default on the standard ladder: inspect B+ (any graded post: the source's network
// specialists are B+), suspend A, terminate A+.

/// Tier indices on the tenant's ladder (0 is the highest tier).
public struct NetworkRule: Hashable, Sendable {
    /// The lowest tier an inspector's grade may be in (`inspection.create`).
    public let inspectTier: Int
    /// The lowest tier that may suspend a site (`site.suspend`).
    public let suspendTier: Int
    /// The lowest tier that may terminate a site (`site.terminate`); above `suspendTier`.
    public let terminateTier: Int

    /// The default rule for a ladder: every tier inspects, the second suspends, the top terminates.
    public init(ladder: GradeLadder) {
        let last = ladder.tiers.count - 1
        inspectTier = last
        suspendTier = min(1, last)
        terminateTier = 0
    }

    /// A configured rule, by tier names. Throws `tierUnknown` for a name the ladder lacks and
    /// `networkTiersOrder` when terminating would not need a higher tier than suspending.
    public init(ladder: GradeLadder, inspectTier: String, suspendTier: String, terminateTier: String) throws(PolicyError) {
        self.inspectTier = try ladder.requireTier(named: inspectTier)
        self.suspendTier = try ladder.requireTier(named: suspendTier)
        self.terminateTier = try ladder.requireTier(named: terminateTier)
        if self.terminateTier >= self.suspendTier && ladder.tiers.count > 1 {
            throw .networkTiersOrder(suspend: suspendTier, terminate: terminateTier)
        }
    }

    /// The tier `action` needs under this rule; nil for actions the rule does not govern.
    public func tier(for action: Action) -> Int? {
        switch action {
        case .inspectionCreate: inspectTier
        case .siteSuspend: suspendTier
        case .siteTerminate: terminateTier
        default: nil
        }
    }
}
