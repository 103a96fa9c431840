// Grade dominance: creating, changing, assigning or removing a position or a person — or an
// account, or an API key with a grade — requires strictly outranking every grade involved, the
// grade an object is created at or changed to included. This is what keeps anyone from making a
// principal at or above their own grade: an account created at A+1 by a B+1 administrator, or
// raised to A1, would otherwise act above its maker once granted a role.

extension Evaluation {
    /// Refuses unless the actor strictly outranks the target's grade (for a creation, the grade it
    /// is created at), the appointee's current grade (unless the appointee is the actor: a
    /// concurrent post below one's own grade is fine, see Evaluation+GradeRaise) and, for a regrade
    /// of a position or a change of an account's grade, the new grade. Grades the target lacks are
    /// passed over; an actor without a grade outranks nothing.
    func gradeDominance() -> Denial? {
        if let grade = target.grade, !actor.grade.outranks(grade) {
            return deny(.gradeNotAboveTarget, values: ["actor": name(actor.grade), "target": name(grade)])
        }
        if let grade = target.personGrade, !actor.grade.outranks(grade),
           !target.affected.contains(where: { $0.subject == actor.subject }) {
            return deny(.gradeNotAboveTarget, values: ["actor": name(actor.grade), "person": name(grade)])
        }
        if let grade = target.newGrade, !actor.grade.outranks(grade) {
            return deny(.gradeNotAboveTarget, values: ["actor": name(actor.grade), "new_grade": name(grade)])
        }
        return nil
    }
}
