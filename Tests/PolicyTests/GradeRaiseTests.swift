// Nobody raises their own grade, and a promotion cannot wake a dormant role whose permissions the
// promoter lacks: the indirect escalations that role-and-scope systems usually miss.

import Policy
import Testing

@Suite("No self-promotion")
struct GradeRaiseTests {
    /// A B+1 director with HR over business: may appoint below B+1 anywhere in business.
    static let director = Doc.businessDirector

    static func appoint(_ appointee: Principal, to grade: String, in unit: TreePath = Doc.callCenter) -> Target {
        .assignment(Doc.tenant, unit: unit, positionGrade: Doc.grade(grade), personGrade: appointee.grade,
                    appointee: appointee)
    }

    static func regrade(_ from: String, to: String, holders: [Principal]) -> Target {
        Target(tenant: Doc.tenant, location: Location(unit: Doc.callCenter), grade: Doc.grade(from),
               newGrade: Doc.grade(to), affected: holders)
    }

    static let cases: [Case] = [
        Case(sentence: "the B+1 director cannot appoint himself to a B+1 post", actor: director,
             action: .assignmentCreate, target: appoint(director, to: "B+1"), expected: .selfGradeRaise),
        Case(sentence: "the B+1 director cannot appoint himself to an A2 post", actor: director,
             action: .assignmentCreate, target: appoint(director, to: "A2"), expected: .selfGradeRaise),
        Case(sentence: "the B+1 director may take a concurrent B+3 post below his grade", actor: director,
             action: .assignmentCreate, target: appoint(director, to: "B+3"), expected: nil),
        Case(sentence: "the B+1 director cannot regrade his own concurrent B+3 post to B+2", actor: director,
             action: .positionUpdate, target: regrade("B+3", to: "B+2", holders: [director]),
             expected: .selfGradeRaise),
        Case(sentence: "the B+1 director may lower his own concurrent post from B+3 to B+4", actor: director,
             action: .positionUpdate, target: regrade("B+3", to: "B+4", holders: [director]), expected: nil),
        Case(sentence: "the B+1 director regrades the B+3 manager's post to B+2", actor: director,
             action: .positionUpdate, target: regrade("B+3", to: "B+2", holders: [Doc.manager]), expected: nil),
        Case(sentence: "an administrator cannot link her own account to the chairman's person record",
             actor: Doc.person(660, "A2", [(Doc.administrator, .tenant)]), action: .userLinkPerson,
             target: Target(tenant: Doc.tenant, location: .tenantWide, grade: Doc.grade("A+1"),
                            affected: [Doc.person(660, "A2", [(Doc.administrator, .tenant)])]),
             expected: .selfGradeRaise),
        Case(sentence: "an API key is created only at a grade below its creator's", actor: Doc.president,
             action: .apiKeyCreate, target: Target(tenant: Doc.tenant, location: .tenantWide, grade: Doc.grade("A1")),
             expected: .gradeNotAboveTarget),
    ]

    @Test("nobody raises their own grade", arguments: cases)
    func table(_ row: Case) {
        row.check()
    }

    /// A B+5 specialist holding an administrator grant that needs grade B+2: dormant until promoted.
    static let dormantAdmin = Role(id: RoleID(140), name: "Regional administrator", permissions: .all,
                                   minimumGrade: Doc.grade("B+2"))
    static let sleeper = Principal(tenant: Doc.tenant, subject: SubjectID(670), grade: Doc.grade("B+5"), grants: [
        Doc.grant(SubjectID(670), dormantAdmin, .region(Doc.east), by: Doc.chairman.subject),
    ])

    @Test("a promotion that would wake a role with permissions the promoter lacks is refused")
    func promotionWakesRole() {
        let denial = decide(Self.director, .assignmentCreate, Self.appoint(Self.sleeper, to: "B+2"),
                            Doc.context()).denial
        #expect(denial?.code == .promotionExceedsActor)
        #expect(denial?.values["role"] == "Regional administrator")
        #expect(decide(Doc.president, .assignmentCreate, Self.appoint(Self.sleeper, to: "B+2"), Doc.context()).isAllowed)
    }

    @Test("a promotion that stays below the role's minimum grade wakes nothing")
    func promotionBelowMinimum() {
        #expect(decide(Self.director, .assignmentCreate, Self.appoint(Self.sleeper, to: "B+3"), Doc.context()).isAllowed)
    }

    @Test("regrading a post wakes its holders' dormant roles too")
    func regradeWakesRole() {
        let target = Self.regrade("B+5", to: "B+2", holders: [Self.sleeper])
        #expect(decide(Self.director, .positionUpdate, target, Doc.context()).denial?.code == .promotionExceedsActor)
    }
}
