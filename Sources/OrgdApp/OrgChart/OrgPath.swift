// From database paths (uuid arrays as text, root first) to the policy module's TreePath.

import Policy

enum OrgPath {
    /// "{a,b,c}" → TreePath([a, b, c]); nil for NULL.
    static func tree(_ text: String?) -> TreePath? {
        guard let text else { return nil }
        return TreePath(AccessStore.parseArray(text).compactMap { EntityID(uuid: $0) })
    }

    /// The ids of a path as strings, root first.
    static func ids(_ text: String?) -> [String] {
        AccessStore.parseArray(text)
    }
}
