// A tenant's grade ladder: ordered tiers (A+, A, a, B+ by default), each with levels 1...n.
// Built once per tenant and cached; parsing and validation happen here, ranking lives in `Grade`.

/// The grades a tenant may use. Earlier tiers outrank later ones; inside a tier level 1 is highest.
/// Tier names are case-sensitive ("A" and "a" are different tiers) and contain no digits, so a
/// grade's text is always its tier's name followed by its level in decimal: "A+1", "a2", "B+5".
public struct GradeLadder: Hashable, Sendable {
    public struct Tier: Hashable, Sendable {
        public let name: String
        public let levels: Int          // the tier's grades are levels 1...levels

        public init(_ name: String, levels: Int) {
            self.name = name
            self.levels = levels
        }
    }

    public let tiers: [Tier]

    /// Longest name first: parsing tries "A+" before "A" so "A+1" is never read as tier "A".
    private let tiersByNameLength: [Int]

    /// The most levels a tier may have, and the longest tier name, in characters.
    public static let maximumLevels = 99
    public static let maximumTierNameLength = 16

    /// Validates and builds a ladder. Throws the first rule broken, naming the tier at fault:
    /// no tiers, an invalid or repeated tier name, or a level count outside 1...99.
    public init(tiers: [Tier]) throws(PolicyError) {
        guard !tiers.isEmpty else { throw .ladderHasNoTiers }
        var seen: Set<String> = []
        for tier in tiers {
            guard GradeLadder.isValidTierName(tier.name) else { throw .tierNameInvalid(tier.name) }
            guard seen.insert(tier.name).inserted else { throw .tierNameRepeated(tier.name) }
            guard (1...GradeLadder.maximumLevels).contains(tier.levels) else {
                throw .tierLevelsOutOfRange(tier: tier.name, levels: tier.levels)
            }
        }
        self.tiers = tiers
        self.tiersByNameLength = tiers.indices.sorted { tiers[$0].name.count > tiers[$1].name.count }
    }

    /// The default ladder of a new tenant, from the source document: A+1…A+9 (the chairman and the
    /// board in order of shareholding), A1–A2 (president's office), a1–a2 (assistant departments),
    /// B+1…B+5 (business departments, from director to specialist).
    public static let standard: GradeLadder = try! GradeLadder(tiers: [
        Tier("A+", levels: 9), Tier("A", levels: 2), Tier("a", levels: 2), Tier("B+", levels: 5),
    ])

    /// Every grade of the ladder, highest first.
    public var grades: [Grade] {
        tiers.indices.flatMap { tier in (1...tiers[tier].levels).map { Grade(tier: tier, level: $0) } }
    }

    /// The highest grade of the ladder (A+1 on the standard ladder).
    public var highest: Grade { Grade(tier: 0, level: 1) }

    /// The index of a tier, 0 being the highest; nil when the ladder has no such tier.
    public func tierIndex(named name: String) -> Int? {
        tiers.firstIndex { $0.name == name }
    }

    /// The index of a tier, or `PolicyError.tierUnknown` naming it.
    public func requireTier(named name: String) throws(PolicyError) -> Int {
        guard let index = tierIndex(named: name) else { throw .tierUnknown(name) }
        return index
    }

    /// True when the grade exists on this ladder (or is the founder's rank).
    public func contains(_ grade: Grade) -> Bool {
        grade == .founder
            || (tiers.indices.contains(grade.tier) && (1...tiers[grade.tier].levels).contains(grade.level))
    }

    /// The grade's text ("B+3"); "founder" for the founder's rank; "?" for a grade of another ladder.
    public func name(of grade: Grade) -> String {
        if grade == .founder { return "founder" }
        guard contains(grade) else { return "?" }
        return tiers[grade.tier].name + String(grade.level)
    }

    /// The tier's name, or "?" for an index outside the ladder.
    public func tierName(_ index: Int) -> String {
        tiers.indices.contains(index) ? tiers[index].name : "?"
    }

    /// Parses grade text: the longest tier name that prefixes it, then a level in decimal with no
    /// sign and no leading zero that the tier has. Throws `gradeUnknownTier` when no tier name
    /// prefixes the text, `gradeLevelMalformed` when what follows is not such a number, and
    /// `gradeLevelNotInTier` when the tier has no such level.
    public func parse(_ text: String) throws(PolicyError) -> Grade {
        guard let tier = tiersByNameLength.first(where: { text.hasPrefix(tiers[$0].name) }) else {
            throw .gradeUnknownTier(text)
        }
        let digits = text.unicodeScalars.dropFirst(tiers[tier].name.unicodeScalars.count)
        guard let first = digits.first, first != "0", digits.count <= 4,
              digits.allSatisfy({ ("0"..."9").contains($0) }) else {
            throw .gradeLevelMalformed(text)
        }
        let level = digits.reduce(0) { $0 * 10 + Int($1.value - 48) }
        guard level <= tiers[tier].levels else {
            throw .gradeLevelNotInTier(grade: text, tier: tiers[tier].name, levels: tiers[tier].levels)
        }
        return Grade(tier: tier, level: level)
    }

    /// The grade for a tier index and level, or nil when the ladder has no such grade.
    public func grade(tier: Int, level: Int) -> Grade? {
        let grade = Grade(tier: tier, level: level)
        return grade != .founder && contains(grade) ? grade : nil
    }

    /// 1–16 characters, none of them a digit, whitespace or a control character.
    static func isValidTierName(_ name: String) -> Bool {
        let length = name.count
        guard length >= 1, length <= maximumTierNameLength else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.properties.numericType == nil && !scalar.properties.isWhitespace
                && scalar.properties.generalCategory != .control
        }
    }
}
