// The accounts linked to org-chart people, as they are now (effective grade today, every grant),
// for the `Target.affected` of changes that may raise them: appointments, regrades of the posts
// they hold, and linking an account to a person. One query each, inside the caller's transaction.

import App
import Policy
import Postgres

package enum LinkedAccounts {
    /// The accounts linked to `person` (at most one, see UserRoutes.link), disabled ones included:
    /// a raise wakes their dormant roles the day they are enabled again.
    package static func ofPerson(_ person: String, _ connection: PGConnection) async throws -> [SubjectRecord] {
        try await load("u.person_id = $1::uuid", [person], connection)
    }

    /// The accounts linked to the people holding `position` on `date` or later: whom a regrade
    /// effective on `date` raises.
    package static func holding(_ position: String, from date: String, _ connection: PGConnection) async throws -> [SubjectRecord] {
        try await load("""
            u.person_id IN (SELECT a.person_id FROM assignments a
                            WHERE a.position_id = $1::uuid AND a.valid && daterange($2::date, NULL))
            """, [position, date], connection)
    }

    /// The account `user`; nil when the tenant has no such user.
    package static func user(_ user: String, _ connection: PGConnection) async throws -> SubjectRecord? {
        try await load("u.id = $1::uuid", [user], connection).first
    }

    /// Queues NOTIFY orgd_access (sent at commit, dropped on rollback) when an account is linked
    /// to `person`: a change to the person's posts changes that account's effective grade, which
    /// every orgd instance caches with the caller.
    package static func notifyIfLinked(_ person: String, _ connection: PGConnection) async throws {
        _ = try await connection.query("""
            SELECT pg_notify('orgd_access', orgd_current_tenant()::text) FROM users WHERE person_id = $1::uuid LIMIT 1
            """, [person])
    }

    /// The policy principals of `records` under the caller's ladder.
    package static func principals(_ records: [SubjectRecord], _ caller: Caller) -> [Principal] {
        records.map { $0.principal(tenant: caller.tenant, ladder: caller.ladder) }
    }

    /// Users matching `condition` (on `users u`) with their grants and today's post grades.
    private static func load(_ condition: String, _ parameters: [String?], _ connection: PGConnection) async throws -> [SubjectRecord] {
        let rows = try await connection.query("""
            SELECT u.id::text AS user_id, u.login, u.grade AS user_grade, u.is_founder, NOT u.disabled AS enabled,
                   \(EffectiveGrade.postGradesSQL(person: "u.person_id")) AS post_grades, \(AccessStore.grantColumns)
            FROM users u
            LEFT JOIN grants g ON g.tenant_id = u.tenant_id AND g.subject_kind = 'user' AND g.subject_id = u.id
            LEFT JOIN roles r ON r.tenant_id = g.tenant_id AND r.id = g.role_id
            WHERE \(condition)
            ORDER BY u.id, g.created_at, g.id
            """, parameters)
        var records: [SubjectRecord] = []
        for row in rows {
            let id = row.string("user_id") ?? ""
            if records.last?.id != id {
                records.append(SubjectRecord(id: id, kind: .user, label: row.string("login") ?? "",
                                             grade: row.string("user_grade"), founder: row.bool("is_founder") ?? false,
                                             active: row.bool("enabled") ?? false, grants: [],
                                             postGrades: StoredValues.array(row.string("post_grades"))))
            }
            if row.string("id") != nil { records[records.count - 1].grants.append(AccessStore.grantRow(row)) }
        }
        return records
    }
}
