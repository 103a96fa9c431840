// Why a decision refused: a stable code, the rule in words, the values compared, and whether the
// actor may know the target exists (403) or must be told it does not (404).

public struct Denial: Hashable, Sendable, CustomStringConvertible {
    public let code: DenialCode
    /// The rule, in words, for the problem body and the audit log.
    public let rule: String
    /// The values the rule compared, e.g. `["actor": "B+3", "target": "A2"]`.
    public let values: [String: String]
    /// false: answer 404 exactly as for a missing object; true: answer 403 with this reason.
    public let visible: Bool

    public init(_ code: DenialCode, rule: String? = nil, values: [String: String] = [:], visible: Bool) {
        self.code = code
        self.rule = rule ?? code.rule
        self.values = values
        self.visible = visible
    }

    /// The denial for another tenant's object, and for a platform operator inside a tenant.
    public static let notFound = Denial(.notFound, visible: false)

    public var description: String {
        let shown = values.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return "\(code.rawValue) {\(shown)}"
    }
}

/// Stable, greppable denial codes. Never rename or reuse one.
public enum DenialCode: String, CaseIterable, Hashable, Sendable {
    case notFound = "NOT_FOUND"
    case platformOnly = "PLATFORM_ONLY"
    case targetIncomplete = "TARGET_INCOMPLETE"
    case permissionMissing = "PERMISSION_MISSING"
    case scopeNotCovered = "SCOPE_NOT_COVERED"
    case grantExpired = "GRANT_EXPIRED"
    case roleMinGradeNotMet = "ROLE_MIN_GRADE_NOT_MET"
    case gradeNotAboveTarget = "GRADE_NOT_ABOVE_TARGET"
    case restructureRequiresTier = "RESTRUCTURE_REQUIRES_TIER"
    case selfGradeRaise = "SELF_GRADE_RAISE"
    case promotionExceedsActor = "PROMOTION_EXCEEDS_ACTOR"
    case selfGrant = "SELF_GRANT"
    case delegationExceedsGrantor = "DELEGATION_EXCEEDS_GRANTOR"
    case grantorGone = "GRANTOR_GONE"
    case roleEditExceedsActor = "ROLE_EDIT_EXCEEDS_ACTOR"
    case ladderReranksActor = "LADDER_RERANKS_ACTOR"
    case lastAdmin = "LAST_ADMIN"
    case networkRequiresTier = "NETWORK_REQUIRES_TIER"
    case caseRequiresTier = "CASE_REQUIRES_TIER"

    /// The rule in words; a denial may state it more precisely.
    public var rule: String {
        switch self {
        case .notFound: "the target does not exist for this actor"
        case .platformOnly: "only platform operators manage tenants"
        case .targetIncomplete: "the caller did not describe the target fully enough to decide"
        case .permissionMissing: "the actor holds no role with this permission"
        case .scopeNotCovered: "none of the actor's grants with this permission covers the target"
        case .grantExpired: "the grant that would allow this has expired"
        case .roleMinGradeNotMet: "a role confers its permissions only on holders at or above its minimum grade"
        case .gradeNotAboveTarget: "the actor's grade must outrank the grade of what it changes"
        case .restructureRequiresTier: "restructuring needs a grade in the tenant's restructuring tier or above"
        case .selfGradeRaise: "nobody raises their own grade"
        case .promotionExceedsActor: "a promotion must not wake a role whose permissions the actor does not hold over its scope"
        case .selfGrant: "nobody grants a role to themselves"
        case .delegationExceedsGrantor: "a grantor grants only permissions it holds over the whole scope and for as long"
        case .grantorGone: "the grantor no longer exists or acts in this tenant"
        case .roleEditExceedsActor: "a role edit touches only permissions the editor holds over the whole tenant"
        case .ladderReranksActor: "a new ladder keeps every grade on the same side of the actor's grade"
        case .lastAdmin: "the last tenant administrator cannot be removed"
        case .networkRequiresTier: "suspending, terminating or inspecting a site needs a grade in the tier the tenant set for it"
        case .caseRequiresTier: "a free repair of a human-caused fault needs a grade in the tier the tenant set for it"
        }
    }
}
