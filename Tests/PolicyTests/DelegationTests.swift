// Delegation and revocation: a grantor grants only roles whose every permission it holds over the
// whole scope granted, for as long, at a grade the role admits, and never to itself.

import Policy
import Testing

@Suite("Delegation")
struct DelegationTests {
    static let boardRole = Role(id: RoleID(130), name: "Board secretary", permissions: [.orgRead, .auditRead],
                                minimumGrade: Doc.grade("A2"))

    static func granting(_ role: Role, _ scope: Scope, to grantee: Principal, expires: Timestamp? = nil) -> Target {
        .grant(Doc.tenant, GrantRequest(role: role, scope: scope, grantee: grantee.subject,
                                        granteeGrade: grantee.grade, expiresAt: expires))
    }

    static let cases: [Case] = [
        Case(sentence: "the chairman grants HR over the tenant to the finance director", actor: Doc.chairman,
             action: .grantCreate, target: granting(Doc.hr, .tenant, to: Doc.financeDirector), expected: nil),
        Case(sentence: "the chairman cannot grant himself anything", actor: Doc.chairman,
             action: .grantCreate, target: granting(Doc.viewer, .tenant, to: Doc.chairman), expected: .selfGrant),
        Case(sentence: "the president, an administrator, grants viewer over finance to the accountant",
             actor: Doc.president, action: .grantCreate, target: granting(Doc.viewer, .unit(Doc.finance), to: Doc.accountant),
             expected: nil),
        Case(sentence: "an HR director without access.write grants nothing", actor: Doc.financeDirector,
             action: .grantCreate, target: granting(Doc.viewer, .unit(Doc.finance), to: Doc.accountant),
             expected: .permissionMissing),
        Case(sentence: "a finance administrator cannot grant over the business department",
             actor: Doc.person(640, "A2", [(Doc.administrator, .unit(Doc.finance))]),
             action: .grantCreate, target: granting(Doc.hr, .unit(Doc.business), to: Doc.manager),
             expected: .scopeNotCovered),
        Case(sentence: "a finance administrator grants HR over finance only",
             actor: Doc.person(641, "A2", [(Doc.administrator, .unit(Doc.finance)), (Doc.viewer, .tenant)]),
             action: .grantCreate, target: granting(Doc.hr, .unit(Doc.finance), to: Doc.accountant), expected: nil),
        Case(sentence: "a unit administrator cannot grant over a region it does not reach",
             actor: Doc.person(642, "A2", [(Doc.administrator, .unit(Doc.business)), (Doc.viewer, .region(Doc.east))]),
             action: .grantCreate, target: granting(Doc.viewer, .region(Doc.east), to: Doc.manager),
             expected: .scopeNotCovered),
        Case(sentence: "a grantor with access.write over the scope but not every permission exceeds its reach",
             actor: Doc.person(643, "A2", [(Role(id: RoleID(131), name: "Grant clerk",
                                                 permissions: [.accessWrite, .orgRead]), .tenant)]),
             action: .grantCreate, target: granting(Doc.viewer, .tenant, to: Doc.manager),
             expected: .delegationExceedsGrantor),
        Case(sentence: "nobody grants a role whose minimum grade they miss", actor: Doc.person(644, "a1", [(Doc.administrator, .tenant)]),
             action: .grantCreate, target: granting(boardRole, .tenant, to: Doc.president), expected: .roleMinGradeNotMet),
        Case(sentence: "nobody grants a role to someone below its minimum grade", actor: Doc.chairman,
             action: .grantCreate, target: granting(boardRole, .tenant, to: Doc.manager), expected: .roleMinGradeNotMet),
        Case(sentence: "a grant cannot outlive the grantor's own grant",
             actor: Principal(tenant: Doc.tenant, subject: SubjectID(645), grade: Doc.grade("A1"), grants: [
                Doc.grant(SubjectID(645), Doc.administrator, .tenant, expires: Doc.now.adding(seconds: 3600)),
             ]),
             action: .grantCreate, target: granting(Doc.viewer, .tenant, to: Doc.manager),
             expected: .delegationExceedsGrantor),
        Case(sentence: "a grant may last as long as the grantor's own grant",
             actor: Principal(tenant: Doc.tenant, subject: SubjectID(646), grade: Doc.grade("A1"), grants: [
                Doc.grant(SubjectID(646), Doc.administrator, .tenant, expires: Doc.now.adding(seconds: 3600)),
             ]),
             action: .grantCreate, target: granting(Doc.viewer, .tenant, to: Doc.manager,
                                                     expires: Doc.now.adding(seconds: 3600)),
             expected: nil),
    ]

    @Test("a grantor grants only what it holds, where and as long as it holds it", arguments: cases)
    func table(_ row: Case) {
        row.check()
    }

    static func revoking(_ grant: Grant, of holder: Principal, removesAdmins: Int = 0) -> Target {
        .grant(Doc.tenant, GrantRequest(grant, granteeGrade: holder.grade), removesTenantAdmins: removesAdmins)
    }

    static let b1Admin = Doc.person(650, "B+1", [(Doc.administrator, .tenant)])

    static let revocations: [Case] = [
        Case(sentence: "the chairman revokes the president's administrator grant", actor: Doc.chairman,
             action: .grantRevoke, target: revoking(Doc.president.grants[0], of: Doc.president, removesAdmins: 1),
             expected: nil),
        Case(sentence: "a B+1 administrator cannot strip the chairman", actor: b1Admin,
             action: .grantRevoke, target: revoking(Doc.chairman.grants[0], of: Doc.chairman, removesAdmins: 1),
             expected: .gradeNotAboveTarget),
        Case(sentence: "a grantor takes back what it granted, whatever the grantee's grade", actor: b1Admin,
             action: .grantRevoke,
             target: revoking(Doc.grant(Doc.president.subject, Doc.viewer, .tenant, by: b1Admin.subject),
                              of: Doc.president),
             expected: nil),
        Case(sentence: "anyone may give up their own grant", actor: b1Admin,
             action: .grantRevoke, target: revoking(b1Admin.grants[0], of: b1Admin, removesAdmins: 1), expected: nil),
        Case(sentence: "the last tenant administrator cannot give up the role", actor: Doc.chairman,
             action: .grantRevoke, target: revoking(Doc.chairman.grants[0], of: Doc.chairman, removesAdmins: 1),
             expected: .lastAdmin, context: Doc.context(admins: 1)),
    ]

    @Test("revoking: the grantor, the grantee, or someone who outranks the grantee", arguments: revocations)
    func revocation(_ row: Case) {
        row.check()
    }
}
