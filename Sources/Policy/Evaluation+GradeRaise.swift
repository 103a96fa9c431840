// No self-promotion, and no promotion beyond one's reach: appointments, regrades, changes of an
// account's grade and account links are checked for whom they raise and for the dormant roles the
// raise would wake.

extension Evaluation {
    /// True for the actions that change a grade in place (a position's, an account's) rather than
    /// give someone a graded post or person.
    private var changesGrade: Bool {
        action == .positionUpdate || action == .userUpdate
    }

    /// The grade the action can lift its affected users to: the new grade of a regraded position or
    /// account, otherwise the grade of the position (or person) they are given.
    var raisedGrade: Grade? {
        changesGrade ? target.newGrade : target.grade
    }

    /// Refuses an actor who is among the affected users and would be raised: changing a position
    /// it holds or its own account to a higher grade, or appointing or linking itself at or above
    /// its own grade.
    func selfGradeRaise() -> Denial? {
        guard let raised = raisedGrade, target.affected.contains(where: { $0.subject == actor.subject }) else {
            return nil
        }
        if changesGrade {
            if let current = target.grade, !raised.outranks(current) { return nil }
            let rule = action == .positionUpdate ? "nobody changes a position they hold to a higher grade"
                : "nobody changes their own account to a higher grade"
            return deny(.selfGradeRaise, rule: rule,
                        values: ["actor": name(actor.grade), "from": name(target.grade), "to": name(raised)])
        }
        guard !actor.grade.outranks(raised) else { return nil }
        return deny(.selfGradeRaise, rule: "nobody appoints themselves at or above their own grade",
                    values: ["actor": name(actor.grade), "target": name(raised)])
    }

    /// Refuses a raise that would wake a dormant grant of an affected user — one whose role's
    /// minimum grade they miss now and would meet — unless the actor could have granted that role
    /// over that scope itself (see `Principal.reaches`). Otherwise an appointment could hand out
    /// permissions the appointer lacks.
    func promotionWithinReach() -> Denial? {
        guard let raised = raisedGrade else { return nil }
        let now = context.now
        for person in target.affected {
            let before = person.grade
            let after = before.higher(raised)
            guard after != before else { continue }
            for grant in person.grants where !grant.isExpired(at: now) {
                guard let minimum = grant.role.minimumGrade, !before.meets(minimum), after.meets(minimum) else {
                    continue
                }
                for permission in grant.role.permissions
                where !actor.reaches(permission, over: grant.scope, until: grant.expiresAt, at: now) {
                    return deny(.promotionExceedsActor, values: [
                        "grantee": person.subject.description, "role": grant.role.name,
                        "permission": permission.rawValue, "scope": grant.scope.description,
                    ])
                }
            }
        }
        return nil
    }
}
