// How far a grant reaches: the whole tenant, a unit subtree or a region subtree. Covering is a
// prefix test on materialized paths, so it needs no tree lookup.

/// The reach of a grant.
public enum Scope: Hashable, Sendable, CustomStringConvertible {
    case tenant
    case unit(TreePath)
    case region(TreePath)

    /// True when everything `other` reaches, this scope reaches too. A unit scope never covers a
    /// region scope or the tenant, and a region scope never covers a unit scope.
    public func covers(_ other: Scope) -> Bool {
        switch (self, other) {
        case (.tenant, _): true
        case (.unit(let mine), .unit(let theirs)): mine.contains(theirs)
        case (.region(let mine), .region(let theirs)): mine.contains(theirs)
        default: false
        }
    }

    /// True when the target's location lies in this scope: a unit scope needs the target's unit
    /// path at or below it, a region scope its region path. A tenant-wide location (neither path)
    /// is covered by the tenant scope only.
    public func covers(_ location: Location) -> Bool {
        switch self {
        case .tenant: return true
        case .unit(let mine):
            guard let unit = location.unit else { return false }
            return mine.contains(unit)
        case .region(let mine):
            guard let region = location.region else { return false }
            return mine.contains(region)
        }
    }

    /// The location of everything this scope reaches: `covers(scope) == covers(scope.location)`.
    public var location: Location {
        switch self {
        case .tenant: .tenantWide
        case .unit(let path): Location(unit: path)
        case .region(let path): Location(region: path)
        }
    }

    public var description: String {
        switch self {
        case .tenant: "tenant"
        case .unit(let path): "unit:\(path.last.map { "\($0)" } ?? "/")"
        case .region(let path): "region:\(path.last.map { "\($0)" } ?? "/")"
        }
    }
}
