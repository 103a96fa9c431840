// The permission catalog, the default roles, ids and scopes: the stable names other modules and
// stored rows depend on.

import Policy
import Testing

@Suite("Catalog")
struct CatalogTests {
    @Test("the permission catalog has its fourteen stable names, each described, new ones at the end")
    func catalog() {
        #expect(Permission.allCases.map(\.rawValue) == [
            "org.read", "org.write", "org.restructure", "people.read", "people.read_private",
            "assignments.write", "access.read", "access.write", "network.read", "network.write",
            "cases.handle", "audit.read", "tenant.admin", "network.inspect",
        ])
        #expect(Permission.allCases.allSatisfy { !$0.summary.isEmpty })
        #expect(PermissionSet.all.count == 14)
    }

    @Test("permission names parse back, and an unknown name is refused by name")
    func permissionNames() throws {
        let set = try PermissionSet(names: ["org.read", "people.read_private"])
        #expect(set == [.orgRead, .peopleReadPrivate])
        #expect(set.names == ["org.read", "people.read_private"])
        #expect(throws: PolicyError.permissionUnknown("org.delete")) { try PermissionSet(names: ["org.delete"]) }
    }

    @Test("a new tenant gets administrator, HR, regional manager, auditor and viewer")
    func defaultRoles() {
        #expect(DefaultRoles.all.map(\.key) == ["administrator", "hr", "regional_manager", "auditor", "viewer"])
        #expect(DefaultRoles.administrator.permissions == .all)
        #expect(DefaultRoles.hr.permissions == [.orgRead, .orgWrite, .peopleRead, .peopleReadPrivate,
                                                .assignmentsWrite, .accessRead])
        #expect(DefaultRoles.regionalManager.permissions == [.orgRead, .peopleRead, .networkRead,
                                                             .networkWrite, .networkInspect, .casesHandle])
        #expect(DefaultRoles.auditor.permissions == [.orgRead, .peopleRead, .accessRead, .auditRead, .networkRead])
        #expect(DefaultRoles.viewer.permissions == [.orgRead, .peopleRead, .networkRead])
    }

    @Test("every action names a catalog permission except the platform's, and action names are unique")
    func actions() {
        #expect(Set(Action.allCases.map(\.rawValue)).count == Action.allCases.count)
        #expect(Action.allCases.filter { $0.permission == nil } == [.platformTenants])
    }

    @Test("a UUID parses to its 128 bits and prints back in lowercase")
    func uuid() {
        let id = EntityID(uuid: "0190F3A2-7B1C-7DEF-8123-456789ABCDEF")
        #expect(id == EntityID(high: 0x0190_F3A2_7B1C_7DEF, low: 0x8123_4567_89AB_CDEF))
        #expect(id?.description == "0190f3a2-7b1c-7def-8123-456789abcdef")
        #expect(EntityID(uuid: "0190f3a2-7b1c-7def-8123-456789abcde") == nil)
        #expect(EntityID(uuid: "0190f3a2+7b1c-7def-8123-456789abcdef") == nil)
        #expect(EntityID(uuid: "0190f3a2-7b1c-7def-8123-456789abcdeg") == nil)
    }

    @Test("a unit scope covers its subtree and nothing beside or above it")
    func unitScopes() {
        let scope = Scope.unit(Doc.business)
        #expect(scope.covers(Location(unit: Doc.business)))
        #expect(scope.covers(Location(unit: Doc.consultGroup)))
        #expect(!scope.covers(Location(unit: Doc.finance)))
        #expect(!scope.covers(Location(unit: Doc.company)))
        #expect(!scope.covers(Location(region: Doc.east)))
        #expect(!scope.covers(.tenantWide))
        #expect(scope.covers(.unit(Doc.callCenter)) && !scope.covers(.unit(Doc.company)))
        #expect(!scope.covers(.tenant) && !scope.covers(.region(Doc.east)))
    }

    @Test("a region scope covers its subregions, and only the tenant scope covers tenant-wide objects")
    func regionScopes() {
        let scope = Scope.region(Doc.east)
        #expect(scope.covers(Location(unit: Doc.eastOffice, region: Doc.shanghai)))
        #expect(!scope.covers(Location(unit: Doc.westOffice, region: Doc.west)))
        #expect(!scope.covers(Location(unit: Doc.eastOffice)))
        #expect(Scope.tenant.covers(.tenantWide) && Scope.tenant.covers(.region(Doc.east)))
        for scope in [Scope.tenant, .unit(Doc.business), .region(Doc.east)] {
            for other in [Scope.tenant, .unit(Doc.callCenter), .unit(Doc.finance), .region(Doc.shanghai)] {
                #expect(scope.covers(other) == scope.covers(other.location))
            }
        }
    }
}
