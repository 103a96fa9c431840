// A tenant's restructuring setting: which units count as structural, and which tier an actor needs
// to change them. Default: units of tier A or above (or at the top of the tree) need tier A+.

/// Tier indices on the tenant's ladder (0 is the highest tier).
public struct RestructureRule: Hashable, Sendable {
    /// The lowest tier an actor's grade may be in to restructure, replace the ladder or change
    /// tenant settings. Default: the ladder's highest tier (A+ on the standard ladder).
    public let actorTier: Int
    /// Units of this tier or a higher one are structural, as are roots and units directly under
    /// a root. Default: the ladder's second tier (A on the standard ladder).
    public let unitTier: Int

    /// The default rule for a ladder: the top tier restructures units of the top two tiers.
    public init(ladder: GradeLadder) {
        actorTier = 0
        unitTier = min(1, ladder.tiers.count - 1)
    }

    /// A configured rule, by tier names. Throws `tierUnknown` for a name the ladder lacks.
    public init(ladder: GradeLadder, actorTier: String, unitTier: String) throws(PolicyError) {
        self.actorTier = try ladder.requireTier(named: actorTier)
        self.unitTier = try ladder.requireTier(named: unitTier)
    }

    /// True when a unit of this tier is structural whatever its depth.
    func isStructural(tier: Int?) -> Bool {
        guard let tier else { return false }
        return tier <= unitTier
    }

    /// True when a unit at this depth (1 for a root) or tier is structural.
    func isStructural(depth: Int, tier: Int?) -> Bool {
        depth <= 2 || isStructural(tier: tier)
    }
}
