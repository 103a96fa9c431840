// The catalog of permissions orgd defines. Raw values are stored in roles and shown in the API:
// they are stable forever; add new cases at the end and never rename or reuse one.

/// One capability a role can confer. Which action needs which permission is in `Action`.
public enum Permission: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case orgRead = "org.read"
    case orgWrite = "org.write"
    case orgRestructure = "org.restructure"
    case peopleRead = "people.read"
    case peopleReadPrivate = "people.read_private"
    case assignmentsWrite = "assignments.write"
    case accessRead = "access.read"
    case accessWrite = "access.write"
    case networkRead = "network.read"
    case networkWrite = "network.write"
    case casesHandle = "cases.handle"
    case auditRead = "audit.read"
    case tenantAdmin = "tenant.admin"
    case networkInspect = "network.inspect"

    /// One line for the documentation and for `GET /v1/access/permissions`.
    public var summary: String {
        switch self {
        case .orgRead: "See units, positions, assignments, hand-off links and the grade ladder."
        case .orgWrite: "Change units below the top level, positions, people and hand-off links, within grade."
        case .orgRestructure: "Create, move, merge or delete top-level units and units of the structural tiers."
        case .peopleRead: "See people's names, employee numbers and posts."
        case .peopleReadPrivate: "See people's private contact fields (owners' files must not leak)."
        case .assignmentsWrite: "Appoint people to positions, end and change assignments, within grade."
        case .accessRead: "See roles, grants, users and API keys, and check others' access."
        case .accessWrite: "Grant and revoke roles within one's own reach, and edit roles."
        case .networkRead: "See regions, repair stations, dealers, technicians and inspections."
        case .networkWrite: "Change regions, repair stations, dealers, technicians and inspections."
        case .casesHandle: "See and handle customer issues and complaints."
        case .auditRead: "Read the audit log."
        case .tenantAdmin: "Administer the tenant: users, API keys, settings and the grade ladder."
        case .networkInspect: "Inspect and assess sites of the service network, within the tenant's inspector tier."
        }
    }

    public var description: String { rawValue }

    /// The permission's bit in a `PermissionSet`. Bits never leave the process; the raw value is
    /// what is stored, so a bit may be reassigned, but no two permissions may share one.
    var bit: UInt32 {
        switch self {
        case .orgRead: 1 << 0
        case .orgWrite: 1 << 1
        case .orgRestructure: 1 << 2
        case .peopleRead: 1 << 3
        case .peopleReadPrivate: 1 << 4
        case .assignmentsWrite: 1 << 5
        case .accessRead: 1 << 6
        case .accessWrite: 1 << 7
        case .networkRead: 1 << 8
        case .networkWrite: 1 << 9
        case .casesHandle: 1 << 10
        case .auditRead: 1 << 11
        case .tenantAdmin: 1 << 12
        case .networkInspect: 1 << 13
        }
    }
}
