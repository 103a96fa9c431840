// The roles every new tenant starts with. Tenancy inserts them when it creates a tenant; the tenant
// may edit or delete them afterwards like any other role.

/// The five roles of a new tenant. None has a minimum grade: the tenant sets those once its ladder
/// and people exist.
public enum DefaultRoles {
    /// A role before it has a tenant and an id.
    public struct Template: Hashable, Sendable {
        public let key: String          // stable, for seeds and tests: "administrator", "hr", …
        public let name: String         // the display name the tenant starts with
        public let permissions: PermissionSet

        public func role(id: RoleID) -> Role {
            Role(id: id, name: name, permissions: permissions)
        }
    }

    public static let administrator = Template(key: "administrator", name: "Administrator",
                                               permissions: .all)
    public static let hr = Template(key: "hr", name: "HR", permissions: [
        .orgRead, .orgWrite, .peopleRead, .peopleReadPrivate, .assignmentsWrite, .accessRead,
    ])
    public static let regionalManager = Template(key: "regional_manager", name: "Regional manager", permissions: [
        .orgRead, .peopleRead, .networkRead, .networkWrite, .networkInspect, .casesHandle,
    ])
    public static let auditor = Template(key: "auditor", name: "Auditor", permissions: [
        .orgRead, .peopleRead, .accessRead, .auditRead, .networkRead,
    ])
    public static let viewer = Template(key: "viewer", name: "Viewer", permissions: [
        .orgRead, .peopleRead, .networkRead,
    ])

    public static let all: [Template] = [administrator, hr, regionalManager, auditor, viewer]
}
