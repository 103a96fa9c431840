// /v1/users: a tenant's accounts. Creating, changing and disabling users needs tenant.admin and
// a grade above the user's (its effective grade: its own or its linked person's highest post) and
// above the grade it is created at or given; linking an account to a person is
// `user.link_person`. Every change is audited before and after.

import App
import Foundation
import HTTP
import Policy
import Postgres
import Tenancy

package enum UserRoutes {
    /// The tenant's users in id order, with their effective grades under the tenant's ladder.
    package static let list = DeclaredList.paged(
        .userRead, resource: "user",
        fetch: { connection, after, limit in try await UserStore.list(connection, after: after, limit: limit) },
        cursor: { $0.id }, write: { call, user, json in user.write(to: &json, ladder: call.caller.ladder) })

    /// One user; 403 (without access.read) before 404.
    package static let read = Endpoint<NoBody, String, User>(
        tenantWide: .userRead, resource: "user", find: { try await UserStore.find($0, id: $1) },
        encode: { call, user in HTTPResponse(status: 200, contentType: "application/json", body: user.json(call.caller.ladder)) })

    package struct CreateBody: Decodable {
        package var login: String
        package var display_name: String
        package var password: String?
        package var grade: String?
    }

    /// Hand-written, not a declared Endpoint: the password is hashed (scrypt, off the loop) after
    /// the decision and before the transaction, so that no pooled connection waits on it.
    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
        try TenantStore.validateLogin(body.login)
        try validateDisplayName(body.display_name)
        if let password = body.password { try validatePassword(password) }
        let grade = try body.grade.map { try caller.ladder.grade($0) }
        var target = Target.tenantWide(caller.tenant)
        target.grade = grade
        try await context.authorize(caller, .userCreate, target, resource: "user", id: nil)
        let hash: String? = if let password = body.password { await HashingPool.shared.run { PasswordHasher().hash(password) } } else { nil }
        let user = try await context.transaction(caller) { connection in
            guard let user = try await UserStore.create(connection, tenant: caller.tenantID!, login: body.login,
                                                        displayName: body.display_name, passwordHash: hash, grade: body.grade) else {
                throw Problem.conflict("USER_LOGIN_TAKEN", "login \(body.login) is already used in this tenant")
            }
            try await Audit.record(connection, context, caller, action: "user.create", resource: "user",
                                   id: user.id, after: user.json(caller.ladder))
            return user
        }
        var response = HTTPResponse(status: 201, contentType: "application/json", body: user.json(caller.ladder))
        response.headers.add("Location", "/v1/users/\(user.id)")
        return response
    }

    package struct UpdateBody: Decodable {
        package var display_name: String?
        package var grade: String??          // absent: unchanged; null: cleared; a string: set
        package var person_id: String??      // absent: unchanged; null: unlinked; an id: linked to that person

        package enum CodingKeys: String, CodingKey { case display_name, grade, person_id }

        // The synthesised decoder reads `"grade": null` as absent; clearing needs it kept.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            display_name = try container.decodeIfPresentNotNull(String.self, forKey: .display_name)
            if container.contains(.grade) {
                grade = .some(try container.decodeNil(forKey: .grade) ? nil : try container.decode(String.self, forKey: .grade))
            }
            if container.contains(.person_id) {
                person_id = .some(try container.decodeNil(forKey: .person_id) ? nil : try container.decode(String.self, forKey: .person_id))
            }
        }
    }

    /// Changes the display name and grade (`user.update`) and the linked person (`user.link_person`,
    /// see UserRoutes+PersonLink); a body with only `person_id` is decided as a link alone.
    ///
    /// Hand-written, not a declared Endpoint: it may take two decisions (the update and the link),
    /// and the link's needs the tenant's administrator count, which Endpoint does not pass.
    package static func update(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "user")
        let body = try context.body(UpdateBody.self)
        if let name = body.display_name { try validateDisplayName(name) }
        let newGrade = try body.grade.flatMap { $0 }.map { try caller.ladder.grade($0) }
        let person = try body.person_id.map { try $0.map(validPersonID) }
        let (response, relinked) = try await context.transaction(caller) { connection in
            guard let before = try await UserStore.find(connection, id: id, forUpdate: true) else { throw Problem.notFound("user") }
            // A body that changes nothing (or names the person already linked) is decided as user.update.
            let relinks = person.map { $0 != before.personID } ?? false
            let updatesAccount = body.display_name != nil || body.grade != nil || !relinks
            if updatesAccount {
                var target = Target.tenantWide(caller.tenant)
                target.grade = before.grades(caller.ladder).grade
                target.newGrade = newGrade
                // A new grade may raise the account and wake its dormant roles (Evaluation+GradeRaise).
                if newGrade != nil, let account = try await LinkedAccounts.user(id, connection) {
                    target.affected = LinkedAccounts.principals([account], caller)
                }
                try await context.authorize(caller, .userUpdate, target, resource: "user", id: id)
            }
            if relinks { try await authorizeLink(context, caller, connection, user: id, to: person!) }
            let after = try await UserStore.update(connection, id: id, displayName: body.display_name, setGrade: body.grade != nil,
                                                   grade: body.grade.flatMap { $0 }, relink: relinks, person: person ?? nil)!
            if relinks { try await AccessStore.notifyAccessChanged(connection) }
            try await Audit.record(connection, context, caller, action: updatesAccount ? "user.update" : "user.link_person",
                                   resource: "user", id: id, before: before.json(caller.ladder), after: after.json(caller.ladder))
            return (HTTPResponse(status: 200, contentType: "application/json", body: after.json(caller.ladder)), relinks)
        }
        if relinked { context.resources.callers.invalidate(tenant: caller.tenantID!) }
        return response
    }

    /// Disables (and revokes every session of) or enables a user. Disabling an administrator is
    /// decided with the tenant's administrator count, under the tenant's access lock: the same
    /// count the access API protects (enabled users holding tenant.admin over the whole tenant
    /// through an active grant).
    package static func setDisabled(_ disabled: Bool) -> Endpoint<NoBody, (before: User, target: Target, admins: Int), User> {
        Endpoint(
            action: .userDisable, resource: "user",
            load: { call, connection in
                let id = try call.pathID(resource: "user")
                let caller = call.caller
                guard let before = try await UserStore.find(connection, id: id, forUpdate: true) else { throw Problem.notFound("user") }
                var target = Target.tenantWide(caller.tenant)
                target.grade = before.grades(caller.ladder).grade
                try await AccessStore.lockTenantAccess(connection)
                let subjects = try await AccessStore.subjects(connection)
                let admins = AccessStore.tenantAdminCount(subjects, tenant: caller.tenant, ladder: caller.ladder, now: .now)
                if disabled && !before.disabled,
                   let subject = subjects.first(where: { $0.id == id }),
                   subject.principal(tenant: caller.tenant, ladder: caller.ladder).isTenantAdmin(at: .now) {
                    target.removesTenantAdmins = 1
                }
                if id == caller.subjectID && disabled {
                    throw Problem(status: 409, code: "CANNOT_DISABLE_SELF", title: "Conflict", detail: "a user cannot disable their own account")
                }
                return (before, target, admins)
            },
            target: { _, loaded in loaded.target },
            targetID: { _, loaded in loaded.before.id },
            tenantAdminCount: { _, loaded in loaded.admins },
            perform: { _, loaded, connection in
                let after = try await UserStore.setDisabled(connection, id: loaded.before.id, disabled)!
                if disabled { try await SessionStore.revokeAll(connection, user: loaded.before.id) }
                return after
            },
            audit: { call, loaded, after in
                Audited(disabled ? "user.disable" : "user.enable", resource: "user", id: after.id,
                        before: loaded.before.json(call.caller.ladder), after: after.json(call.caller.ladder))
            },
            committed: { call, _ in call.context.resources.callers.invalidate(tenant: call.caller.tenantID!) },
            encode: { call, user in HTTPResponse(status: 200, contentType: "application/json", body: user.json(call.caller.ladder)) })
    }

    package struct PasswordBody: Decodable {
        package var password: String
        package var current_password: String?
    }

    /// A user changes their own password (with the current one); an administrator resets
    /// another's. Either way every session of that user is revoked.
    ///
    /// Hand-written, not a declared Endpoint: changing one's own password is self-service (no
    /// decision), and scrypt runs between two transactions so that no pooled connection waits on it.
    package static func setPassword(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "user")
        let body = try context.body(PasswordBody.self)
        try validatePassword(body.password)
        let own = id == caller.subjectID && caller.kind == .user
        let found = try await context.transaction(caller) { connection in
            try await UserStore.findWithPassword(connection, id: id)
        }
        guard let (before, storedHash) = found else { throw Problem.notFound("user") }
        if own {
            let stored = storedHash ?? PasswordHasher.decoy
            let current = body.current_password ?? ""
            guard await HashingPool.shared.run({ PasswordHasher().verify(current, against: stored) }) else {
                throw Problem.invalid("current_password", rule: "matches", "current_password is not the account's password")
            }
        } else {
            var target = Target.tenantWide(caller.tenant)
            target.grade = before.grades(caller.ladder).grade
            try await context.authorize(caller, .userUpdate, target, resource: "user", id: id)
        }
        let password = body.password
        let hash = await HashingPool.shared.run { PasswordHasher().hash(password) }
        try await context.transaction(caller) { connection in
            try await UserStore.setPasswordHash(connection, id: id, hash)
            try await SessionStore.revokeAll(connection, user: id)
            try await Audit.record(connection, context, caller, action: own ? "user.change_password" : "user.reset_password",
                                   resource: "user", id: id)
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return JSONResponse.noContent
    }

    // MARK: Rules

    package static func validateDisplayName(_ name: String) throws {
        guard (1...200).contains(name.trimmingCharacters(in: .whitespaces).unicodeScalars.count) else {
            throw Problem.invalid("display_name", rule: "length", "display_name must be 1 to 200 characters")
        }
    }

    package static func validatePassword(_ password: String) throws {
        guard (10...200).contains(password.unicodeScalars.count) else {
            throw Problem.invalid("password", rule: "length", "password must be 10 to 200 characters")
        }
    }
}
