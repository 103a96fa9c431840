// The api_keys table: its one model, its SQL and its JSON. Columns are listed once (`columns`)
// and read back in the same order by `APIKey.init(row:)`, which throws on a missing column or a
// wrong type instead of yielding null. Routes (APIKeyRoutes) never write SQL for this table.

import App
import HTTP
import Postgres

/// One API key as stored; the secret itself is never stored, only its digest.
package struct APIKey: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var name: String
    package var createdBy: String?
    package var createdAt: String                  // RFC 3339, UTC, whole seconds
    package var expiresAt: String?
    package var revokedAt: String?

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        name = try row.next()
        createdBy = try row.next()
        createdAt = try row.next()
        expiresAt = try row.next()
        revokedAt = try row.next()
    }

    package func write(to json: inout JSONWriter) { write(to: &json, secret: nil) }

    /// The key's JSON; `secret` only in the answer that created it.
    package func write(to json: inout JSONWriter, secret: String?) {
        json.beginObject()
        json.field("id", id)
        json.field("name", name)
        if let secret { json.field("key", secret) }
        json.field("created_by", createdBy)
        json.field("created_at", createdAt)
        json.field("expires_at", expiresAt)
        json.field("revoked_at", revokedAt)
        json.endObject()
    }
}

package enum APIKeyStore: TableStore {
    package typealias Row = APIKey
    package static let table: StaticString = "api_keys"

    /// `APIKey`'s columns, in its decoding order.
    package static let columns: PGQuery = """
        id::text, name, created_by::text,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        """

    /// Stores a new key by its digest; nil when a live key already has that name.
    package static func create(_ connection: PGConnection, tenant: String, name: String, digest: [UInt8],
                               createdBy: String, expiresAt: String?) async throws -> APIKey? {
        do {
            return try await connection.query("""
                INSERT INTO api_keys (tenant_id, name, digest, created_by, expires_at)
                VALUES (\(tenant)::uuid, \(name), \("\\x" + digest.hex)::bytea, \(createdBy)::uuid, \(expiresAt)::timestamptz)
                RETURNING \(unescaped: columns)
                """).decodeFirst()
        } catch let error as PGError where error.isUniqueViolation {
            return nil
        }
    }

    /// Marks the key revoked (keeping the first revocation time); nil when there is no such key.
    package static func revoke(_ connection: PGConnection, id: String) async throws -> APIKey? {
        try await connection.query("""
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id)::uuid
            RETURNING \(unescaped: columns)
            """).decodeFirst()
    }

    /// The live key whose secret has `digest`: its id and when it expires (Int64.max: never).
    package static func live(_ connection: PGConnection, digest: [UInt8]) async throws -> (id: String, expiresAt: Int64)? {
        try await connection.query("""
            SELECT id::text, coalesce(extract(epoch FROM expires_at)::bigint, 9223372036854775807)
            FROM api_keys
            WHERE digest = \("\\x" + digest.hex)::bytea AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            """ as PGQuery).decodeFirst(String.self, Int64.self).map { (id: $0.0, expiresAt: $0.1) }
    }

    /// Those of `ids` that name keys not revoked (expired ones included).
    package static func unrevoked(_ connection: PGConnection, ids: [String]) async throws -> [String] {
        try await connection.query("""
            SELECT id::text FROM api_keys WHERE id = ANY(\(ids)::uuid[]) AND revoked_at IS NULL
            """ as PGQuery).decode(String.self)
    }
}
