// A rank on a tenant's grade ladder (A+1, A2, B+5 …), reduced to two integers so that deciding
// "who outranks whom" on the hot path is two comparisons and never touches a string.

/// A grade, as parsed by one `GradeLadder`: `tier` indexes the ladder's tiers (0 is the highest
/// tier) and `level` counts from 1 (the highest level of its tier). A grade is only meaningful with
/// the ladder that parsed it: reparse stored grade text whenever the ladder is replaced.
public struct Grade: Hashable, Sendable, CustomStringConvertible {
    public let tier: Int
    public let level: Int

    init(tier: Int, level: Int) {
        self.tier = tier
        self.level = level
    }

    /// The rank of a tenant's founding administrator, above every grade of every ladder. No grade
    /// text parses to it, so no position can carry it; Tenancy gives it to the account created with
    /// the tenant, which must be able to create the chairman's post (nobody else outranks A+1).
    public static let founder = Grade(tier: -1, level: 0)

    /// True when this grade ranks strictly higher: an earlier tier, or a smaller level in the same tier.
    public func outranks(_ other: Grade) -> Bool {
        tier < other.tier || (tier == other.tier && level < other.level)
    }

    /// True when this grade ranks higher than or equal to `other`.
    public func isAtOrAbove(_ other: Grade) -> Bool {
        !other.outranks(self)
    }

    public var description: String {
        self == .founder ? "founder" : "Grade(tier: \(tier), level: \(level))"
    }
}

extension Optional where Wrapped == Grade {
    /// True when a (possibly missing) grade strictly outranks `other`. No grade outranks nothing.
    func outranks(_ other: Grade) -> Bool {
        guard let grade = self else { return false }
        return grade.outranks(other)
    }

    /// True when a (possibly missing) grade meets a minimum. No grade meets no minimum.
    func meets(_ minimum: Grade) -> Bool {
        guard let grade = self else { return false }
        return grade.isAtOrAbove(minimum)
    }

    /// The higher of two optional grades; a missing grade ranks below every grade.
    func higher(_ other: Grade?) -> Grade? {
        guard let grade = self else { return other }
        guard let other else { return grade }
        return other.outranks(grade) ? other : grade
    }
}
