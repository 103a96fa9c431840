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
        try await load("u.person_id = \(person)::uuid", connection)
    }

    /// The accounts linked to the people holding `position` on `date` or later: whom a regrade
    /// effective on `date` raises.
    package static func holding(_ position: String, from date: String, _ connection: PGConnection) async throws -> [SubjectRecord] {
        try await load("""
            u.person_id IN (SELECT a.person_id FROM assignments a
                            WHERE a.position_id = \(position)::uuid AND a.valid && daterange(\(date)::date, NULL))
            """, connection)
    }

    /// The account `user`; nil when the tenant has no such user.
    package static func user(_ user: String, _ connection: PGConnection) async throws -> SubjectRecord? {
        try await load("u.id = \(user)::uuid", connection).first
    }

    /// Queues NOTIFY orgd_access (sent at commit, dropped on rollback) when an account is linked
    /// to `person`: a change to the person's posts changes that account's effective grade, which
    /// every orgd instance caches with the caller.
    package static func notifyIfLinked(_ person: String, _ connection: PGConnection) async throws {
        _ = try await connection.query("""
            SELECT pg_notify('orgd_access', orgd_current_tenant()::text) FROM users WHERE person_id = \(person)::uuid LIMIT 1
            """ as PGQuery)
    }

    /// The policy principals of `records` under the caller's ladder.
    package static func principals(_ records: [SubjectRecord], _ caller: Caller) -> [Principal] {
        records.map { $0.principal(tenant: caller.tenant, ladder: caller.ladder) }
    }

    /// Users matching `condition` (on `users u`) with their grants and today's post grades.
    private static func load(_ condition: PGQuery, _ connection: PGConnection) async throws -> [SubjectRecord] {
        // One row per grant (or one without a grant): the user's columns, whether a grant
        // follows, then the grant's columns (NULL when none).
        struct Row: PGRowDecodable {
            var user: SubjectRecord
            var grant: StoredGrant?
            init(row: inout PGRowReader) throws {
                user = SubjectRecord(id: try row.next(), kind: .user, label: try row.next(), grade: try row.next(),
                                     founder: try row.next(), active: try row.next(), grants: [],
                                     postGrades: StoredValues.array(try row.next(String?.self)))
                if try row.next(Bool.self) { grant = try StoredGrant(row: &row) } else { try row.skip(row.remaining) }
            }
        }
        let rows: [Row] = try await connection.query("""
            SELECT u.id::text, u.login, u.grade, u.is_founder, NOT u.disabled,
                   \(unescaped: PGQuery(unsafeSQL: EffectiveGrade.postGradesSQL(person: "u.person_id"))),
                   g.id IS NOT NULL, \(unescaped: GrantStore.columns)
            FROM users u
            LEFT JOIN grants g ON g.tenant_id = u.tenant_id AND g.subject_kind = 'user' AND g.subject_id = u.id
            LEFT JOIN roles r ON r.tenant_id = g.tenant_id AND r.id = g.role_id
            WHERE \(unescaped: condition)
            ORDER BY u.id, g.created_at, g.id
            """).decode()
        var records: [SubjectRecord] = []
        for row in rows {
            if records.last?.id != row.user.id { records.append(row.user) }
            if let grant = row.grant { records[records.count - 1].grants.append(grant) }
        }
        return records
    }
}
