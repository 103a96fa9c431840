// Replacing the ladder re-ranks everyone at once, so it is held to the strictest rule: every
// permission tenant-wide, and nobody's rank crosses the actor's.

extension Evaluation {
    /// Refuses unless the actor holds every permission over the whole tenant (a re-ranking can wake
    /// any dormant role) and the new ladder keeps every grade on the same side of the actor's own,
    /// so that nobody climbs over a superior or lifts a subordinate over themselves. Grades the
    /// new ladder drops are refused separately (`GradeLadder.validateReplacement`).
    func ladderChange() -> Denial? {
        guard let newLadder = target.newLadder else { return nil }
        for permission in PermissionSet.all where !actor.reaches(permission, over: .tenant, until: nil, at: context.now) {
            return deny(.permissionMissing,
                        rule: "replacing the ladder re-ranks everyone, so it needs every permission over the whole tenant",
                        values: ["permission": permission.rawValue])
        }
        guard let mine = actor.grade, mine != .founder else { return nil }
        let ladder = context.ladder
        let myName = ladder.name(of: mine)
        guard let myNewGrade = try? newLadder.parse(myName) else {
            return deny(.ladderReranksActor, rule: "a new ladder keeps the actor's own grade",
                        values: ["actor": myName])
        }
        for grade in ladder.grades where grade != mine {
            guard let newGrade = try? newLadder.parse(ladder.name(of: grade)) else { continue }
            if grade.outranks(mine) != newGrade.outranks(myNewGrade) {
                return deny(.ladderReranksActor, values: ["actor": myName, "other": ladder.name(of: grade)])
            }
        }
        return nil
    }
}
