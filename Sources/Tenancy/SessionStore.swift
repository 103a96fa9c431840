// The sessions table: a signed-in user's bearer tokens, stored by digest. Issued at sign-in,
// revoked by logout, by logout-all, by disabling the user and by a password change.

import App
import Postgres

package enum SessionStore {
    /// Stores a new session by its digest; its expiry time (RFC 3339, UTC).
    package static func create(_ connection: PGConnection, tenant: String, user: String, digest: [UInt8],
                               ttl: Int, clientAddress: String) async throws -> String {
        let expires: String?? = try await connection.query("""
            INSERT INTO sessions (tenant_id, user_id, digest, expires_at, client_addr)
            VALUES (\(tenant)::uuid, \(user)::uuid, \("\\x" + digest.hex)::bytea, now() + make_interval(secs => \(ttl)),
                    \(clientAddress))
            RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            """ as PGQuery).decodeFirst(String?.self)
        return (expires ?? nil) ?? ""
    }

    /// Revokes one session (again is a no-op).
    package static func revoke(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("UPDATE sessions SET revoked_at = now() WHERE id = \(id)::uuid AND revoked_at IS NULL" as PGQuery)
    }

    /// Revokes every live session of `user`.
    package static func revokeAll(_ connection: PGConnection, user: String) async throws {
        _ = try await connection.query("UPDATE sessions SET revoked_at = now() WHERE user_id = \(user)::uuid AND revoked_at IS NULL" as PGQuery)
    }
}

/// The live session behind a token digest, with its user as decisions need it.
package struct SessionHolder: Sendable, PGRowDecodable {
    package var sessionID: String
    package var userID: String
    package var login: String
    package var grade: String?
    package var founder: Bool
    package var expiresAt: Int64                // seconds since the epoch
    package var postGrades: [String]            // grades of the linked person's posts today

    package init(row: inout PGRowReader) throws {
        sessionID = try row.next()
        userID = try row.next()
        login = try row.next()
        grade = try row.next()
        founder = try row.next()
        expiresAt = try row.next()
        postGrades = StoredValues.array(try row.next(String?.self))
    }
}

extension SessionStore {
    /// The session whose token has `digest`, if it is live and its user enabled.
    package static func holder(_ connection: PGConnection, digest: [UInt8]) async throws -> SessionHolder? {
        try await connection.query("""
            SELECT s.id::text, u.id::text, u.login, u.grade, u.is_founder, extract(epoch FROM s.expires_at)::bigint,
                   \(unescaped: PGQuery(unsafeSQL: EffectiveGrade.postGradesSQL(person: "u.person_id")))
            FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
            WHERE s.digest = \("\\x" + digest.hex)::bytea AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled
            """).decodeFirst()
    }
}
