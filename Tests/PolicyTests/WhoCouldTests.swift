// "Who could do it instead": the candidates decide() allows, the nearest in grade first.

import Policy
import Testing

@Suite("Who could do it instead")
struct WhoCouldTests {
    @Test("an A2 appointment refused to a B+3 manager could be made by the president or the chairman, president first")
    func appointA2() {
        let target = Target.assignment(Doc.tenant, unit: Doc.callCenter, positionGrade: Doc.grade("A2"), personGrade: nil)
        let allowed = whoCould(.assignmentCreate, target, among: Doc.everyone, Doc.context())
        #expect(allowed.map(\.principal.subject) == [Doc.president.subject, Doc.chairman.subject])
        #expect(allowed.first?.grant == Doc.president.grants.first)
    }

    @Test("a B+5 appointment in the call center: the manager is nearest, then the business director and upwards")
    func appointB5() {
        let target = Target.assignment(Doc.tenant, unit: Doc.consultGroup, positionGrade: Doc.grade("B+5"),
                                       personGrade: nil)
        let allowed = whoCould(.assignmentCreate, target, among: Doc.everyone, Doc.context())
        #expect(allowed.map(\.principal.subject) == [
            Doc.manager.subject, Doc.businessDirector.subject, Doc.financeDirector.subject,
            Doc.president.subject, Doc.chairman.subject,
        ])
    }
}
