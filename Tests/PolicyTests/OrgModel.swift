// A random in-memory organisation for the property tests: ladder, trees, posts, users, roles, grants,
// the API's operations on them, and an oracle of who holds what written without the policy's code.

import Policy

struct OrgModel: Sendable, CustomStringConvertible {
    struct Post: Sendable {
        var unit: TreePath
        var region: TreePath?
        var grade: Grade
    }

    struct User: Sendable {
        var subject: SubjectID
        var posts: [Int]                // indices into `posts`
        var account: Grade? = nil       // the account's own grade, set by an administrator
    }

    static let tenant = TenantID(1)
    static let now = Timestamp(secondsSinceEpoch: 1_750_000_000)

    var ladder: GradeLadder
    var units: [TreePath]
    var unitTiers: [Int]
    var regions: [TreePath]
    var posts: [Post]
    var users: [User]
    var roles: [Role]
    var grants: [Grant]
    var nextID: UInt64 = 10_000

    // MARK: The oracle

    /// A user's grade: the highest of the account's own grade and their posts' grades; nil without
    /// either.
    func grade(of user: Int) -> Grade? {
        var best = users[user].account
        for post in users[user].posts {
            let grade = posts[post].grade
            if best == nil || grade.outranks(best!) { best = grade }
        }
        return best
    }

    /// What a user can do, as (permission, scope) pairs: every permission of every grant whose role's
    /// minimum grade the user meets. Written from the rules, not with `Principal`.
    func reach(of user: Int) -> [(Permission, Scope)] {
        let grade = grade(of: user)
        var pairs: [(Permission, Scope)] = []
        for grant in grants where grant.subject == users[user].subject {
            if let minimum = grant.role.minimumGrade {
                guard let grade, !minimum.outranks(grade) else { continue }
            }
            for permission in Permission.allCases where grant.role.permissions.contains(permission) {
                pairs.append((permission, grant.scope))
            }
        }
        return pairs
    }

    static func covered(_ pair: (Permission, Scope), by reach: [(Permission, Scope)]) -> Bool {
        reach.contains { $0.0 == pair.0 && $0.1.covers(pair.1) }
    }

    /// How many users hold tenant.admin over the whole tenant.
    var administratorCount: Int {
        users.indices.filter { user in reach(of: user).contains { $0.0 == .tenantAdmin && $0.1 == .tenant } }.count
    }

    // MARK: Feeding the policy

    func principal(of user: Int) -> Principal {
        Principal(tenant: OrgModel.tenant, subject: users[user].subject, grade: grade(of: user), grants: grants)
    }

    func context() -> PolicyContext {
        PolicyContext(ladder: ladder, now: OrgModel.now, tenantAdminCount: administratorCount)
    }

    func location(of post: Int) -> Location {
        Location(unit: posts[post].unit, region: posts[post].region)
    }

    var description: String {
        let ladderText = ladder.tiers.map { "\($0.name)×\($0.levels)" }.joined(separator: " ")
        let userText = users.indices.map { user in
            "u\(users[user].subject.low)[\(grade(of: user).map { ladder.name(of: $0) } ?? "-")]"
        }.joined(separator: " ")
        let grantText = grants.map { "u\($0.subject.low):\($0.role.name)@\($0.scope)" }.joined(separator: " ")
        return "ladder \(ladderText); \(units.count) units; \(posts.count) posts; users \(userText); grants \(grantText)"
    }
}

// MARK: Operations

extension OrgModel {
    /// One API call by one user.
    enum Operation: Sendable, CustomStringConvertible {
        case grant(actor: Int, role: Int, scope: Scope, grantee: Int)
        case revoke(actor: Int, grant: Int)
        case editRole(actor: Int, role: Int, permissions: PermissionSet, minimum: Grade?)
        case appoint(actor: Int, user: Int, post: Int)
        case regrade(actor: Int, post: Int, grade: Grade)
        case createUser(actor: Int, grade: Grade?)
        case setGrade(actor: Int, user: Int, grade: Grade?)
        case link(actor: Int, user: Int, posts: [Int])     // to a person holding these posts

        var actor: Int {
            switch self {
            case .grant(let actor, _, _, _), .revoke(let actor, _), .editRole(let actor, _, _, _),
                 .appoint(let actor, _, _), .regrade(let actor, _, _), .createUser(let actor, _),
                 .setGrade(let actor, _, _), .link(let actor, _, _): actor
            }
        }

        var description: String {
            switch self {
            case .grant(let actor, let role, let scope, let grantee): "u#\(actor) grants role#\(role)@\(scope) to u#\(grantee)"
            case .revoke(let actor, let grant): "u#\(actor) revokes grant#\(grant)"
            case .editRole(let actor, let role, let permissions, _): "u#\(actor) sets role#\(role) to \(permissions)"
            case .appoint(let actor, let user, let post): "u#\(actor) appoints u#\(user) to post#\(post)"
            case .regrade(let actor, let post, _): "u#\(actor) regrades post#\(post)"
            case .createUser(let actor, let grade): "u#\(actor) creates an account at \(grade.map(\.description) ?? "no grade")"
            case .setGrade(let actor, let user, let grade): "u#\(actor) sets u#\(user)'s grade to \(grade.map(\.description) ?? "none")"
            case .link(let actor, let user, let posts): "u#\(actor) links u#\(user) to a person holding posts \(posts)"
            }
        }
    }

    /// The action and target the API would decide for `operation`, and the model after it.
    func request(for operation: Operation) -> (Action, Target, OrgModel) {
        var after = self
        switch operation {
        case .grant(let actor, let role, let scope, let grantee):
            let request = GrantRequest(role: roles[role], scope: scope, grantee: users[grantee].subject,
                                       granteeGrade: grade(of: grantee))
            after.grants.append(Grant(id: GrantID(nextID), subject: users[grantee].subject, role: roles[role],
                                      scope: scope, grantor: users[actor].subject))
            after.nextID += 1
            return (.grantCreate, .grant(OrgModel.tenant, request), after)
        case .revoke(_, let index):
            let grant = grants[index]
            let grantee = users.firstIndex { $0.subject == grant.subject }!
            after.grants.remove(at: index)
            let target = Target.grant(OrgModel.tenant, GrantRequest(grant, granteeGrade: grade(of: grantee)),
                                      removesTenantAdmins: max(0, administratorCount - after.administratorCount))
            return (.grantRevoke, target, after)
        case .editRole(_, let role, let permissions, let minimum):
            var edited = roles[role]
            edited.permissions = permissions
            edited.minimumGrade = minimum
            after.roles[role] = edited
            for index in after.grants.indices where after.grants[index].role.id == edited.id {
                after.grants[index].role = edited
            }
            let holders = users.indices.filter { user in grants.contains { $0.subject == users[user].subject && $0.role.id == edited.id } }
            let target = Target.role(OrgModel.tenant, RoleChange(before: roles[role], after: edited),
                                     holders: holders.map { principal(of: $0) },
                                     removesTenantAdmins: max(0, administratorCount - after.administratorCount))
            return (.roleUpdate, target, after)
        case .appoint(_, let user, let post):
            after.users[user].posts.append(post)
            let target = Target.assignment(OrgModel.tenant, unit: posts[post].unit, region: posts[post].region,
                                           positionGrade: posts[post].grade, personGrade: grade(of: user),
                                           appointee: principal(of: user))
            return (.assignmentCreate, target, after)
        case .regrade(_, let post, let grade):
            after.posts[post].grade = grade
            let holders = users.indices.filter { users[$0].posts.contains(post) }.map { principal(of: $0) }
            let target = Target(tenant: OrgModel.tenant, location: location(of: post), grade: posts[post].grade,
                                newGrade: grade, affected: holders)
            return (.positionUpdate, target, after)
        case .createUser(_, let grade):
            after.users.append(User(subject: SubjectID(nextID), posts: [], account: grade))
            after.nextID += 1
            return (.userCreate, Target(tenant: OrgModel.tenant, location: .tenantWide, grade: grade), after)
        case .setGrade(_, let user, let grade):
            after.users[user].account = grade
            let target = Target(tenant: OrgModel.tenant, location: .tenantWide, grade: self.grade(of: user),
                                newGrade: grade, affected: [principal(of: user)])
            return (.userUpdate, target, after)
        case .link(_, let user, let linked):
            after.users[user].posts = linked
            var person = self
            person.users[user].posts = linked
            person.users[user].account = nil
            let target = Target(tenant: OrgModel.tenant, location: .tenantWide, grade: person.grade(of: user),
                                personGrade: grade(of: user), affected: [principal(of: user)])
            return (.userLinkPerson, target, after)
        }
    }
}

// MARK: Random models

extension OrgModel {
    static let tierNames = ["A+", "A", "a", "B+", "C", "甲"]

    static func random<R: RandomNumberGenerator>(using rng: inout R) -> OrgModel {
        let tierCount = Int.random(in: 1...4, using: &rng)
        let names = tierNames.shuffled(using: &rng).prefix(tierCount)
        let ladder = try! GradeLadder(tiers: names.map { GradeLadder.Tier($0, levels: Int.random(in: 1...4, using: &rng)) })
        let grades = ladder.grades

        var units: [TreePath] = [[UnitID(1)]]
        for id in 2...UInt64.random(in: 3...12, using: &rng) {
            let parent = units.filter { $0.depth < 6 }.randomElement(using: &rng)!
            units.append(parent.appending(UnitID(id)))
        }
        let unitTiers = units.map { _ in Int.random(in: 0..<tierCount, using: &rng) }
        var regions: [TreePath] = [[RegionID(100)]]
        for id in 101...UInt64.random(in: 102...105, using: &rng) {
            regions.append(regions.randomElement(using: &rng)!.appending(RegionID(id)))
        }

        let posts = (0..<Int.random(in: 3...10, using: &rng)).map { _ in
            Post(unit: units.randomElement(using: &rng)!,
                 region: Bool.random(using: &rng) ? regions.randomElement(using: &rng) : nil,
                 grade: grades.randomElement(using: &rng)!)
        }
        let users = (0..<Int.random(in: 2...6, using: &rng)).map { index in
            User(subject: SubjectID(UInt64(500 + index)),
                 posts: (0..<Int.random(in: 0...2, using: &rng)).map { _ in Int.random(in: 0..<posts.count, using: &rng) })
        }

        var roles = DefaultRoles.all.enumerated().map { $0.element.role(id: RoleID(UInt64(200 + $0.offset))) }
        // Custom roles, most with a minimum grade: where partial permission sets and dormant grants
        // (the indirect escalation paths) come from.
        let defaults = roles.count
        for index in 0..<Int.random(in: 1...3, using: &rng) {
            roles.append(Role(id: RoleID(UInt64(300 + index)), name: "custom\(index)",
                              permissions: randomPermissions(using: &rng),
                              minimumGrade: Int.random(in: 0..<5, using: &rng) < 3 ? grades.randomElement(using: &rng) : nil))
        }

        var model = OrgModel(ladder: ladder, units: units, unitTiers: unitTiers, regions: regions, posts: posts,
                             users: users, roles: roles, grants: [])
        for user in users.indices {
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let grantor = Bool.random(using: &rng) ? users.randomElement(using: &rng)!.subject : nil
                model.grants.append(Grant(id: GrantID(model.nextID), subject: users[user].subject,
                                          role: Bool.random(using: &rng) ? roles[defaults...].randomElement(using: &rng)!
                                                                         : roles.randomElement(using: &rng)!,
                                          scope: model.randomScope(using: &rng),
                                          grantor: grantor))
                model.nextID += 1
            }
        }
        return model
    }

    static func randomPermissions<R: RandomNumberGenerator>(using rng: inout R) -> PermissionSet {
        PermissionSet(Permission.allCases.filter { _ in Int.random(in: 0..<5, using: &rng) < 2 })
    }

    func randomScope<R: RandomNumberGenerator>(using rng: inout R) -> Scope {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<4: .tenant
        case 4..<7: .unit(units.randomElement(using: &rng)!)
        default: .region(regions.randomElement(using: &rng)!)
        }
    }

    func randomOperation<R: RandomNumberGenerator>(using rng: inout R) -> Operation {
        // Mostly users who hold something, so that a fair share of operations is allowed.
        let holders = users.indices.filter { user in grants.contains { $0.subject == users[user].subject } }
        let actor = Int.random(in: 0..<4, using: &rng) > 0 && !holders.isEmpty
            ? holders.randomElement(using: &rng)! : Int.random(in: 0..<users.count, using: &rng)
        let user = Int.random(in: 0..<users.count, using: &rng)
        switch Int.random(in: 0..<24, using: &rng) {
        case 0..<5:
            return .grant(actor: actor, role: Int.random(in: 0..<roles.count, using: &rng),
                          scope: randomScope(using: &rng), grantee: user)
        case 5..<7 where !grants.isEmpty:
            return .revoke(actor: actor, grant: Int.random(in: 0..<grants.count, using: &rng))
        case 7..<11:
            let role = Int.random(in: 0..<roles.count, using: &rng)
            var permissions = roles[role].permissions
            for permission in Permission.allCases where Int.random(in: 0..<3, using: &rng) == 0 {
                if permissions.contains(permission) { permissions.remove(permission) } else { permissions.insert(permission) }
            }
            let minimum = switch Int.random(in: 0..<4, using: &rng) {
            case 0: ladder.grades.randomElement(using: &rng)
            case 1: nil as Grade?
            default: roles[role].minimumGrade
            }
            return .editRole(actor: actor, role: role, permissions: permissions, minimum: minimum)
        case 11..<15:
            return .regrade(actor: actor, post: Int.random(in: 0..<posts.count, using: &rng),
                            grade: ladder.grades.randomElement(using: &rng)!)
        case 20:
            return .createUser(actor: actor, grade: Bool.random(using: &rng) ? ladder.grades.randomElement(using: &rng) : nil)
        case 21:
            return .setGrade(actor: actor, user: user, grade: Int.random(in: 0..<4, using: &rng) > 0
                             ? ladder.grades.randomElement(using: &rng) : nil)
        case 22:
            return .link(actor: actor, user: user,
                         posts: (0..<Int.random(in: 0...2, using: &rng)).map { _ in Int.random(in: 0..<posts.count, using: &rng) })
        default:
            return .appoint(actor: actor, user: user, post: Int.random(in: 0..<posts.count, using: &rng))
        }
    }

    /// A random target for `action` somewhere in the model (sometimes in another tenant, sometimes
    /// with facts the fast paths must hand back to the rules).
    func randomTarget<R: RandomNumberGenerator>(for action: Action, using rng: inout R) -> Target {
        let grades = ladder.grades
        func maybeGrade() -> Grade? { Bool.random(using: &rng) ? grades.randomElement(using: &rng) : nil }
        let location: Location = switch Int.random(in: 0..<5, using: &rng) {
        case 0: .tenantWide
        case 1: Location(region: regions.randomElement(using: &rng))
        default: Location(unit: units.randomElement(using: &rng),
                          region: Bool.random(using: &rng) ? regions.randomElement(using: &rng) : nil)
        }
        var target = Target(tenant: Int.random(in: 0..<8, using: &rng) == 0 ? TenantID(2) : OrgModel.tenant,
                            location: location, grade: maybeGrade(), personGrade: maybeGrade(),
                            unitTier: Bool.random(using: &rng) ? Int.random(in: 0..<ladder.tiers.count, using: &rng) : nil)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: target.destination = Location(unit: units.randomElement(using: &rng))
        case 1: target.newGrade = grades.randomElement(using: &rng)
        case 2: target.affected = [principal(of: Int.random(in: 0..<users.count, using: &rng))]
        default: break
        }
        return target
    }
}
