// The users table: a tenant's accounts, their one model (`User`) and JSON encoder, and every
// statement on the table. It sits in Tenancy, below Access, because sign-in and tenant creation
// read and write accounts too; the access API's user routes (Access/UserRoutes) call it.

import App
import HTTP
import Policy
import Postgres

/// One account as stored, with the grades of the posts its linked person holds today.
package struct User: Sendable, PGRowDecodable {
    package var id: String
    package var login: String
    package var displayName: String
    package var grade: String?                  // the stored grade text; nil when ungraded
    package var personID: String?
    package var disabled: Bool
    package var founder: Bool
    package var postGrades: [String]            // grades of the linked person's posts today
    package var createdAt: String               // RFC 3339, UTC, whole seconds
    package var updatedAt: String

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        login = try row.next()
        displayName = try row.next()
        grade = try row.next()
        personID = try row.next()
        disabled = try row.next()
        founder = try row.next()
        postGrades = StoredValues.array(try row.next(String?.self))
        createdAt = try row.next()
        updatedAt = try row.next()
    }

    /// The account's own grade and its linked person's posts' grade under `ladder`.
    package func grades(_ ladder: GradeLadder) -> EffectiveGrade {
        EffectiveGrade(account: grade, founder: founder, postGrades: postGrades, ladder: ladder)
    }

    /// The user's JSON; with the tenant's ladder also its `effective_grade` and `grade_from`
    /// (the manageable-users list has no ladder at hand and leaves them out).
    package func write(to json: inout JSONWriter, ladder: GradeLadder?) {
        json.beginObject()
        json.field("id", id)
        json.field("login", login)
        json.field("display_name", displayName)
        json.field("grade", founder ? "founder" : grade)
        if let ladder { grades(ladder).write(to: &json, ladder: ladder) }
        json.field("person_id", personID)
        json.field("disabled", disabled)
        json.field("created_at", createdAt)
        json.field("updated_at", updatedAt)
        json.endObject()
    }

    package func json(_ ladder: GradeLadder) -> [UInt8] {
        var json = JSONWriter()
        write(to: &json, ladder: ladder)
        return json.bytes
    }
}

/// What sign-in needs of an account, and nothing more.
package struct SignInAccount: Sendable, PGRowDecodable {
    package var id: String
    package var login: String
    package var displayName: String
    package var passwordHash: String?           // nil: the account has no password yet
    package var disabled: Bool

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        login = try row.next()
        displayName = try row.next()
        passwordHash = try row.next()
        disabled = try row.next()
    }
}

package enum UserStore: TableStore {
    package typealias Row = User
    package static let table: StaticString = "users"

    /// `User`'s columns, in its decoding order.
    package static let columns: PGQuery = """
        id::text, login, display_name, grade, person_id::text, disabled, is_founder,
        \(unescaped: PGQuery(unsafeSQL: EffectiveGrade.postGradesSQL(person: "users.person_id"))),
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        """

    /// The users of `ids` that exist, in no particular order.
    package static func find(_ connection: PGConnection, ids: [String]) async throws -> [User] {
        try await connection.query("SELECT \(unescaped: columns) FROM users WHERE id = ANY(\(ids)::uuid[])").decode()
    }

    /// Users with a grade, by login: (id, login, grade).
    package static func grades(_ connection: PGConnection) async throws -> [(String, String, String)] {
        try await connection.query("""
            SELECT id::text, login, grade FROM users WHERE grade IS NOT NULL ORDER BY login
            """ as PGQuery).decode(String.self, String.self, String.self)
    }

    /// The user `id` with its password hash (nil: none set); nil when there is no such user.
    package static func findWithPassword(_ connection: PGConnection, id: String) async throws -> (user: User, passwordHash: String?)? {
        struct Row: PGRowDecodable {
            var user: User
            var hash: String?
            init(row: inout PGRowReader) throws {
                user = try User(row: &row)
                hash = try row.next()
            }
        }
        let row: Row? = try await connection.query("""
            SELECT \(unescaped: columns), password_hash FROM users WHERE id = \(id)::uuid
            """).decodeFirst()
        return row.map { ($0.user, $0.hash) }
    }

    /// Sign-in's lookup: the account whose login is `login`, compared without case.
    package static func signInAccount(_ connection: PGConnection, login: String) async throws -> SignInAccount? {
        try await connection.query("""
            SELECT id::text, login, display_name, password_hash, disabled FROM users WHERE lower(login) = lower(\(login))
            """ as PGQuery).decodeFirst()
    }

    /// A new account; nil when the tenant already has that login.
    package static func create(_ connection: PGConnection, tenant: String, login: String, displayName: String,
                               passwordHash: String?, grade: String?) async throws -> User? {
        do {
            return try await connection.query("""
                INSERT INTO users (tenant_id, login, display_name, password_hash, grade)
                VALUES (\(tenant)::uuid, \(login), \(displayName), \(passwordHash), \(grade)) RETURNING \(unescaped: columns)
                """).decodeFirst()
        } catch let error as PGError where error.isUniqueViolation {
            return nil
        }
    }

    /// A new tenant's first administrator, the founder; its id.
    package static func createFounder(_ connection: PGConnection, tenant: String, login: String,
                                      passwordHash: String) async throws -> String {
        try await connection.query("""
            INSERT INTO users (tenant_id, login, display_name, password_hash, is_founder)
            VALUES (\(tenant)::uuid, \(login), 'Administrator', \(passwordHash), true) RETURNING id::text
            """ as PGQuery).decodeFirst(String.self)!
    }

    /// Changes what is given: the display name when not nil, the grade when `setGrade`, the
    /// linked person when `relink`. Nil when there is no such user.
    package static func update(_ connection: PGConnection, id: String, displayName: String?, setGrade: Bool, grade: String?,
                               relink: Bool, person: String?) async throws -> User? {
        try await connection.query("""
            UPDATE users SET display_name = coalesce(\(displayName), display_name),
                             grade = CASE WHEN \(setGrade) THEN \(grade) ELSE grade END,
                             person_id = CASE WHEN \(relink) THEN \(person)::uuid ELSE person_id END, updated_at = now()
            WHERE id = \(id)::uuid RETURNING \(unescaped: columns)
            """).decodeFirst()
    }

    /// Disables or enables the account; nil when there is no such user.
    package static func setDisabled(_ connection: PGConnection, id: String, _ disabled: Bool) async throws -> User? {
        try await connection.query("""
            UPDATE users SET disabled = \(disabled), updated_at = now() WHERE id = \(id)::uuid RETURNING \(unescaped: columns)
            """).decodeFirst()
    }

    package static func setPasswordHash(_ connection: PGConnection, id: String, _ hash: String) async throws {
        _ = try await connection.query("UPDATE users SET password_hash = \(hash), updated_at = now() WHERE id = \(id)::uuid" as PGQuery)
    }

    /// Another account than `user` linked to `person`, if any (one person has at most one).
    package static func linkedTo(_ connection: PGConnection, person: String, except user: String) async throws -> String? {
        try await connection.query("""
            SELECT id::text FROM users WHERE person_id = \(person)::uuid AND id <> \(user)::uuid LIMIT 1
            """ as PGQuery).decodeFirst(String.self)
    }
}
