// Restructuring: only the board's tier (A+ by default, configurable) creates, moves, merges or
// deletes a unit at the top of the tree or of tier A or above; other unit changes need org.write.

import Policy
import Testing

@Suite("Restructuring")
struct RestructuringTests {
    static func move(_ unit: TreePath, under parent: TreePath, tier: String = "B+") -> Target {
        Target(tenant: Doc.tenant, location: Location(unit: unit), unitTier: Doc.tier(tier),
               destination: Location(unit: parent))
    }

    static func merge(_ unit: TreePath, into other: TreePath, tiers: (String, String)) -> Target {
        Target(tenant: Doc.tenant, location: Location(unit: unit), unitTier: Doc.tier(tiers.0),
               destination: Location(unit: other), destinationTier: Doc.tier(tiers.1))
    }

    static let topLevel = Target.newUnit(Doc.tenant, parent: Doc.company, tier: Doc.tier("B+"))

    static let cases: [Case] = [
        Case(sentence: "only A+ creates a top-level unit: the chairman may", actor: Doc.chairman,
             action: .unitCreate, target: topLevel, expected: nil),
        Case(sentence: "only A+ creates a top-level unit: the A1 president may not", actor: Doc.president,
             action: .unitCreate, target: topLevel, expected: .restructureRequiresTier),
        Case(sentence: "only A+ creates a top-level unit: HR lacks org.restructure", actor: Doc.financeDirector,
             action: .unitCreate, target: topLevel, expected: .permissionMissing),
        Case(sentence: "the A1 president cannot create an A-tier office even deep in the tree", actor: Doc.president,
             action: .unitCreate, target: .newUnit(Doc.tenant, parent: Doc.callCenter, tier: Doc.tier("A")),
             expected: .restructureRequiresTier),
        Case(sentence: "a B+3 manager with HR over his call center creates a group in it", actor: Doc.manager,
             action: .unitCreate, target: .newUnit(Doc.tenant, parent: Doc.callCenter, tier: Doc.tier("B+")),
             expected: nil),
        Case(sentence: "a B+3 manager cannot create a group outside his call center", actor: Doc.manager,
             action: .unitCreate, target: .newUnit(Doc.tenant, parent: Doc.afterSales, tier: Doc.tier("B+")),
             expected: .scopeNotCovered),
        Case(sentence: "the A1 president renames the business department (not a restructuring)", actor: Doc.president,
             action: .unitUpdate, target: .unit(Doc.tenant, path: Doc.business, tier: Doc.tier("B+")), expected: nil),
        Case(sentence: "the A1 president cannot raise a department to tier A", actor: Doc.president,
             action: .unitUpdate, target: Target(tenant: Doc.tenant, location: Location(unit: Doc.callCenter),
                                                 unitTier: Doc.tier("B+"), newUnitTier: Doc.tier("A")),
             expected: .restructureRequiresTier),
        Case(sentence: "the A1 president moves the consult group to after-sales", actor: Doc.president,
             action: .unitMove, target: move(Doc.consultGroup, under: Doc.afterSales), expected: nil),
        Case(sentence: "the A1 president cannot move a group directly under the company", actor: Doc.president,
             action: .unitMove, target: move(Doc.consultGroup, under: Doc.company), expected: .restructureRequiresTier),
        Case(sentence: "the A1 president cannot move the top-level finance department", actor: Doc.president,
             action: .unitMove, target: move(Doc.finance, under: Doc.business, tier: "a"),
             expected: .restructureRequiresTier),
        Case(sentence: "a B+3 manager cannot move his group out of his scope", actor: Doc.manager,
             action: .unitMove, target: move(Doc.consultGroup, under: Doc.afterSales), expected: .scopeNotCovered),
        Case(sentence: "the A1 president merges two groups of the call center", actor: Doc.president,
             action: .unitMerge, target: merge(Doc.consultGroup, into: Doc.callCenter.appending(UnitID(30)),
                                              tiers: ("B+", "B+")), expected: nil),
        Case(sentence: "the A1 president cannot merge a group into the top-level finance department",
             actor: Doc.president, action: .unitMerge,
             target: merge(Doc.consultGroup, into: Doc.finance, tiers: ("B+", "a")),
             expected: .restructureRequiresTier),
        Case(sentence: "the chairman deletes the president's office", actor: Doc.chairman,
             action: .unitDelete, target: .unit(Doc.tenant, path: Doc.presidentsOffice, tier: Doc.tier("A")),
             expected: nil),
        Case(sentence: "the A1 president cannot delete the president's office", actor: Doc.president,
             action: .unitDelete, target: .unit(Doc.tenant, path: Doc.presidentsOffice, tier: Doc.tier("A")),
             expected: .restructureRequiresTier),
        Case(sentence: "the A1 president archives a group deep in the tree", actor: Doc.president,
             action: .unitArchive, target: .unit(Doc.tenant, path: Doc.consultGroup, tier: Doc.tier("B+")),
             expected: nil),
        Case(sentence: "with the restructuring tier set to A, the A1 president creates a top-level unit",
             actor: Doc.president, action: .unitCreate, target: topLevel, expected: nil,
             context: Doc.context(restructure: try! RestructureRule(ladder: Doc.ladder, actorTier: "A", unitTier: "A"))),
        Case(sentence: "only the board's tier changes tenant settings", actor: Doc.president,
             action: .tenantUpdate, target: .tenantWide(Doc.tenant), expected: .restructureRequiresTier),
    ]

    @Test("restructuring needs org.restructure and the board's tier", arguments: cases)
    func table(_ row: Case) {
        row.check()
    }

    @Test("the refusal names the actor's grade and the tier required")
    func reason() {
        let denial = decide(Doc.president, .unitCreate, Self.topLevel, Doc.context()).denial
        #expect(denial?.values == ["actor": "A1", "required": "A+"])
        #expect(denial?.visible == true)
    }
}
