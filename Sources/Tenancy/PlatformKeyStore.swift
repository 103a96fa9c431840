// The platform_keys table: the keys of platform operators, stored by the SHA-256 digest of the
// key only. `orgd platform-key create` writes through here; reading a key back is the database
// function orgd_platform_key (CallerLoader), which needs no platform mode.

import App
import Postgres

package enum PlatformKeyStore {
    /// Stores a platform key by its digest, in platform mode for the rest of the transaction (the
    /// table is visible only there); its id.
    package static func create(_ connection: PGConnection, name: String, digest: [UInt8]) async throws -> String? {
        try await TenantStore.platformMode(connection)
        return try await connection.query("""
            INSERT INTO platform_keys (name, digest) VALUES (\(name), \("\\x" + digest.hex)::bytea) RETURNING id::text
            """ as PGQuery).decodeFirst(String.self)
    }
}
