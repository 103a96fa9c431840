// The service network's tiers: suspending or terminating a site and inspecting one need a grade
// in the tier the tenant set for each (`NetworkRule`, carried by the target as `requiredTier`).

extension Evaluation {
    /// Refuses an actor whose grade is below the tier the target requires. The founder passes; a
    /// principal without a grade never does.
    func networkTier() -> Denial? {
        guard let required = target.requiredTier else { return nil }
        if let grade = actor.grade, grade.tier <= required { return nil }
        return deny(.networkRequiresTier, values: [
            "action": action.rawValue, "actor": name(actor.grade), "required": context.ladder.tierName(required),
        ])
    }
}
