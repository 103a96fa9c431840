// Tiers a tenant sets for single actions: suspending or terminating a site and inspecting one
// (`NetworkRule`), deciding a free repair of a human-caused fault on a case. The endpoint reads the
// tenant's setting and hands the tier to the policy in the target (`Target.requiredTier`).

extension Evaluation {
    /// Refuses an actor whose grade is below the tier the target requires. The founder passes; a
    /// principal without a grade never does. The code names the area: the network's or the cases'.
    func tenantTier() -> Denial? {
        guard let required = target.requiredTier else { return nil }
        if let grade = actor.grade, grade.tier <= required { return nil }
        let code: DenialCode = action == .caseFreeRepair ? .caseRequiresTier : .networkRequiresTier
        return deny(code, values: [
            "action": action.rawValue, "actor": name(actor.grade), "required": context.ladder.tierName(required),
        ])
    }
}
