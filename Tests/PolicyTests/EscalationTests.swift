// Escalation through accounts (issue 9, defect 2): a B+1 administrator created an account at A+1,
// raised another to A1, granted it Administrator and acted at A+ through it. Every path that sets
// or raises a grade — creating an account, changing its grade, linking it to a person, a role's
// minimum grade, a grant or role edit that empowers someone — needs the actor strictly above it.

import Policy
import Testing

@Suite("Escalation through accounts")
struct EscalationTests {
    /// A B+1 administrator over the whole tenant: the attacker of the issue.
    static let admin = Doc.person(680, "B+1", [(Doc.administrator, .tenant)])
    static let peer = Doc.person(681, "B+1", [(Doc.viewer, .tenant)])

    static func account(grade: String?) -> Target {
        Target(tenant: Doc.tenant, location: .tenantWide, grade: grade.map(Doc.grade))
    }

    static func regrade(_ user: Principal, to grade: String) -> Target {
        Target(tenant: Doc.tenant, location: .tenantWide, grade: user.grade, newGrade: Doc.grade(grade), affected: [user])
    }

    static func granting(_ role: Role, to grantee: Principal) -> Target {
        .grant(Doc.tenant, GrantRequest(role: role, scope: .tenant, grantee: grantee.subject, granteeGrade: grantee.grade))
    }

    static func creatingRole(minimum: String) -> Target {
        .role(Doc.tenant, RoleChange(before: nil, after: Role(id: RoleID(150), name: "Desk", permissions: [.orgRead],
                                                              minimumGrade: Doc.grade(minimum))))
    }

    /// Viewer with org.write added, held by `holders`.
    static func widenViewer(held by: [Principal]) -> Target {
        var after = Doc.viewer
        after.permissions.insert(.orgWrite)
        return .role(Doc.tenant, RoleChange(before: Doc.viewer, after: after), holders: by)
    }

    static let cases: [Case] = [
        Case(sentence: "a B+1 administrator cannot create an account at A+1", actor: admin,
             action: .userCreate, target: account(grade: "A+1"), expected: .gradeNotAboveTarget),
        Case(sentence: "a B+1 administrator cannot create an account at his own grade", actor: admin,
             action: .userCreate, target: account(grade: "B+1"), expected: .gradeNotAboveTarget),
        Case(sentence: "a B+1 administrator creates an account at B+2", actor: admin,
             action: .userCreate, target: account(grade: "B+2"), expected: nil),
        Case(sentence: "a B+1 administrator creates an account without a grade", actor: admin,
             action: .userCreate, target: account(grade: nil), expected: nil),
        Case(sentence: "the A+1 chairman creates the president's account at A1", actor: Doc.chairman,
             action: .userCreate, target: account(grade: "A1"), expected: nil),
        Case(sentence: "an API key without a grade cannot create a graded account",
             actor: Doc.person(682, nil, [(Doc.administrator, .tenant)], kind: .apiKey),
             action: .userCreate, target: account(grade: "B+5"), expected: .gradeNotAboveTarget),
        Case(sentence: "a B+1 administrator cannot raise the B+3 manager's account to A1", actor: admin,
             action: .userUpdate, target: regrade(Doc.manager, to: "A1"), expected: .gradeNotAboveTarget),
        Case(sentence: "a B+1 administrator cannot raise the B+3 manager's account to B+1", actor: admin,
             action: .userUpdate, target: regrade(Doc.manager, to: "B+1"), expected: .gradeNotAboveTarget),
        Case(sentence: "a B+1 administrator raises the B+3 manager's account to B+2", actor: admin,
             action: .userUpdate, target: regrade(Doc.manager, to: "B+2"), expected: nil),
        Case(sentence: "an administrator cannot raise her own account", actor: admin,
             action: .userUpdate, target: regrade(admin, to: "A1"), expected: .selfGradeRaise),
        Case(sentence: "a B+1 administrator cannot grant Administrator to the A+1 chairman's account", actor: admin,
             action: .grantCreate, target: granting(Doc.administrator, to: Doc.chairman), expected: .gradeNotAboveTarget),
        Case(sentence: "a B+1 administrator cannot grant Viewer to a B+1 peer", actor: admin,
             action: .grantCreate, target: granting(Doc.viewer, to: peer), expected: .gradeNotAboveTarget),
        Case(sentence: "a B+1 administrator grants Viewer to the B+3 manager", actor: admin,
             action: .grantCreate, target: granting(Doc.viewer, to: Doc.manager), expected: nil),
        Case(sentence: "a B+1 administrator cannot create a role whose minimum grade is his own", actor: admin,
             action: .roleCreate, target: creatingRole(minimum: "B+1"), expected: .gradeNotAboveTarget),
        Case(sentence: "a B+1 administrator cannot create a role whose minimum grade is above his own", actor: admin,
             action: .roleCreate, target: creatingRole(minimum: "A1"), expected: .roleMinGradeNotMet),
        Case(sentence: "a B+1 administrator creates a role with minimum grade B+2", actor: admin,
             action: .roleCreate, target: creatingRole(minimum: "B+2"), expected: nil),
        Case(sentence: "a B+1 administrator cannot add a permission to a role the chairman holds", actor: admin,
             action: .roleUpdate, target: widenViewer(held: [Doc.chairman, Doc.manager]), expected: .gradeNotAboveTarget),
        Case(sentence: "a B+1 administrator adds a permission to a role only the B+3 manager holds", actor: admin,
             action: .roleUpdate, target: widenViewer(held: [Doc.manager]), expected: nil),
        Case(sentence: "a B+1 administrator cannot link an account to the A1 president's person record", actor: admin,
             action: .userLinkPerson, target: Target(tenant: Doc.tenant, location: .tenantWide, grade: Doc.grade("A1"),
                                                     affected: [Doc.specialist]),
             expected: .gradeNotAboveTarget),
    ]

    @Test("nobody creates, raises or empowers an account at or above their own grade", arguments: cases)
    func table(_ row: Case) {
        row.check()
    }

    @Test("the refusal of the issue's account names the grades: GRADE_NOT_ABOVE_TARGET {actor: B+1, target: A+1}")
    func reasonNamesGrades() {
        let created = decide(Self.admin, .userCreate, Self.account(grade: "A+1"), Doc.context()).denial
        #expect(created?.description == "GRADE_NOT_ABOVE_TARGET {actor: B+1, target: A+1}")
        let raised = decide(Self.admin, .userUpdate, Self.regrade(Doc.manager, to: "A1"), Doc.context()).denial
        #expect(raised?.description == "GRADE_NOT_ABOVE_TARGET {actor: B+1, new_grade: A1}")
        let granted = decide(Self.admin, .grantCreate, Self.granting(Doc.administrator, to: Doc.chairman), Doc.context()).denial
        #expect(granted?.description == "GRADE_NOT_ABOVE_TARGET {actor: B+1, grantee: A+1}")
    }

    /// A B+5 specialist holding an administrator grant that needs grade B+2: dormant until raised.
    static let sleeper = Principal(tenant: Doc.tenant, subject: SubjectID(683), grade: Doc.grade("B+5"), grants: [
        Doc.grant(SubjectID(683), Role(id: RoleID(151), name: "Regional administrator", permissions: .all,
                                       minimumGrade: Doc.grade("B+2")), .tenant, by: Doc.chairman.subject),
    ])

    @Test("raising an account's grade that would wake a role with permissions the administrator lacks is refused")
    func raiseWakesRole() {
        let hrAdmin = Doc.person(684, "A2", [(Role(id: RoleID(152), name: "Accounts", permissions: [.tenantAdmin, .accessRead]), .tenant)])
        let denial = decide(hrAdmin, .userUpdate, Self.regrade(Self.sleeper, to: "B+2"), Doc.context()).denial
        #expect(denial?.code == .promotionExceedsActor)
        #expect(decide(Doc.chairman, .userUpdate, Self.regrade(Self.sleeper, to: "B+2"), Doc.context()).isAllowed)
    }
}
