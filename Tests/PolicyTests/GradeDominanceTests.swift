// Grade dominance with the document's grades: creating, changing, assigning or removing a
// position or a person needs a grade strictly above every grade involved.

import Policy
import Testing

@Suite("Grade dominance")
struct GradeDominanceTests {
    static func appointment(_ positionGrade: String, in unit: TreePath, person: String?) -> Target {
        .assignment(Doc.tenant, unit: unit, positionGrade: Doc.grade(positionGrade),
                    personGrade: person.map(Doc.grade))
    }

    static let cases: [Case] = [
        Case(sentence: "a B+3 manager cannot appoint an A2 director", actor: Doc.manager,
             action: .assignmentCreate, target: appointment("A2", in: Doc.callCenter, person: nil),
             expected: .gradeNotAboveTarget),
        Case(sentence: "an A1 president can appoint an a1 manager", actor: Doc.president,
             action: .assignmentCreate, target: appointment("a1", in: Doc.legal, person: "a2"), expected: nil),
        Case(sentence: "a B+3 manager appoints a B+5 specialist in his call center", actor: Doc.manager,
             action: .assignmentCreate, target: appointment("B+5", in: Doc.consultGroup, person: nil), expected: nil),
        Case(sentence: "a B+3 manager cannot appoint a peer to another B+3 post", actor: Doc.manager,
             action: .assignmentCreate, target: appointment("B+3", in: Doc.consultGroup, person: nil),
             expected: .gradeNotAboveTarget),
        Case(sentence: "a B+3 manager cannot move the B+1 business director onto a B+5 post", actor: Doc.manager,
             action: .assignmentCreate, target: appointment("B+5", in: Doc.consultGroup, person: "B+1"),
             expected: .gradeNotAboveTarget),
        Case(sentence: "an A2 finance director creates a position at a2", actor: Doc.financeDirector,
             action: .positionCreate, target: Doc.position("a2", in: Doc.finance), expected: nil),
        Case(sentence: "an A2 finance director cannot create a position at A2", actor: Doc.financeDirector,
             action: .positionCreate, target: Doc.position("A2", in: Doc.finance), expected: .gradeNotAboveTarget),
        Case(sentence: "an A2 finance director cannot create a position at A1", actor: Doc.financeDirector,
             action: .positionCreate, target: Doc.position("A1", in: Doc.presidentsOffice),
             expected: .gradeNotAboveTarget),
        Case(sentence: "an a1 legal manager archives an a2 post in legal", actor: Doc.legalManager,
             action: .positionArchive, target: Doc.position("a2", in: Doc.legal), expected: nil),
        Case(sentence: "a B+1 business director cannot regrade a B+3 post to B+1", actor: Doc.businessDirector,
             action: .positionUpdate, target: Target(tenant: Doc.tenant, location: Location(unit: Doc.callCenter),
                                                     grade: Doc.grade("B+3"), newGrade: Doc.grade("B+1")),
             expected: .gradeNotAboveTarget),
        Case(sentence: "a B+1 business director regrades a B+3 post to B+2", actor: Doc.businessDirector,
             action: .positionUpdate, target: Target(tenant: Doc.tenant, location: Location(unit: Doc.callCenter),
                                                     grade: Doc.grade("B+3"), newGrade: Doc.grade("B+2")),
             expected: nil),
        Case(sentence: "a B+3 manager cannot change the record of the B+1 business director", actor: Doc.manager,
             action: .personUpdate, target: .person(Doc.tenant, unit: Doc.callCenter, grade: Doc.grade("B+1")),
             expected: .gradeNotAboveTarget),
        Case(sentence: "a B+3 manager records a new person, who has no grade yet", actor: Doc.manager,
             action: .personCreate, target: .person(Doc.tenant, unit: Doc.callCenter, grade: nil), expected: nil),
        Case(sentence: "the A+1 chairman ends the president's assignment", actor: Doc.chairman,
             action: .assignmentEnd, target: appointment("A1", in: Doc.presidentsOffice, person: "A1"), expected: nil),
        Case(sentence: "an A1 president cannot end the chairman's assignment", actor: Doc.president,
             action: .assignmentEnd, target: appointment("A+1", in: Doc.board, person: "A+1"),
             expected: .gradeNotAboveTarget),
        Case(sentence: "an A1 president cannot disable the chairman's account", actor: Doc.president,
             action: .userDisable, target: Target(tenant: Doc.tenant, location: .tenantWide, grade: Doc.grade("A+1")),
             expected: .gradeNotAboveTarget),
        Case(sentence: "an API key without a grade cannot create a graded position",
             actor: Doc.person(620, nil, [(Doc.hr, .tenant)], kind: .apiKey),
             action: .positionCreate, target: Doc.position("B+5", in: Doc.callCenter), expected: .gradeNotAboveTarget),
    ]

    @Test("appointing and changing needs a grade strictly above the target's", arguments: cases)
    func table(_ row: Case) {
        row.check()
    }

    @Test("the refusal names both grades: GRADE_NOT_ABOVE_TARGET {actor: B+3, target: A2}")
    func reasonNamesGrades() {
        let denial = decide(Doc.manager, .assignmentCreate,
                            Self.appointment("A2", in: Doc.callCenter, person: nil), Doc.context()).denial
        #expect(denial?.code == .gradeNotAboveTarget)
        #expect(denial?.values == ["actor": "B+3", "target": "A2"])
        #expect(denial?.visible == true)
        #expect(denial?.description == "GRADE_NOT_ABOVE_TARGET {actor: B+3, target: A2}")
    }

    @Test("the founder outranks the chairman, so can create the chairman's post")
    func founder() {
        let founder = Principal(tenant: Doc.tenant, subject: SubjectID(1), grade: .founder,
                                grants: [Doc.grant(SubjectID(1), Doc.administrator, .tenant)])
        #expect(decide(founder, .positionCreate, Doc.position("A+1", in: Doc.board), Doc.context()).isAllowed)
        #expect(decide(Doc.chairman, .positionCreate, Doc.position("A+1", in: Doc.board), Doc.context())
            .denial?.code == .gradeNotAboveTarget)
    }
}
