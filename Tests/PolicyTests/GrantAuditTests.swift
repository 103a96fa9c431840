// Grant audit: after a grantor is demoted, loses a grant or leaves, the grants it made that now
// exceed its reach are reported with the reason.

import Policy
import Testing

@Suite("Grant audit")
struct GrantAuditTests {
    static let grantorID = SubjectID(700)
    static let directorsRole = Role(id: RoleID(160), name: "Directors' viewer", permissions: [.orgRead],
                                    minimumGrade: Doc.grade("B+1"))
    static let madeByGrantor = [
        Doc.grant(SubjectID(701), Doc.viewer, .unit(Doc.callCenter), by: grantorID, id: 1),
        Doc.grant(SubjectID(702), Doc.viewer, .unit(Doc.finance), by: grantorID, id: 2),
        Doc.grant(SubjectID(703), directorsRole, .unit(Doc.business), by: grantorID, id: 3),
        Doc.grant(SubjectID(704), Doc.viewer, .tenant, id: 4),
    ]

    static func grantor(grade: String, scope: Scope) -> Principal {
        Principal(tenant: Doc.tenant, subject: grantorID, grade: Doc.grade(grade),
                  grants: [Doc.grant(grantorID, Doc.administrator, scope)])
    }

    @Test("a grantor who still reaches everything it granted leaves nothing to report")
    func nothingExceeds() {
        let found = GrantAudit.exceeding(Self.madeByGrantor, grantors: [Self.grantorID: Self.grantor(grade: "A2", scope: .tenant)],
                                         tenant: Doc.tenant, Doc.context())
        #expect(found.isEmpty)
    }

    @Test("a grantor narrowed to the business department exceeds its finance grant")
    func lostScope() {
        let found = GrantAudit.exceeding(Self.madeByGrantor,
                                         grantors: [Self.grantorID: Self.grantor(grade: "A2", scope: .unit(Doc.business))],
                                         tenant: Doc.tenant, Doc.context())
        #expect(found.map(\.grant.id) == [GrantID(2)])
        #expect(found.first?.denial.code == .delegationExceedsGrantor)
    }

    @Test("a grantor demoted below a role's minimum grade exceeds the grants of that role")
    func demoted() {
        let found = GrantAudit.exceeding(Self.madeByGrantor, grantors: [Self.grantorID: Self.grantor(grade: "B+3", scope: .tenant)],
                                         tenant: Doc.tenant, Doc.context())
        #expect(found.map(\.grant.id) == [GrantID(3)])
        #expect(found.first?.denial.code == .roleMinGradeNotMet)
        #expect(found.first?.denial.values["grantor"] == "B+3")
    }

    @Test("a grant to someone at or above the grantor's grade is reported, as made before the rule or since the grantee's promotion")
    func granteeNotBelow() {
        let grantees: [SubjectID: Principal] = [
            Self.grantorID: Self.grantor(grade: "B+1", scope: .tenant),
            SubjectID(701): Doc.person(701, "B+3", []),
            SubjectID(702): Doc.person(702, "A+1", []),
        ]
        let found = GrantAudit.exceeding(Self.madeByGrantor, grantors: grantees, tenant: Doc.tenant, Doc.context())
        #expect(found.map(\.grant.id) == [GrantID(2)])
        #expect(found.first?.denial.description == "GRADE_NOT_ABOVE_TARGET {grantee: A+1, grantor: B+1}")
    }

    @Test("a grantor who is gone exceeds every grant it made; system grants are never reported")
    func gone() {
        let found = GrantAudit.exceeding(Self.madeByGrantor, grantors: [:], tenant: Doc.tenant, Doc.context())
        #expect(found.map(\.grant.id) == [GrantID(1), GrantID(2), GrantID(3)])
        #expect(found.allSatisfy { $0.denial.code == .grantorGone })
    }
}
