// The company of the source document as policy fixtures: its ladder, its unit and region trees,
// and its people with the grades the document gives them (chairman A+1 … specialist B+5).

import Policy
import Testing

enum Doc {
    static let ladder = GradeLadder.standard
    static let tenant = TenantID(1)
    static let otherTenant = TenantID(2)
    static let now = Timestamp(secondsSinceEpoch: 1_750_000_000)

    static func grade(_ text: String) -> Grade { try! ladder.parse(text) }
    static func tier(_ name: String) -> Int { ladder.tierIndex(named: name)! }

    static func context(admins: Int = 2, restructure: RestructureRule? = nil) -> PolicyContext {
        PolicyContext(ladder: ladder, restructure: restructure, now: now, tenantAdminCount: admins)
    }

    // Units: the company at the root; the board, the president's office, the assistant and the
    // business departments under it; the call center and after-sales deeper in business.
    static let company: TreePath = [UnitID(10)]
    static let board = company.appending(UnitID(11))
    static let presidentsOffice = company.appending(UnitID(12))
    static let finance = company.appending(UnitID(13))
    static let legal = company.appending(UnitID(14))
    static let business = company.appending(UnitID(15))
    static let callCenter = business.appending(UnitID(16))
    static let consultGroup = callCenter.appending(UnitID(17))
    static let afterSales = business.appending(UnitID(18))
    static let eastOffice = afterSales.appending(UnitID(19))
    static let westOffice = afterSales.appending(UnitID(20))
    static let eastRepairTeam = eastOffice.appending(UnitID(21))

    // Regions: China, with East (and Shanghai inside it) and West.
    static let china: TreePath = [RegionID(70)]
    static let east = china.appending(RegionID(71))
    static let west = china.appending(RegionID(72))
    static let shanghai = east.appending(RegionID(73))

    // Roles: the five defaults, and a regional HR role for vice-directors.
    static let administrator = DefaultRoles.administrator.role(id: RoleID(100))
    static let hr = DefaultRoles.hr.role(id: RoleID(101))
    static let regionalManager = DefaultRoles.regionalManager.role(id: RoleID(102))
    static let auditor = DefaultRoles.auditor.role(id: RoleID(103))
    static let viewer = DefaultRoles.viewer.role(id: RoleID(104))
    static let regionalHR = Role(id: RoleID(105), name: "Regional HR",
                                 permissions: [.orgRead, .orgWrite, .peopleRead, .assignmentsWrite])

    static func grant(_ subject: SubjectID, _ role: Role, _ scope: Scope, expires: Timestamp? = nil,
                      by grantor: SubjectID? = nil, id: UInt64 = 0) -> Grant {
        Grant(id: GrantID(id == 0 ? subject.low * 100 + role.id.low : id), subject: subject, role: role,
              scope: scope, expiresAt: expires, grantor: grantor)
    }

    static func person(_ id: UInt64, _ grade: String?, _ grants: [(Role, Scope)], tenant: TenantID = tenant,
                       kind: Principal.Kind = .user) -> Principal {
        let subject = SubjectID(id)
        return Principal(tenant: tenant, subject: subject, kind: kind, grade: grade.map(Doc.grade),
                         grants: grants.map { grant(subject, $0.0, $0.1) })
    }

    // The document's people, with the access their post suggests.
    static let chairman = person(501, "A+1", [(administrator, .tenant)])
    static let president = person(502, "A1", [(administrator, .tenant)])
    static let financeDirector = person(503, "A2", [(hr, .tenant), (auditor, .tenant)])
    static let legalManager = person(504, "a1", [(hr, .unit(legal))])
    static let accountant = person(505, "a2", [(viewer, .unit(finance))])
    static let businessDirector = person(506, "B+1", [(hr, .unit(business)), (viewer, .tenant)])
    static let viceDirectorEast = person(507, "B+2", [(regionalManager, .region(east)), (regionalHR, .region(east))])
    static let manager = person(508, "B+3", [(hr, .unit(callCenter))])
    static let specialist = person(509, "B+5", [(viewer, .unit(callCenter))])
    static let everyone = [chairman, president, financeDirector, legalManager, accountant, businessDirector,
                           viceDirectorEast, manager, specialist]

    /// A position in `unit` (and `region`) at `grade`.
    static func position(_ grade: String?, in unit: TreePath, region: TreePath? = nil,
                         holders: [Principal] = []) -> Target {
        .position(tenant, unit: unit, region: region, grade: grade.map(Doc.grade), holders: holders)
    }
}

/// One row of a table-driven test: a sentence, who acts, what on, and the expected outcome.
struct Case: Sendable, CustomTestStringConvertible {
    let sentence: String
    let actor: Principal
    let action: Action
    let target: Target
    let expected: DenialCode?           // nil: allowed
    var context: PolicyContext = Doc.context()

    var testDescription: String { sentence }
}

extension Case {
    /// Decides the case and checks the outcome, reporting the denial when it differs.
    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        let decision = decide(actor, action, target, context)
        #expect(decision.denial?.code == expected, "\(sentence): \(decision)", sourceLocation: sourceLocation)
    }
}
