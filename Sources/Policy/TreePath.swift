// Where a unit or a region sits in its tree: the ids from the root down to it, inclusive.
// A materialized path turns "is this inside that subtree" into a prefix test with no tree lookup.

/// The path of a unit or region, root first: `[board, afterSales, callCenter]`.
/// The caller reads it from the database (an `ltree` or closure table) and caches it.
public struct TreePath: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    public var ids: [EntityID]

    public init(_ ids: [EntityID]) {
        self.ids = ids
    }

    public init(arrayLiteral ids: EntityID...) {
        self.ids = ids
    }

    /// 1 for a root, 2 for a unit directly under the root, 0 for the empty path above every root.
    public var depth: Int { ids.count }

    /// The node this path leads to; nil for the empty path.
    public var last: EntityID? { ids.last }

    /// True when `other` is this node or lies below it. The empty path contains every path.
    public func contains(_ other: TreePath) -> Bool {
        let count = ids.count
        guard count <= other.ids.count else { return false }
        var index = 0
        while index < count {
            if ids[index] != other.ids[index] { return false }
            index += 1
        }
        return true
    }

    /// The path of a child of this node.
    public func appending(_ id: EntityID) -> TreePath {
        TreePath(ids + [id])
    }

    public var description: String {
        ids.isEmpty ? "/" : ids.map { "/\($0)" }.joined()
    }
}
