// After a grantor is demoted, loses a grant or leaves, the grants it made may exceed what it could
// grant now. This finds them, with the reason, so that an administrator can revoke them in one call.

/// A grant its grantor could no longer make, and why.
public struct ExceedingGrant: Hashable, Sendable {
    public let grant: Grant
    public let denial: Denial
}

public enum GrantAudit {
    /// The unexpired grants in `grants` whose grantor, as it is now (`grantors`, by subject), no
    /// longer meets the role's minimum grade, no longer outranks a grantee found in `grantors`
    /// (`GRADE_NOT_ABOVE_TARGET`: also grants made before that rule, which let a B+1
    /// administrator empower an A+1 account), or no longer reaches every permission over the scope
    /// for as long (`ROLE_MIN_GRADE_NOT_MET`, `DELEGATION_EXCEEDS_GRANTOR`), or is gone
    /// (`GRANTOR_GONE`: absent from `grantors`, or acting in another tenant). Grants without a
    /// grantor (made by the system) are never reported. Permission to grant at all is not
    /// re-checked: losing access.write does not undo what one granted within one's reach.
    public static func exceeding(_ grants: [Grant], grantors: [SubjectID: Principal], tenant: TenantID,
                                 _ context: PolicyContext) -> [ExceedingGrant] {
        var found: [ExceedingGrant] = []
        for grant in grants where !grant.isExpired(at: context.now) {
            guard let grantorID = grant.grantor else { continue }
            guard let grantor = grantors[grantorID], grantor.kind != .platform, grantor.tenant == tenant else {
                found.append(ExceedingGrant(grant: grant, denial: Denial(.grantorGone, values: [
                    "grantor": grantorID.description,
                ], visible: true)))
                continue
            }
            if let minimum = grant.role.minimumGrade, !grantor.grade.meets(minimum) {
                found.append(ExceedingGrant(grant: grant, denial: Denial(.roleMinGradeNotMet, values: [
                    "who": "grantor", "grantor": grade(grantor.grade, context), "minimum": grade(minimum, context),
                    "role": grant.role.name,
                ], visible: true)))
                continue
            }
            if let grantee = grantors[grant.subject]?.grade, !grantor.grade.outranks(grantee) {
                found.append(ExceedingGrant(grant: grant, denial: Denial(.gradeNotAboveTarget, values: [
                    "grantor": grade(grantor.grade, context), "grantee": grade(grantee, context),
                ], visible: true)))
                continue
            }
            let request = GrantRequest(grant, granteeGrade: nil)
            if let values = Evaluation.exceeding(request, grantor: grantor, at: context.now) {
                found.append(ExceedingGrant(grant: grant, denial: Denial(.delegationExceedsGrantor,
                                                                         values: values, visible: true)))
            }
        }
        return found
    }

    private static func grade(_ grade: Grade?, _ context: PolicyContext) -> String {
        grade.map { context.ladder.name(of: $0) } ?? "none"
    }
}
