// The manageable set: what an actor may act on, as scopes and a grade ceiling a store can query,
// agreeing with decide() on every target.

import Policy
import Testing

@Suite("Manageable set")
struct ManageableSetTests {
    @Test("a B+3 manager manages the posts below B+3 in his call center, and nothing else")
    func managerPositions() throws {
        let set = try #require(Doc.manager.manageable(.positionUpdate, Doc.context()))
        #expect(set.scopes == [.unit(Doc.callCenter)])
        #expect(set.checksGrade && set.gradeCeiling == Doc.grade("B+3"))
        #expect(set.contains(Doc.position("B+5", in: Doc.consultGroup)))
        #expect(!set.contains(Doc.position("B+3", in: Doc.consultGroup)))
        #expect(!set.contains(Doc.position("B+5", in: Doc.afterSales)))
        #expect(!set.contains(.position(Doc.otherTenant, unit: Doc.consultGroup, grade: Doc.grade("B+5"))))
    }

    @Test("the A1 president may archive units deep in the tree but not structural ones")
    func presidentUnits() throws {
        let set = try #require(Doc.president.manageable(.unitArchive, Doc.context()))
        #expect(set.structuralScopes.isEmpty)
        #expect(set.contains(.unit(Doc.tenant, path: Doc.consultGroup, tier: Doc.tier("B+"))))
        #expect(!set.contains(.unit(Doc.tenant, path: Doc.finance, tier: Doc.tier("a"))))
        let chairman = try #require(Doc.chairman.manageable(.unitArchive, Doc.context()))
        #expect(chairman.contains(.unit(Doc.tenant, path: Doc.finance, tier: Doc.tier("a"))))
    }

    @Test("actions with rules beyond scope and grade have no manageable set")
    func unsupported() {
        #expect(Doc.chairman.manageable(.grantCreate, Doc.context()) == nil)
        #expect(Doc.chairman.manageable(.roleUpdate, Doc.context()) == nil)
        #expect(Doc.chairman.manageable(.ladderReplace, Doc.context()) == nil)
    }
}
