// A set of permissions as a bitmask: what a role confers and what a principal holds, tested with
// one AND on the decision path.

/// A set of catalog permissions. Iterates in catalog order.
public struct PermissionSet: Hashable, Sendable, Sequence, ExpressibleByArrayLiteral, CustomStringConvertible {
    private(set) var bits: UInt32

    public init() {
        bits = 0
    }

    public init(_ permissions: some Sequence<Permission>) {
        bits = 0
        for permission in permissions { insert(permission) }
    }

    public init(arrayLiteral permissions: Permission...) {
        self.init(permissions)
    }

    /// Parses stored permission names. Throws `permissionUnknown` naming the first unknown name.
    public init(names: some Sequence<String>) throws(PolicyError) {
        bits = 0
        for name in names {
            guard let permission = Permission(rawValue: name) else { throw .permissionUnknown(name) }
            insert(permission)
        }
    }

    /// Every permission of the catalog.
    public static let all = PermissionSet(Permission.allCases)

    public var isEmpty: Bool { bits == 0 }
    public var count: Int { bits.nonzeroBitCount }

    public func contains(_ permission: Permission) -> Bool {
        bits & permission.bit != 0
    }

    public func isSuperset(of other: PermissionSet) -> Bool {
        bits & other.bits == other.bits
    }

    public func union(_ other: PermissionSet) -> PermissionSet {
        var result = self
        result.bits |= other.bits
        return result
    }

    public func subtracting(_ other: PermissionSet) -> PermissionSet {
        var result = self
        result.bits &= ~other.bits
        return result
    }

    public mutating func insert(_ permission: Permission) {
        bits |= permission.bit
    }

    public mutating func remove(_ permission: Permission) {
        bits &= ~permission.bit
    }

    /// The stored names, in catalog order.
    public var names: [String] { map(\.rawValue) }

    public func makeIterator() -> some IteratorProtocol<Permission> {
        Permission.allCases.lazy.filter { self.contains($0) }.makeIterator()
    }

    public var description: String { "[" + names.joined(separator: ", ") + "]" }
}
