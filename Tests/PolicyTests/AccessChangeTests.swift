// Role edits, ladder replacement and the last administrator: changes that alter many people's
// access at once stay within the editor's own tenant-wide reach.

import Policy
import Testing

@Suite("Roles, ladder and administrators")
struct AccessChangeTests {
    static let hrAdmin = Doc.person(680, "A2", [(Role(id: RoleID(150), name: "HR admin",
        permissions: DefaultRoles.hr.permissions.union([.accessWrite])), .tenant)])

    static func edit(_ role: Role, adding: [Permission] = [], minimum: String? = nil,
                     removesAdmins: Int = 0) -> Target {
        var after = role
        for permission in adding { after.permissions.insert(permission) }
        after.minimumGrade = minimum.map(Doc.grade) ?? role.minimumGrade
        return .role(Doc.tenant, RoleChange(before: role, after: after), removesTenantAdmins: removesAdmins)
    }

    static let shuffled = try! GradeLadder(tiers: [.init("A+", levels: 9), .init("a", levels: 2),
                                                  .init("A", levels: 2), .init("B+", levels: 5)])
    static let widened = try! GradeLadder(tiers: [.init("A+", levels: 9), .init("A", levels: 3),
                                                 .init("a", levels: 2), .init("B+", levels: 6)])

    static let cases: [Case] = [
        Case(sentence: "an HR administrator cannot edit the auditor role, whose audit.read she lacks", actor: hrAdmin,
             action: .roleUpdate, target: edit(Doc.auditor, adding: [.peopleReadPrivate]), expected: .roleEditExceedsActor),
        Case(sentence: "an HR administrator edits the HR role she holds in full", actor: hrAdmin,
             action: .roleUpdate, target: edit(Doc.hr), expected: nil),
        Case(sentence: "an HR administrator cannot add tenant.admin to the HR role", actor: hrAdmin,
             action: .roleUpdate, target: edit(Doc.hr, adding: [.tenantAdmin]), expected: .roleEditExceedsActor),
        Case(sentence: "a unit administrator cannot edit roles, which reach the whole tenant",
             actor: Doc.person(681, "A2", [(Doc.administrator, .unit(Doc.business))]),
             action: .roleUpdate, target: edit(Doc.viewer), expected: .scopeNotCovered),
        Case(sentence: "the chairman creates a role", actor: Doc.chairman, action: .roleCreate,
             target: .role(Doc.tenant, RoleChange(before: nil, after: Doc.regionalHR)), expected: nil),
        Case(sentence: "nobody edits a role whose minimum grade they miss",
             actor: Doc.person(682, "B+1", [(Doc.administrator, .tenant)]), action: .roleUpdate,
             target: edit(Doc.viewer, minimum: "A1"), expected: .roleMinGradeNotMet),
        Case(sentence: "removing tenant.admin from the last administrator's role is refused", actor: Doc.chairman,
             action: .roleUpdate, target: .role(Doc.tenant, RoleChange(before: Doc.administrator, after: Role(
                id: Doc.administrator.id, name: "Administrator", permissions: PermissionSet.all.subtracting([.tenantAdmin]))),
                removesTenantAdmins: 2),
             expected: .lastAdmin),
        Case(sentence: "the chairman disables another administrator while one remains", actor: Doc.chairman,
             action: .userDisable, target: Target(tenant: Doc.tenant, location: .tenantWide, grade: Doc.grade("A1"),
                                                  removesTenantAdmins: 1), expected: nil),
        Case(sentence: "the chairman widens the ladder", actor: Doc.chairman, action: .ladderReplace,
             target: Target(tenant: Doc.tenant, location: .tenantWide, newLadder: widened), expected: nil),
        Case(sentence: "the A1 president cannot replace the ladder", actor: Doc.president, action: .ladderReplace,
             target: Target(tenant: Doc.tenant, location: .tenantWide, newLadder: widened),
             expected: .restructureRequiresTier),
        Case(sentence: "an A2 administrator, allowed to restructure, cannot swap tiers a and A to lift a1 over A2",
             actor: Doc.person(683, "A2", [(Doc.administrator, .tenant)]), action: .ladderReplace,
             target: Target(tenant: Doc.tenant, location: .tenantWide, newLadder: shuffled), expected: .ladderReranksActor,
             context: Doc.context(restructure: try! RestructureRule(ladder: Doc.ladder, actorTier: "A", unitTier: "A"))),
        Case(sentence: "replacing the ladder needs every permission over the whole tenant",
             actor: Doc.person(684, "A+2", [(Role(id: RoleID(151), name: "Ladder keeper", permissions: [.tenantAdmin, .orgRead]),
                                             .tenant)]),
             action: .ladderReplace, target: Target(tenant: Doc.tenant, location: .tenantWide, newLadder: widened),
             expected: .permissionMissing),
    ]

    @Test("access changes stay within the editor's reach", arguments: cases)
    func table(_ row: Case) {
        row.check()
    }
}
