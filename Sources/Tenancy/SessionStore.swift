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
