// Grade ladders: parsing the document's grades, ranking them, validating ladders, and refusing a
// replacement that would leave grades in use undefined.

import Policy
import Testing

@Suite("Grade ladder")
struct GradeLadderTests {
    let ladder = GradeLadder.standard

    @Test("the standard ladder ranks A+ above A above a above B+, smaller levels higher")
    func standardOrder() throws {
        let order = ["A+1", "A+2", "A+9", "A1", "A2", "a1", "a2", "B+1", "B+2", "B+3", "B+5"]
        let grades = try order.map { try ladder.parse($0) }
        for (higher, lower) in zip(grades, grades.dropFirst()) {
            #expect(higher.outranks(lower))
            #expect(!lower.outranks(higher))
        }
        #expect(!grades[0].outranks(grades[0]))
        #expect(grades[0].isAtOrAbove(grades[0]))
    }

    @Test("every grade of the ladder prints back to the text it was parsed from")
    func roundTrip() throws {
        for grade in ladder.grades {
            #expect(try ladder.parse(ladder.name(of: grade)) == grade)
        }
        #expect(ladder.grades.count == 9 + 2 + 2 + 5)
        #expect(ladder.name(of: ladder.highest) == "A+1")
    }

    @Test("the longest tier name wins: A+1 is tier A+, not tier A with level +1")
    func longestTierPrefix() throws {
        #expect(try ladder.parse("A+1").tier == 0)
        #expect(try ladder.parse("A1").tier == 1)
        #expect(try ladder.parse("a1").tier == 2)
    }

    @Test("malformed grades are refused with the rule they break", arguments: [
        ("C1", "GRADE_UNKNOWN_TIER"), ("", "GRADE_UNKNOWN_TIER"), ("A", "GRADE_LEVEL_MALFORMED"),
        ("A+", "GRADE_LEVEL_MALFORMED"), ("A01", "GRADE_LEVEL_MALFORMED"), ("A+-1", "GRADE_LEVEL_MALFORMED"),
        ("B+1x", "GRADE_LEVEL_MALFORMED"), ("A3", "GRADE_LEVEL_NOT_IN_TIER"), ("B+6", "GRADE_LEVEL_NOT_IN_TIER"),
        ("a0", "GRADE_LEVEL_MALFORMED"), ("A+10", "GRADE_LEVEL_NOT_IN_TIER"),
    ])
    func malformed(text: String, code: String) {
        #expect(throws: PolicyError.self) { try ladder.parse(text) }
        do {
            _ = try ladder.parse(text)
        } catch {
            #expect(error.code == code)
            #expect(error.message.contains("\"\(text)\""))
        }
    }

    @Test("a ladder is refused when a tier is unnamed, repeated, numbered or has no levels", arguments: [
        ([], "LADDER_EMPTY"),
        ([GradeLadder.Tier("A", levels: 2), GradeLadder.Tier("A", levels: 3)], "LADDER_TIER_REPEATED"),
        ([GradeLadder.Tier("", levels: 2)], "LADDER_TIER_NAME_INVALID"),
        ([GradeLadder.Tier("A1", levels: 2)], "LADDER_TIER_NAME_INVALID"),
        ([GradeLadder.Tier("A B", levels: 2)], "LADDER_TIER_NAME_INVALID"),
        ([GradeLadder.Tier("A", levels: 0)], "LADDER_TIER_LEVELS"),
        ([GradeLadder.Tier("A", levels: 100)], "LADDER_TIER_LEVELS"),
    ])
    func invalidLadder(tiers: [GradeLadder.Tier], code: String) {
        do {
            _ = try GradeLadder(tiers: tiers)
            Issue.record("accepted an invalid ladder")
        } catch {
            #expect(error.code == code)
        }
    }

    @Test("a company may define its own ladder, in any script")
    func customLadder() throws {
        let ladder = try GradeLadder(tiers: [.init("甲", levels: 3), .init("乙", levels: 2)])
        #expect(try ladder.parse("甲1").outranks(ladder.parse("乙1")))
        #expect(try ladder.parse("乙2") == ladder.grade(tier: 1, level: 2))
    }

    @Test("replacing the ladder lists the grades in use it would leave undefined, with their holders")
    func undefinedInUse() throws {
        let smaller = try GradeLadder(tiers: [.init("A+", levels: 3), .init("A", levels: 2), .init("B+", levels: 4)])
        let chairman = GradeHolder(.position, id: EntityID(1), label: "Chairman")
        let accountant = GradeHolder(.position, id: EntityID(2), label: "Accountant")
        let cashier = GradeHolder(.user, id: EntityID(3), label: "李晓贤")
        let specialist = GradeHolder(.position, id: EntityID(4), label: "Specialist")
        let legal = GradeHolder(.unit, id: EntityID(5), label: "Legal")
        let uses = [
            GradeUse(grade: "A+1", holder: chairman), GradeUse(grade: "a2", holder: accountant),
            GradeUse(grade: "a2", holder: cashier), GradeUse(grade: "B+5", holder: specialist),
            GradeUse(tier: "a", holder: legal),
        ]
        let undefined = smaller.undefinedGrades(in: uses)
        #expect(undefined.map(\.text) == ["a2", "B+5", "a"])
        #expect(undefined[0].holders == [accountant, cashier])
        #expect(undefined[0].reason.code == "GRADE_UNKNOWN_TIER")
        #expect(undefined[1].reason.code == "GRADE_LEVEL_NOT_IN_TIER")
        #expect(undefined[2].reason.code == "TIER_UNKNOWN")
        #expect(throws: PolicyError.gradesInUseUndefined(undefined)) { try smaller.validateReplacement(inUse: uses) }
        try GradeLadder.standard.validateReplacement(inUse: uses)
    }

    @Test("the restructuring rule names tiers of the ladder")
    func restructureRule() throws {
        let rule = try RestructureRule(ladder: ladder, actorTier: "A", unitTier: "a")
        #expect(rule.actorTier == 1 && rule.unitTier == 2)
        #expect(throws: PolicyError.tierUnknown("Z")) { try RestructureRule(ladder: ladder, actorTier: "Z", unitTier: "A") }
        let standard = RestructureRule(ladder: ladder)
        #expect(ladder.tierName(standard.actorTier) == "A+" && ladder.tierName(standard.unitTier) == "A")
    }
}
