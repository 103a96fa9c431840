// Role edits: changing a role changes every holder's access wherever it was granted, so the editor
// must reach every permission involved over the whole tenant, set no minimum grade at or above its
// own, and outrank every holder the edit gives more to.

extension Evaluation {
    /// Refuses unless the editor holds every permission the role had or gets over the whole tenant,
    /// through a grant that never expires, meets the role's minimum grade before and after,
    /// strictly outranks a minimum grade it sets or changes, and outranks each holder the edit
    /// gives more (see `widens`).
    func roleEdit() -> Denial? {
        guard let change = target.roleChange else { return nil }
        let touched = (change.before?.permissions ?? []).union(change.after?.permissions ?? [])
        let roleName = change.after?.name ?? change.before?.name ?? ""
        for permission in touched where !actor.reaches(permission, over: .tenant, until: nil, at: context.now) {
            return deny(.roleEditExceedsActor, values: ["permission": permission.rawValue, "role": roleName])
        }
        for minimum in [change.before?.minimumGrade, change.after?.minimumGrade].compactMap({ $0 })
        where !actor.grade.meets(minimum) {
            return deny(.roleMinGradeNotMet, values: [
                "who": "actor", "actor": name(actor.grade), "minimum": name(minimum), "role": roleName,
            ])
        }
        if let minimum = change.after?.minimumGrade, minimum != change.before?.minimumGrade,
           !actor.grade.outranks(minimum) {
            return deny(.gradeNotAboveTarget, values: [
                "actor": name(actor.grade), "new_grade": name(minimum), "role": roleName,
            ])
        }
        for holder in target.affected where holder.subject != actor.subject && widens(change, for: holder.grade) {
            guard let grade = holder.grade, !actor.grade.outranks(grade) else { continue }
            return deny(.gradeNotAboveTarget, values: [
                "actor": name(actor.grade), "holder": name(grade), "role": roleName,
            ])
        }
        return nil
    }

    /// True when the edit gives a holder of `grade` more than the role gave it: the role confers
    /// something after the edit, and either it conferred nothing before (the minimum grade was
    /// lowered or removed) or it gains a permission. Such an edit is a grant to every holder at
    /// once, so it is held to the grant's rule that the grantor outranks the grantee.
    func widens(_ change: RoleChange, for grade: Grade?) -> Bool {
        guard let after = change.after, after.minimumGrade.map({ grade.meets($0) }) ?? true else { return false }
        guard let before = change.before else { return true }
        let activeBefore = before.minimumGrade.map { grade.meets($0) } ?? true
        return !activeBefore || !after.permissions.subtracting(before.permissions).isEmpty
    }
}
