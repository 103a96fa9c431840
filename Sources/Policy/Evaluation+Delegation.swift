// Delegation: a grantor hands out only what it holds, where and as long as it holds it, to
// someone it outranks, never to itself. Revocation: one takes back grants one made or holds, or
// those of someone one outranks.

extension Evaluation {
    /// `grant.create`, in order: not to oneself; the grantor and the grantee meet the role's
    /// minimum grade; the grantor outranks the grantee (a grant makes the grantee act with the
    /// role at the grantee's grade, so a B+1 administrator handing Administrator to an A+1 account
    /// would have it restructure at A+, which the grantor cannot); the grantor reaches every
    /// permission over the scope until the expiry. A grantee without a grade (an API key, an
    /// ungraded account) is below everyone.
    func delegation() -> Denial? {
        guard let request = target.grant else { return nil }
        if request.grantee == actor.subject {
            return deny(.selfGrant, values: ["actor": actor.subject.description, "role": request.role.name])
        }
        if let minimum = request.role.minimumGrade {
            if !actor.grade.meets(minimum) {
                return deny(.roleMinGradeNotMet, values: [
                    "who": "actor", "actor": name(actor.grade), "minimum": name(minimum), "role": request.role.name,
                ])
            }
            if !request.granteeGrade.meets(minimum) {
                return deny(.roleMinGradeNotMet, values: [
                    "who": "grantee", "grantee": name(request.granteeGrade), "minimum": name(minimum),
                    "role": request.role.name,
                ])
            }
        }
        if let grade = request.granteeGrade, !actor.grade.outranks(grade) {
            return deny(.gradeNotAboveTarget, values: ["actor": name(actor.grade), "grantee": name(grade)])
        }
        return Evaluation.exceeding(request, grantor: actor, at: context.now).map { values in
            deny(.delegationExceedsGrantor, values: values)
        }
    }

    /// The first permission of the request that `grantor` does not reach over its scope for as
    /// long as it lasts, as denial values; nil when the grantor reaches them all.
    static func exceeding(_ request: GrantRequest, grantor: Principal, at now: Timestamp) -> [String: String]? {
        for permission in request.role.permissions
        where !grantor.reaches(permission, over: request.scope, until: request.expiresAt, at: now) {
            return [
                "permission": permission.rawValue, "scope": request.scope.description,
                "until": request.expiresAt?.description ?? "revoked", "role": request.role.name,
            ]
        }
        return nil
    }

    /// `grant.revoke`: the grantor and the grantee may always revoke; anyone else must outrank
    /// the grantee (a B+ administrator cannot strip the chairman).
    func revocation() -> Denial? {
        guard let request = target.grant else { return nil }
        if request.grantor == actor.subject || request.grantee == actor.subject { return nil }
        if let grade = request.granteeGrade, !actor.grade.outranks(grade) {
            return deny(.gradeNotAboveTarget, values: ["actor": name(actor.grade), "grantee": name(grade)])
        }
        return nil
    }
}
