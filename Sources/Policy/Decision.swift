// The answer of `decide`: allowed (and through which grant), or denied with a reason that explains
// itself. Callers never branch on anything but this value.

public enum Decision: Hashable, Sendable {
    /// Allowed; `by` is the grant that carried the permission (nil for platform actions).
    case allow(by: Grant?)
    case deny(Denial)

    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }

    public var denial: Denial? {
        if case .deny(let denial) = self { return denial }
        return nil
    }
}
