// Everything a principal can ask to do, with the permission each needs and the rules that apply.
// Raw values are the action names of `POST /v1/access/check` and of the audit log: stable forever.

/// An operation on a kind of target. `Target` documents which of its fields each action reads.
public enum Action: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    // Units. Hand-off links belong to their source unit and are changed with `unit.update`.
    case unitRead = "unit.read"
    case unitCreate = "unit.create"
    case unitUpdate = "unit.update"
    case unitMove = "unit.move"
    case unitMerge = "unit.merge"
    case unitArchive = "unit.archive"
    case unitDelete = "unit.delete"
    // Positions.
    case positionRead = "position.read"
    case positionCreate = "position.create"
    case positionUpdate = "position.update"
    case positionMove = "position.move"
    case positionArchive = "position.archive"
    // People.
    case personRead = "person.read"
    case personReadPrivate = "person.read_private"
    case personCreate = "person.create"
    case personUpdate = "person.update"
    case personArchive = "person.archive"
    // Assignments of people to positions.
    case assignmentCreate = "assignment.create"
    case assignmentUpdate = "assignment.update"
    case assignmentEnd = "assignment.end"
    // Grants and roles.
    case grantRead = "grant.read"
    case grantCreate = "grant.create"
    case grantRevoke = "grant.revoke"
    case roleRead = "role.read"
    case roleCreate = "role.create"
    case roleUpdate = "role.update"
    case roleDelete = "role.delete"
    // The grade ladder and the tenant's settings (the restructuring tiers among them).
    case ladderRead = "ladder.read"
    case ladderReplace = "ladder.replace"
    case tenantRead = "tenant.read"
    case tenantUpdate = "tenant.update"
    /// Approving, rejecting or applying a reorganisation scenario (and deleting another user's):
    /// org.write at the restructuring tier. Each change in it is still decided on its own.
    case scenarioDecide = "scenario.decide"
    // Accounts. Changing one's own password or tokens is self-service and needs no decision.
    case userRead = "user.read"
    case userCreate = "user.create"
    case userUpdate = "user.update"
    case userDisable = "user.disable"
    case userLinkPerson = "user.link_person"
    case apiKeyRead = "api_key.read"
    case apiKeyCreate = "api_key.create"
    case apiKeyRevoke = "api_key.revoke"
    // The service network: regions, repair stations, dealers, technicians, inspections.
    case regionRead = "region.read"
    case regionWrite = "region.write"
    case siteRead = "site.read"
    case siteWrite = "site.write"
    /// A site's move to `suspended`, and to `terminated` (final): each needs the tenant's tier
    /// for it (`NetworkRule`), terminating a higher one than suspending.
    case siteSuspend = "site.suspend"
    case siteTerminate = "site.terminate"
    /// Recording an inspection of a site: `network.inspect` and the tenant's inspector tier.
    case inspectionCreate = "inspection.create"
    /// The network's tenant-wide reference data: site kinds, product lines, service types and
    /// inspection templates. Anyone who sees some of the network may read it.
    case networkCatalogRead = "network_catalog.read"
    case networkCatalogWrite = "network_catalog.write"
    // Customer issues and complaints. Steps of the flow are case.handle, except the ones below,
    // which a tenant may want to give to fewer people through roles.
    case caseRead = "case.read"
    case caseHandle = "case.handle"
    case caseForward = "case.forward"
    case caseDecideWarranty = "case.decide_warranty"
    /// A free repair of a human-caused fault, at the tier the tenant sets (on top of case.decide_warranty).
    case caseFreeRepair = "case.free_repair"
    case caseReopen = "case.reopen"
    case caseArchive = "case.archive"
    /// The tenant's case settings (subcategories, warranties, SLA hours): anyone handling cases anywhere.
    case caseSettingsRead = "case_settings.read"
    // The audit log.
    case auditRead = "audit.read"
    // Platform operators' management of tenants.
    case platformTenants = "platform.tenants"

    public var description: String { rawValue }

    /// The permission the action needs, nil for platform actions. Structural unit changes need
    /// `org.restructure` instead of `org.write` (see `Rules.restructuring`).
    public var permission: Permission? {
        switch self {
        case .unitRead, .positionRead, .ladderRead, .tenantRead: .orgRead
        case .unitCreate, .unitUpdate, .unitMove, .unitMerge, .unitArchive, .unitDelete,
             .positionCreate, .positionUpdate, .positionMove, .positionArchive,
             .personCreate, .personUpdate, .personArchive, .scenarioDecide: .orgWrite
        case .personRead: .peopleRead
        case .personReadPrivate: .peopleReadPrivate
        case .assignmentCreate, .assignmentUpdate, .assignmentEnd: .assignmentsWrite
        case .grantRead, .roleRead, .userRead, .apiKeyRead: .accessRead
        case .grantCreate, .grantRevoke, .roleCreate, .roleUpdate, .roleDelete: .accessWrite
        case .ladderReplace, .tenantUpdate, .userCreate, .userUpdate, .userDisable, .userLinkPerson,
             .apiKeyCreate, .apiKeyRevoke: .tenantAdmin
        case .regionRead, .siteRead, .networkCatalogRead: .networkRead
        case .regionWrite, .siteWrite, .siteSuspend, .siteTerminate, .networkCatalogWrite: .networkWrite
        case .inspectionCreate: .networkInspect
        case .caseRead, .caseHandle, .caseForward, .caseDecideWarranty, .caseFreeRepair, .caseReopen, .caseArchive, .caseSettingsRead: .casesHandle
        case .auditRead: .auditRead
        case .platformTenants: nil
        }
    }

    /// The permission that lets a principal see this kind of target at all. A denied read of a
    /// target outside every scope of it is invisible (404); see `Denial.visible`.
    public var visibility: Permission? {
        switch self {
        case .personRead, .personReadPrivate, .personCreate, .personUpdate, .personArchive: .peopleRead
        case .grantRead, .grantCreate, .grantRevoke, .roleRead, .roleCreate, .roleUpdate, .roleDelete,
             .userRead, .userCreate, .userUpdate, .userDisable, .userLinkPerson,
             .apiKeyRead, .apiKeyCreate, .apiKeyRevoke: .accessRead
        case .regionRead, .regionWrite, .siteRead, .siteWrite, .siteSuspend, .siteTerminate, .inspectionCreate,
             .networkCatalogRead, .networkCatalogWrite: .networkRead
        case .caseRead, .caseHandle, .caseForward, .caseDecideWarranty, .caseFreeRepair, .caseReopen, .caseArchive, .caseSettingsRead: .casesHandle
        case .auditRead: .auditRead
        case .platformTenants: nil
        default: .orgRead
        }
    }

    /// True for actions that change nothing.
    public var isRead: Bool {
        switch self {
        case .unitRead, .positionRead, .personRead, .personReadPrivate, .grantRead, .roleRead,
             .ladderRead, .tenantRead, .userRead, .apiKeyRead, .regionRead, .siteRead, .caseRead,
             .networkCatalogRead, .caseSettingsRead, .auditRead: true
        default: false
        }
    }

    /// The rules beyond "holds the permission over the target" that the action is subject to.
    public var rules: Rules {
        switch self {
        case .unitCreate, .unitUpdate, .unitMove, .unitMerge, .unitArchive, .unitDelete:
            [.restructuring]
        case .positionCreate, .positionMove, .positionArchive, .personCreate, .personUpdate,
             .personArchive, .assignmentEnd, .userCreate, .userDisable, .apiKeyCreate:
            [.gradeDominance]
        case .positionUpdate, .assignmentCreate, .assignmentUpdate, .userUpdate, .userLinkPerson:
            [.gradeDominance, .noGradeRaise]
        case .grantCreate: [.delegation]
        case .grantRevoke: [.revocation]
        case .roleCreate, .roleUpdate, .roleDelete: [.roleEdit]
        case .ladderReplace: [.boardOnly, .ladderChange]
        case .tenantUpdate: [.boardOnly]
        case .scenarioDecide: [.boardOnly, .anyScope]
        case .platformTenants: [.platformOnly]
        case .ladderRead, .tenantRead, .roleRead, .networkCatalogRead, .caseSettingsRead: [.anyScope]
        case .siteSuspend, .siteTerminate, .inspectionCreate, .caseFreeRepair: [.tenantTier]
        default: []
        }
    }

    /// True for the actions whose target has a second location (`Target.destination`).
    public var needsDestination: Bool {
        self == .unitMove || self == .unitMerge || self == .positionMove
    }

    /// The rules an action can be subject to; each is explained where it is enforced.
    public struct Rules: OptionSet, Hashable, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        /// The actor strictly outranks every grade the target carries or is given (Evaluation+GradeDominance).
        public static let gradeDominance = Rules(rawValue: 1 << 0)
        /// Nobody raises their own grade, nor activates roles beyond their reach (Evaluation+GradeRaise).
        public static let noGradeRaise = Rules(rawValue: 1 << 1)
        /// Structural unit changes need org.restructure and a board tier (Evaluation+Restructuring).
        public static let restructuring = Rules(rawValue: 1 << 2)
        /// Grants stay within the grantor's reach, never to oneself (Evaluation+Delegation).
        public static let delegation = Rules(rawValue: 1 << 3)
        /// Revoking needs to be the grantor, the grantee, or to outrank the grantee (Evaluation+Delegation).
        public static let revocation = Rules(rawValue: 1 << 4)
        /// Role edits stay within the editor's tenant-wide reach (Evaluation+RoleEdit).
        public static let roleEdit = Rules(rawValue: 1 << 5)
        /// The actor's tier is at or above the tenant's restructuring tier (Evaluation+Restructuring).
        public static let boardOnly = Rules(rawValue: 1 << 6)
        /// A new ladder needs every permission tenant-wide and must not lift the actor (Evaluation+LadderChange).
        public static let ladderChange = Rules(rawValue: 1 << 7)
        /// Only platform principals (Policy.swift).
        public static let platformOnly = Rules(rawValue: 1 << 8)
        /// Tenant-wide reference data that anyone holding the permission over any scope may read:
        /// the ladder, the tenant's settings and the role definitions (Evaluation.lookup).
        public static let anyScope = Rules(rawValue: 1 << 9)
        /// The actor's tier is at or above the one the tenant set for the action: suspending or
        /// terminating a site, inspecting one (`NetworkRule`), a free repair of a human-caused
        /// fault (Evaluation+TenantTier).
        public static let tenantTier = Rules(rawValue: 1 << 10)
    }
}
