// The Policy module's one error type: invalid ladders, grades, tiers and permission names.
// Decisions are not errors (see `Denial`); these are bad input, mapped by the app to 4xx problems.

/// Bad input to the policy's value types. `code` is stable and greppable; never reuse a retired one.
public enum PolicyError: Error, Hashable, Sendable {
    case ladderHasNoTiers
    case tierNameInvalid(String)
    case tierNameRepeated(String)
    case tierLevelsOutOfRange(tier: String, levels: Int)
    case gradeUnknownTier(String)
    case gradeLevelMalformed(String)
    case gradeLevelNotInTier(grade: String, tier: String, levels: Int)
    case tierUnknown(String)
    case gradesInUseUndefined([UndefinedGrade])
    case permissionUnknown(String)
    case networkTiersOrder(suspend: String, terminate: String)

    public var code: String {
        switch self {
        case .ladderHasNoTiers: "LADDER_EMPTY"
        case .tierNameInvalid: "LADDER_TIER_NAME_INVALID"
        case .tierNameRepeated: "LADDER_TIER_REPEATED"
        case .tierLevelsOutOfRange: "LADDER_TIER_LEVELS"
        case .gradeUnknownTier: "GRADE_UNKNOWN_TIER"
        case .gradeLevelMalformed: "GRADE_LEVEL_MALFORMED"
        case .gradeLevelNotInTier: "GRADE_LEVEL_NOT_IN_TIER"
        case .tierUnknown: "TIER_UNKNOWN"
        case .gradesInUseUndefined: "LADDER_GRADES_IN_USE"
        case .permissionUnknown: "PERMISSION_UNKNOWN"
        case .networkTiersOrder: "NETWORK_TIERS_ORDER"
        }
    }

    /// The rule that was broken, in words, naming the value at fault.
    public var message: String {
        switch self {
        case .ladderHasNoTiers:
            "a grade ladder has at least one tier"
        case .tierNameInvalid(let name):
            "tier name \"\(name)\" must be 1–\(GradeLadder.maximumTierNameLength) characters with no digit, whitespace or control character"
        case .tierNameRepeated(let name):
            "tier \"\(name)\" appears twice; tier names are unique within a ladder"
        case .tierLevelsOutOfRange(let tier, let levels):
            "tier \"\(tier)\" has \(levels) levels; a tier has 1–\(GradeLadder.maximumLevels)"
        case .gradeUnknownTier(let text):
            "grade \"\(text)\" does not start with a tier of the ladder"
        case .gradeLevelMalformed(let text):
            "grade \"\(text)\" must be a tier followed by a level number without sign or leading zero"
        case .gradeLevelNotInTier(let text, let tier, let levels):
            "grade \"\(text)\": tier \"\(tier)\" has levels 1–\(levels)"
        case .tierUnknown(let name):
            "tier \"\(name)\" is not on the grade ladder"
        case .gradesInUseUndefined(let undefined):
            "the new ladder leaves grades in use undefined: "
                + undefined.map { "\($0.text) (\($0.holders.count) using it)" }.joined(separator: ", ")
        case .permissionUnknown(let name):
            "\"\(name)\" is not a permission of the catalog"
        case .networkTiersOrder(let suspend, let terminate):
            "terminating a site needs a higher tier than suspending one: terminate tier \"\(terminate)\" is not above suspend tier \"\(suspend)\""
        }
    }
}
