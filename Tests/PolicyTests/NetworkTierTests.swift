// The service network's tiers: inspecting, suspending and terminating a site each need a grade in
// the tier the tenant set for it, terminating a strictly higher one than suspending; the rule is
// judged on the actor's grade after the usual permission and scope checks.

import Policy
import Testing

@Suite("Network tiers")
struct NetworkTierTests {
    static let rule = NetworkRule(ladder: Doc.ladder)
    static func site(in region: TreePath, for action: Action) -> Target {
        .network(Doc.tenant, region: region, requiredTier: rule.tier(for: action))
    }

    static let inspector = Doc.person(601, "B+5", [(Doc.regionalManager, .region(Doc.east))])
    static let eastDirector = Doc.person(602, "A2", [(Doc.regionalManager, .region(Doc.east))])

    static let cases: [Case] = [
        Case(sentence: "the A2 East director suspends a Shanghai station", actor: eastDirector,
             action: .siteSuspend, target: site(in: Doc.shanghai, for: .siteSuspend), expected: nil),
        Case(sentence: "the A2 East director may not terminate it: terminating needs A+", actor: eastDirector,
             action: .siteTerminate, target: site(in: Doc.shanghai, for: .siteTerminate), expected: .networkRequiresTier),
        Case(sentence: "the chairman terminates it", actor: Doc.chairman,
             action: .siteTerminate, target: site(in: Doc.shanghai, for: .siteTerminate), expected: nil),
        Case(sentence: "the A2 East director may not suspend a West station: scope first", actor: eastDirector,
             action: .siteSuspend, target: site(in: Doc.west, for: .siteSuspend), expected: .scopeNotCovered),
        Case(sentence: "a B+5 network specialist of East inspects a Shanghai station (any graded post by default)", actor: inspector,
             action: .inspectionCreate, target: site(in: Doc.shanghai, for: .inspectionCreate), expected: nil),
        Case(sentence: "the B+5 specialist may not suspend it", actor: inspector,
             action: .siteSuspend, target: site(in: Doc.shanghai, for: .siteSuspend), expected: .networkRequiresTier),
        Case(sentence: "a viewer lacks network.inspect", actor: Doc.specialist,
             action: .inspectionCreate, target: site(in: Doc.shanghai, for: .inspectionCreate), expected: .permissionMissing),
        Case(sentence: "a target without the tier is incomplete, never guessed", actor: Doc.chairman,
             action: .siteTerminate, target: .network(Doc.tenant, region: Doc.shanghai), expected: .targetIncomplete),
    ]

    @Test("who may inspect, suspend and terminate", arguments: cases)
    func decisions(_ item: Case) { item.check() }

    @Test("the refusal names the action, the actor's grade and the tier required")
    func denialValues() throws {
        let denial = try #require(decide(Self.eastDirector, .siteTerminate, Self.site(in: Doc.shanghai, for: .siteTerminate),
                                         Doc.context()).denial)
        #expect(denial.values == ["action": "site.terminate", "actor": "A2", "required": "A+"])
        #expect(denial.visible)
    }

    @Test("the default rule on the standard ladder, and a configured one that must keep terminate above suspend")
    func rules() throws {
        #expect(Self.rule.inspectTier == Doc.tier("B+") && Self.rule.suspendTier == Doc.tier("A") && Self.rule.terminateTier == Doc.tier("A+"))
        let lowered = try NetworkRule(ladder: Doc.ladder, inspectTier: "a", suspendTier: "B+", terminateTier: "A")
        #expect(lowered.tier(for: .siteTerminate) == Doc.tier("A"))
        #expect(lowered.tier(for: .siteWrite) == nil)
        #expect(throws: PolicyError.networkTiersOrder(suspend: "A", terminate: "A")) {
            try NetworkRule(ladder: Doc.ladder, inspectTier: "a", suspendTier: "A", terminateTier: "A")
        }
        #expect(throws: PolicyError.networkTiersOrder(suspend: "A", terminate: "B+")) {
            try NetworkRule(ladder: Doc.ladder, inspectTier: "a", suspendTier: "A", terminateTier: "B+")
        }
        #expect(throws: PolicyError.tierUnknown("Z")) {
            try NetworkRule(ladder: Doc.ladder, inspectTier: "Z", suspendTier: "A", terminateTier: "A+")
        }
        let single = try GradeLadder(tiers: [GradeLadder.Tier("Staff", levels: 3)])
        let flat = try NetworkRule(ladder: single, inspectTier: "Staff", suspendTier: "Staff", terminateTier: "Staff")
        #expect(flat == NetworkRule(ladder: single), "a one-tier ladder cannot order them, so one tier does all three")
    }
}

@Suite("Case tiers")
struct CaseTierTests {
    static let agent = Doc.person(701, "B+4", [(Doc.regionalManager, .region(Doc.east))])
    static let director = Doc.person(702, "A2", [(Doc.regionalManager, .region(Doc.east))])
    static func freeRepair(tier: String = "A") -> Target {
        Target(tenant: Doc.tenant, location: Location(region: Doc.shanghai), requiredTier: Doc.tier(tier))
    }

    static let cases: [Case] = [
        Case(sentence: "a B+4 agent decides a warranty in East", actor: agent,
             action: .caseDecideWarranty, target: Target(tenant: Doc.tenant, location: Location(region: Doc.shanghai)), expected: nil),
        Case(sentence: "the B+4 agent may not grant a free repair of a human-caused fault (A by default)", actor: agent,
             action: .caseFreeRepair, target: freeRepair(), expected: .caseRequiresTier),
        Case(sentence: "the A2 director may", actor: director, action: .caseFreeRepair, target: freeRepair(), expected: nil),
        Case(sentence: "a tenant that lowers the tier to B+ lets the agent", actor: agent,
             action: .caseFreeRepair, target: freeRepair(tier: "B+"), expected: nil),
        Case(sentence: "the East director may not reopen a West case", actor: director,
             action: .caseReopen, target: Target(tenant: Doc.tenant, location: Location(region: Doc.west)), expected: .scopeNotCovered),
        Case(sentence: "a viewer does not handle cases", actor: Doc.specialist,
             action: .caseArchive, target: Target(tenant: Doc.tenant, location: Location(unit: Doc.callCenter)), expected: .permissionMissing),
    ]

    @Test("who may decide a free repair, reopen and archive", arguments: cases)
    func decisions(_ item: Case) { item.check() }
}
