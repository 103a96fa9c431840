// Restructuring: changing a unit at the top of the tree or of a structural tier needs org.restructure
// and a grade in the restructuring tier (A+ by default), which also gates "board only" actions.

extension Evaluation {
    /// True when the unit change is structural:
    ///   - create: the new unit is a root or directly under one, or of a structural tier;
    ///   - update: the tier changes from or to a structural tier (renames never restructure);
    ///   - move: the unit is structural now, or lands directly under a root;
    ///   - merge: either unit is structural;
    ///   - archive, delete: the unit is structural.
    /// A unit whose path is missing counts as structural (the target is refused as incomplete).
    static func isStructural(_ action: Action, _ target: Target, _ rule: RestructureRule) -> Bool {
        let depth = target.location.unit?.depth ?? 0
        switch action {
        case .unitCreate:
            return rule.isStructural(depth: depth + 1, tier: target.unitTier)
        case .unitUpdate:
            guard let newTier = target.newUnitTier, newTier != target.unitTier else { return false }
            return rule.isStructural(tier: target.unitTier) || rule.isStructural(tier: newTier)
        case .unitMove:
            let parentDepth = target.destination?.unit?.depth ?? 0
            return rule.isStructural(depth: depth, tier: target.unitTier) || parentDepth + 1 <= 2
        case .unitMerge:
            let intoDepth = target.destination?.unit?.depth ?? 0
            return rule.isStructural(depth: depth, tier: target.unitTier)
                || rule.isStructural(depth: intoDepth, tier: target.destinationTier)
        case .unitArchive, .unitDelete:
            return rule.isStructural(depth: depth, tier: target.unitTier)
        default:
            return false
        }
    }

    /// Refuses an actor whose grade is below the restructuring tier. The founder passes; a
    /// principal without a grade never does.
    func boardTier() -> Denial? {
        let required = context.restructure.actorTier
        if let grade = actor.grade, grade.tier <= required { return nil }
        return deny(.restructureRequiresTier, values: [
            "actor": name(actor.grade), "required": context.ladder.tierName(required),
        ])
    }
}
