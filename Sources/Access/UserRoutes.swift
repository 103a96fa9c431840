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
    package static let columns = """
        id::text AS id, login, display_name, grade, person_id::text AS person_id, disabled, is_founder,
        \(EffectiveGrade.postGradesSQL(person: "users.person_id")) AS post_grades,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
        to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at
        """

    /// The account's own grade and its linked person's posts' grade, from a row of `columns`.
    package static func grades(_ row: PGRow, _ ladder: GradeLadder) -> EffectiveGrade {
        EffectiveGrade(account: row.string("grade"), founder: row.bool("is_founder") ?? false,
                       postGrades: StoredValues.array(row.string("post_grades")), ladder: ladder)
    }

    /// A user as JSON without `effective_grade` (the manageable-users list, which has no ladder at hand).
    package static func write(_ row: PGRow, to json: inout JSONWriter) {
        write(row, ladder: nil, to: &json)
    }

    /// A user as JSON; with the tenant's ladder also its `effective_grade` and `grade_from`.
    package static func write(_ row: PGRow, ladder: GradeLadder?, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("login", row.string("login"))
        json.field("display_name", row.string("display_name"))
        json.field("grade", row.string("is_founder") == "t" ? "founder" : row.string("grade"))
        if let ladder { grades(row, ladder).write(to: &json, ladder: ladder) }
        json.field("person_id", row.string("person_id"))
        json.field("disabled", row.bool("disabled") ?? false)
        json.field("created_at", row.string("created_at"))
        json.field("updated_at", row.string("updated_at"))
        json.endObject()
    }

    package static func json(_ row: PGRow, _ ladder: GradeLadder) -> [UInt8] {
        var json = JSONWriter()
        write(row, ladder: ladder, to: &json)
        return json.bytes
    }

    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        try await context.authorize(caller, .userRead, .tenantWide(caller.tenant), resource: "user", id: nil)
        let page = try Page(context)
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT \(columns) FROM users WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY users.id LIMIT $2
                """, [page.after, page.limit + 1])
        }
        return page.response(rows) { row, json in write(row, ladder: caller.ladder, to: &json) }
    }

    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "user")
        try await context.authorize(caller, .userRead, .tenantWide(caller.tenant), resource: "user", id: id)
        let row = try await context.transaction(caller) { connection in
            try await connection.query("SELECT \(columns) FROM users WHERE id = $1::uuid", [id]).first
        }
        guard let row else { throw Problem.notFound("user") }
        return HTTPResponse(status: 200, contentType: "application/json", body: json(row, caller.ladder))
    }

    package struct CreateBody: Decodable {
        package var login: String
        package var display_name: String
        package var password: String?
        package var grade: String?
    }

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
        let row = try await context.transaction(caller) { connection in
            let inserted: PGResult
            do {
                inserted = try await connection.query("""
                    INSERT INTO users (tenant_id, login, display_name, password_hash, grade)
                    VALUES ($1::uuid, $2, $3, $4, $5) RETURNING \(columns)
                    """, [caller.tenantID!, body.login, body.display_name, hash, body.grade])
            } catch {
                guard (error as? PGError)?.isUniqueViolation == true else { throw error }
                throw Problem.conflict("USER_LOGIN_TAKEN", "login \(body.login) is already used in this tenant")
            }
            let row = inserted[0]
            try await Audit.record(connection, context, caller, action: "user.create", resource: "user",
                                   id: row.string("id"), after: json(row, caller.ladder))
            return row
        }
        var response = HTTPResponse(status: 201, contentType: "application/json", body: json(row, caller.ladder))
        response.headers.add("Location", "/v1/users/\(row.string("id") ?? "")")
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
    package static func update(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "user")
        let body = try context.body(UpdateBody.self)
        if let name = body.display_name { try validateDisplayName(name) }
        let newGrade = try body.grade.flatMap { $0 }.map { try caller.ladder.grade($0) }
        let person = try body.person_id.map { try $0.map(validPersonID) }
        let (response, relinked) = try await context.transaction(caller) { connection in
            guard let before = try await connection.query("SELECT \(columns) FROM users WHERE id = $1::uuid FOR UPDATE", [id]).first else {
                throw Problem.notFound("user")
            }
            // A body that changes nothing (or names the person already linked) is decided as user.update.
            let relinks = person.map { $0 != before.string("person_id") } ?? false
            let updatesAccount = body.display_name != nil || body.grade != nil || !relinks
            if updatesAccount {
                var target = Target.tenantWide(caller.tenant)
                target.grade = grades(before, caller.ladder).grade
                target.newGrade = newGrade
                // A new grade may raise the account and wake its dormant roles (Evaluation+GradeRaise).
                if newGrade != nil, let account = try await LinkedAccounts.user(id, connection) {
                    target.affected = LinkedAccounts.principals([account], caller)
                }
                try await context.authorize(caller, .userUpdate, target, resource: "user", id: id)
            }
            if relinks { try await authorizeLink(context, caller, connection, user: id, to: person!) }
            let after = try await connection.query("""
                UPDATE users SET display_name = coalesce($2, display_name),
                                 grade = CASE WHEN $3 THEN $4 ELSE grade END,
                                 person_id = CASE WHEN $5 THEN $6::uuid ELSE person_id END, updated_at = now()
                WHERE id = $1::uuid RETURNING \(columns)
                """, [id, body.display_name, body.grade != nil, body.grade.flatMap { $0 }, relinks, person ?? nil])[0]
            if relinks { try await AccessStore.notifyAccessChanged(connection) }
            try await Audit.record(connection, context, caller, action: updatesAccount ? "user.update" : "user.link_person",
                                   resource: "user", id: id, before: json(before, caller.ladder), after: json(after, caller.ladder))
            return (HTTPResponse(status: 200, contentType: "application/json", body: json(after, caller.ladder)), relinks)
        }
        if relinked { context.resources.callers.invalidate(tenant: caller.tenantID!) }
        return response
    }

    package static func setDisabled(_ context: RequestContext, _ disabled: Bool) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "user")
        let response = try await context.transaction(caller) { connection in
            guard let before = try await connection.query("SELECT \(columns) FROM users WHERE id = $1::uuid FOR UPDATE", [id]).first else {
                throw Problem.notFound("user")
            }
            var target = Target.tenantWide(caller.tenant)
            target.grade = grades(before, caller.ladder).grade
            // The same count the access API protects: enabled users holding tenant.admin over the
            // whole tenant through an active grant, under the tenant's access lock.
            try await AccessStore.lockTenantAccess(connection)
            let subjects = try await AccessStore.subjects(connection)
            let admins = AccessStore.tenantAdminCount(subjects, tenant: caller.tenant, ladder: caller.ladder, now: .now)
            if disabled && before.bool("disabled") == false,
               let subject = subjects.first(where: { $0.id == id }),
               subject.principal(tenant: caller.tenant, ladder: caller.ladder).isTenantAdmin(at: .now) {
                target.removesTenantAdmins = 1
            }
            if id == caller.subjectID && disabled {
                throw Problem(status: 409, code: "CANNOT_DISABLE_SELF", title: "Conflict", detail: "a user cannot disable their own account")
            }
            try await context.authorize(caller, .userDisable, target, resource: "user", id: id, tenantAdminCount: admins)
            let after = try await connection.query(
                "UPDATE users SET disabled = $2, updated_at = now() WHERE id = $1::uuid RETURNING \(columns)", [id, disabled])[0]
            if disabled {
                _ = try await connection.query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1::uuid AND revoked_at IS NULL", [id])
            }
            try await Audit.record(connection, context, caller, action: disabled ? "user.disable" : "user.enable",
                                   resource: "user", id: id, before: json(before, caller.ladder), after: json(after, caller.ladder))
            return HTTPResponse(status: 200, contentType: "application/json", body: json(after, caller.ladder))
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return response
    }

    package struct PasswordBody: Decodable {
        package var password: String
        package var current_password: String?
    }

    /// A user changes their own password (with the current one); an administrator resets
    /// another's. Either way every session of that user is revoked.
    package static func setPassword(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "user")
        let body = try context.body(PasswordBody.self)
        try validatePassword(body.password)
        let own = id == caller.subjectID && caller.kind == .user
        let before = try await context.transaction(caller) { connection in
            try await connection.query("SELECT \(columns), password_hash FROM users WHERE id = $1::uuid", [id]).first
        }
        guard let before else { throw Problem.notFound("user") }
        if own {
            let stored = before.string("password_hash") ?? PasswordHasher.decoy
            let current = body.current_password ?? ""
            guard await HashingPool.shared.run({ PasswordHasher().verify(current, against: stored) }) else {
                throw Problem.invalid("current_password", rule: "matches", "current_password is not the account's password")
            }
        } else {
            var target = Target.tenantWide(caller.tenant)
            target.grade = grades(before, caller.ladder).grade
            try await context.authorize(caller, .userUpdate, target, resource: "user", id: id)
        }
        let password = body.password
        let hash = await HashingPool.shared.run { PasswordHasher().hash(password) }
        try await context.transaction(caller) { connection in
            _ = try await connection.query("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1::uuid", [id, hash])
            _ = try await connection.query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1::uuid AND revoked_at IS NULL", [id])
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
