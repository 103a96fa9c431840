// Linking an account to the org-chart person it belongs to (`PATCH /v1/users/{id}` with
// `person_id`): the account then ranks at least as high as that person's posts (EffectiveGrade).

import App
import HTTP
import Policy
import Postgres
import Tenancy

extension UserRoutes {
    /// `person_id` of a request body, lowercased; 422 (rule `exists`) when it is not an id at all.
    package static func validPersonID(_ text: String) throws -> String {
        guard EntityID(uuid: text) != nil else {
            throw Problem.invalid("person_id", rule: "exists", "person_id \(text) names no person of this tenant")
        }
        return text.lowercased()
    }

    /// Decides linking `user` to `person` (nil: unlinking) inside the caller's transaction, before
    /// the UPDATE. Fails with 422 (`person_id`, rule `exists`) when the person is no active person of
    /// the tenant; with the policy's refusal of `user.link_person`, whose target carries as `grade`
    /// the highest grade the person holds today (what the link raises the account to; none when
    /// unlinking), as `personGrade` the account's effective grade now (so changing another's link
    /// needs a grade above it) and as `affected` the account as it is now (so linking oneself at or
    /// above one's grade is SELF_GRADE_RAISE, waking a dormant role beyond the actor's reach is
    /// PROMOTION_EXCEEDS_ACTOR, and an unlink that would leave no administrator is LAST_ADMIN);
    /// then with 409 PERSON_ALREADY_LINKED when another account is linked to the person.
    ///
    /// One person has at most one account (the unique index of sql/0017 says so too): the person's
    /// row is locked (FOR NO KEY UPDATE, which appointments' foreign keys do not wait for) before
    /// the check, so two links racing for one person are serialised and the second sees the first
    /// once it commits (read committed) and gets the 409 naming it.
    package static func authorizeLink(_ context: RequestContext, _ caller: Caller, _ connection: PGConnection,
                                      user: String, to person: String?) async throws {
        var postGrades: [String] = []
        if let person {
            // The org chart's people table (OrgChart sits above Access): locked, and its posts' grades today.
            let archived = try await connection.query("""
                SELECT archived FROM people WHERE id = \(person)::uuid FOR NO KEY UPDATE
                """ as PGQuery).decodeFirst(Bool.self)
            guard archived == false else {
                throw Problem.invalid("person_id", rule: "exists", "person_id \(person) names no active person of this tenant")
            }
            let grades: String?? = try await connection.query("""
                SELECT \(unescaped: PGQuery(unsafeSQL: EffectiveGrade.postGradesSQL(person: "p.id"))) FROM (SELECT \(person)::uuid AS id) p
                """).decodeFirst(String?.self)
            postGrades = StoredValues.array(grades ?? nil)
        }
        guard let account = try await LinkedAccounts.user(user, connection) else { throw Problem.notFound("user") }
        var linked = account
        linked.postGrades = postGrades
        let now = Timestamp.now
        let before = account.principal(tenant: caller.tenant, ladder: caller.ladder)
        var target = Target.tenantWide(caller.tenant)
        target.grade = EffectiveGrade.highest(postGrades, caller.ladder)
        target.personGrade = before.grade
        target.affected = [before]
        var admins = 0
        if account.active && before.isTenantAdmin(at: now)
            && !linked.principal(tenant: caller.tenant, ladder: caller.ladder).isTenantAdmin(at: now) {
            try await AccessStore.lockTenantAccess(connection)
            admins = AccessStore.tenantAdminCount(try await AccessStore.subjects(connection), tenant: caller.tenant,
                                                  ladder: caller.ladder, now: now)
            target.removesTenantAdmins = 1
        }
        try await context.authorize(caller, .userLinkPerson, target, resource: "user", id: user, tenantAdminCount: admins)
        guard let person else { return }
        if let other = try await UserStore.linkedTo(connection, person: person, except: user) {
            var problem = Problem.conflict("PERSON_ALREADY_LINKED",
                                           "person \(person) is already linked to account \(other); unlink that account first")
            problem.field = "person_id"
            problem.rule = "one_account_per_person"
            problem.extra = [("user_id", .string(other))]
            throw problem
        }
    }
}
