// The first rules of every decision: another tenant's target does not exist; the actor holds the
// permission through an active, unexpired grant whose scope covers the target; 404 versus 403.

import Policy
import Testing

@Suite("Permission and scope")
struct PermissionAndScopeTests {
    static let eastPosition = Doc.position("B+3", in: Doc.eastOffice, region: Doc.east)
    static let westPosition = Doc.position("B+3", in: Doc.westOffice, region: Doc.west)

    static let cases: [Case] = [
        Case(sentence: "the chairman reads a unit of his own company", actor: Doc.chairman,
             action: .unitRead, target: .unit(Doc.tenant, path: Doc.callCenter), expected: nil),
        Case(sentence: "the chairman of one company cannot see another company's unit", actor: Doc.chairman,
             action: .unitRead, target: .unit(Doc.otherTenant, path: Doc.callCenter), expected: .notFound),
        Case(sentence: "a specialist reads her call center", actor: Doc.specialist,
             action: .unitRead, target: .unit(Doc.tenant, path: Doc.consultGroup), expected: nil),
        Case(sentence: "a specialist cannot read the finance department outside her scope", actor: Doc.specialist,
             action: .unitRead, target: .unit(Doc.tenant, path: Doc.finance), expected: .scopeNotCovered),
        Case(sentence: "a specialist with a viewer role cannot change a position", actor: Doc.specialist,
             action: .positionUpdate, target: Doc.position("B+5", in: Doc.consultGroup), expected: .permissionMissing),
        Case(sentence: "a vice-director of region East changes a B+3 position in region East",
             actor: Doc.viceDirectorEast, action: .positionUpdate, target: eastPosition, expected: nil),
        Case(sentence: "a vice-director of region East cannot change a position in region West",
             actor: Doc.viceDirectorEast, action: .positionUpdate, target: westPosition, expected: .scopeNotCovered),
        Case(sentence: "a vice-director of region East changes a repair station of East",
             actor: Doc.viceDirectorEast, action: .siteWrite, target: .network(Doc.tenant, region: Doc.shanghai),
             expected: nil),
        Case(sentence: "a vice-director of region East cannot change a repair station of West",
             actor: Doc.viceDirectorEast, action: .siteWrite, target: .network(Doc.tenant, region: Doc.west),
             expected: .scopeNotCovered),
        Case(sentence: "HR reads people's private files, a viewer does not", actor: Doc.accountant,
             action: .personReadPrivate, target: .person(Doc.tenant, unit: Doc.finance, grade: Doc.grade("a2")),
             expected: .permissionMissing),
        Case(sentence: "the finance director, with HR over the tenant, reads private files", actor: Doc.financeDirector,
             action: .personReadPrivate, target: .person(Doc.tenant, unit: Doc.callCenter, grade: Doc.grade("B+5")),
             expected: nil),
        Case(sentence: "tenant-wide objects such as the audit log need a tenant-wide grant", actor: Doc.businessDirector,
             action: .auditRead, target: .tenantWide(Doc.tenant), expected: .permissionMissing),
        Case(sentence: "the auditor reads the audit log", actor: Doc.financeDirector,
             action: .auditRead, target: .tenantWide(Doc.tenant), expected: nil),
        Case(sentence: "a manager with HR over his call center reads the tenant's grade ladder", actor: Doc.manager,
             action: .ladderRead, target: .tenantWide(Doc.tenant), expected: nil),
        Case(sentence: "a manager with HR over his call center reads the role definitions", actor: Doc.manager,
             action: .roleRead, target: .tenantWide(Doc.tenant), expected: nil),
        Case(sentence: "a vice-director without access.read cannot read the role definitions", actor: Doc.viceDirectorEast,
             action: .roleRead, target: .tenantWide(Doc.tenant), expected: .permissionMissing),
        Case(sentence: "a platform operator sees nothing inside a tenant", actor: .platform(subject: SubjectID(9)),
             action: .unitRead, target: .unit(Doc.tenant, path: Doc.company), expected: .notFound),
        Case(sentence: "a platform operator manages tenants", actor: .platform(subject: SubjectID(9)),
             action: .platformTenants, target: .tenantWide(Doc.tenant), expected: nil),
        Case(sentence: "a tenant's chairman does not manage tenants", actor: Doc.chairman,
             action: .platformTenants, target: .tenantWide(Doc.tenant), expected: .platformOnly),
    ]

    @Test("who may act where", arguments: cases)
    func table(_ row: Case) {
        row.check()
    }

    @Test("a read outside every read scope is invisible (404); a private read of a visible person is 403")
    func readVisibility() {
        let outside = decide(Doc.specialist, .unitRead, .unit(Doc.tenant, path: Doc.finance), Doc.context())
        #expect(outside.denial?.visible == false)
        let privateRead = decide(Doc.accountant, .personReadPrivate,
                                 .person(Doc.tenant, unit: Doc.finance, grade: Doc.grade("a2")), Doc.context())
        #expect(privateRead.denial?.visible == true)
        #expect(privateRead.denial?.values["permission"] == "people.read_private")
    }

    @Test("a change outside every scope of an actor who can read such objects somewhere is 403, not 404")
    func writeVisibility() {
        let denial = decide(Doc.viceDirectorEast, .positionUpdate, Self.westPosition, Doc.context()).denial
        #expect(denial?.code == .scopeNotCovered)
        #expect(denial?.visible == true)
        let stranger = Doc.person(600, "B+1", [(Doc.regionalManager, .region(Doc.east))])
        let hidden = decide(stranger, .auditRead, .tenantWide(Doc.tenant), Doc.context()).denial
        #expect(hidden?.visible == false)
    }

    @Test("another tenant's target is answered exactly like a missing one")
    func otherTenant() {
        let denial = decide(Doc.chairman, .positionUpdate, .position(Doc.otherTenant, unit: Doc.callCenter,
                                                                      grade: Doc.grade("B+5")), Doc.context()).denial
        #expect(denial == .notFound)
        #expect(denial?.visible == false)
        #expect(denial?.values.isEmpty == true)
    }

    @Test("an expired grant stops working at its expiry instant")
    func expiredGrant() {
        let subject = SubjectID(610)
        let expiring = Principal(tenant: Doc.tenant, subject: subject, grade: Doc.grade("B+1"), grants: [
            Doc.grant(subject, Doc.hr, .unit(Doc.business), expires: Doc.now),
        ])
        let target = Doc.position("B+3", in: Doc.callCenter)
        #expect(decide(expiring, .positionUpdate, target, Doc.context()).denial?.code == .grantExpired)
        let earlier = PolicyContext(ladder: Doc.ladder, now: Doc.now.adding(seconds: -1))
        #expect(decide(expiring, .positionUpdate, target, earlier).isAllowed)
    }

    @Test("a role confers nothing on a holder below its minimum grade")
    func inertRole() {
        let directorsOnly = Role(id: RoleID(120), name: "Directors' HR", permissions: [.orgRead, .orgWrite],
                                 minimumGrade: Doc.grade("B+1"))
        let subject = SubjectID(611)
        let manager = Principal(tenant: Doc.tenant, subject: subject, grade: Doc.grade("B+3"),
                                grants: [Doc.grant(subject, directorsOnly, .unit(Doc.business))])
        let denial = decide(manager, .positionUpdate, Doc.position("B+5", in: Doc.callCenter), Doc.context()).denial
        #expect(denial?.code == .roleMinGradeNotMet)
        #expect(manager.inertGrants.count == 1 && manager.effectiveGrants(at: Doc.now).isEmpty)
    }

    @Test("an allowed decision names the grant that allowed it")
    func allowedBy() {
        let decision = decide(Doc.manager, .positionUpdate, Doc.position("B+5", in: Doc.consultGroup), Doc.context())
        #expect(decision == .allow(by: Doc.manager.grants[0]))
    }

    @Test("grants of another subject handed to a principal are ignored")
    func foreignGrants() {
        let subject = SubjectID(612)
        let impostor = Principal(tenant: Doc.tenant, subject: subject, grade: Doc.grade("B+5"),
                                 grants: Doc.chairman.grants)
        #expect(impostor.grants.isEmpty)
        #expect(!impostor.isTenantAdmin(at: Doc.now))
        #expect(Doc.chairman.isTenantAdmin(at: Doc.now))
    }

    @Test("a target missing a fact its action needs is refused, not guessed")
    func incomplete() {
        let move = Target.unit(Doc.tenant, path: Doc.consultGroup)
        let denial = decide(Doc.chairman, .unitMove, move, Doc.context()).denial
        #expect(denial?.code == .targetIncomplete)
        #expect(denial?.values["missing"] == "destination.unit")
    }
}
