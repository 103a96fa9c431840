// Role edits: changing a role changes every holder's access wherever it was granted, so the editor
// must reach every permission involved over the whole tenant.

extension Evaluation {
    /// Refuses unless the editor holds every permission the role had or gets over the whole tenant,
    /// through a grant that never expires, and meets the role's minimum grade before and after.
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
        return nil
    }
}
