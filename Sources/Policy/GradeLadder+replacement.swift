// Replacing a tenant's ladder: a new ladder is refused while any grade or tier in use would become
// undefined, and the refusal lists every position, user, role or unit that uses it.

/// Something that stores grade or tier text and would break if the ladder stopped defining it.
public struct GradeHolder: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case position, user, apiKey = "api_key", role, unit, setting
    }

    public var kind: Kind
    public var id: EntityID
    public var label: String            // a title or name for the error message; may be empty

    public init(_ kind: Kind, id: EntityID, label: String = "") {
        self.kind = kind
        self.id = id
        self.label = label
    }
}

/// One stored use of a grade ("A2" on a position) or of a tier alone ("a" on a unit).
public struct GradeUse: Hashable, Sendable {
    public var text: String
    public var isTierOnly: Bool
    public var holder: GradeHolder

    public init(grade: String, holder: GradeHolder) {
        self.text = grade
        self.isTierOnly = false
        self.holder = holder
    }

    public init(tier: String, holder: GradeHolder) {
        self.text = tier
        self.isTierOnly = true
        self.holder = holder
    }
}

/// A grade or tier text the new ladder does not define, why, and everything that uses it.
public struct UndefinedGrade: Hashable, Sendable {
    public var text: String
    public var reason: PolicyError
    public var holders: [GradeHolder]
}

extension GradeLadder {
    /// The grades and tiers in `uses` that this ladder does not define, in order of first use,
    /// each with all its holders. Empty when the ladder can replace the current one.
    public func undefinedGrades(in uses: [GradeUse]) -> [UndefinedGrade] {
        var order: [String] = []
        var found: [String: UndefinedGrade] = [:]
        for use in uses {
            let key = (use.isTierOnly ? "tier:" : "grade:") + use.text
            if found[key] != nil {
                found[key]!.holders.append(use.holder)
                continue
            }
            let reason: PolicyError?
            if use.isTierOnly {
                reason = tierIndex(named: use.text) == nil ? .tierUnknown(use.text) : nil
            } else {
                do { _ = try parse(use.text); reason = nil } catch { reason = error }
            }
            guard let reason else { continue }
            order.append(key)
            found[key] = UndefinedGrade(text: use.text, reason: reason, holders: [use.holder])
        }
        return order.map { found[$0]! }
    }

    /// Throws `gradesInUseUndefined` listing every undefined grade and its holders, if any.
    public func validateReplacement(inUse uses: [GradeUse]) throws(PolicyError) {
        let undefined = undefinedGrades(in: uses)
        guard undefined.isEmpty else { throw .gradesInUseUndefined(undefined) }
    }
}
