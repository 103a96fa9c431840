// From database paths (uuid arrays as text, root first) to the policy module's TreePath.

import App
import Policy

package enum OrgPath {
    /// "{a,b,c}" → TreePath([a, b, c]); nil for NULL.
    package static func tree(_ text: String?) -> TreePath? {
        guard let text else { return nil }
        return TreePath(StoredValues.array(text).compactMap { EntityID(uuid: $0) })
    }

    /// The ids of a path as strings, root first.
    package static func ids(_ text: String?) -> [String] {
        StoredValues.array(text)
    }
}
