// Where a target lives, for scope tests: its unit path, its region path, both, or neither (a
// tenant-wide object such as the ladder, a role or the audit log, which only a tenant scope covers).

/// The position of a target in the unit tree and the region tree.
public struct Location: Hashable, Sendable {
    public var unit: TreePath?
    public var region: TreePath?

    public init(unit: TreePath? = nil, region: TreePath? = nil) {
        self.unit = unit
        self.region = region
    }

    /// A tenant-wide object: in no subtree, covered only by a tenant scope.
    public static let tenantWide = Location()
}
