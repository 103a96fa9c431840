// The sign_in_failures table: failed sign-ins by throttle key (a digest of the account or of
// the client address), shared by every orgd instance so that the limits hold across them.

import Postgres

package enum SignInFailureStore {
    /// The failures of each key within the last `window` seconds, with the seconds until the
    /// oldest of them leaves the window. Keys without failures are absent.
    package static func recent(_ pool: PGPool, keys: [String], window: Int)
        async throws -> [(key: String, failures: Int, retry: Int?)] {
        try await pool.query("""
            SELECT throttle_key, count(*),
                   ceil(extract(epoch FROM min(failed_at) + make_interval(secs => \(window)) - now()))::int
            FROM sign_in_failures
            WHERE throttle_key = ANY(\(keys)::text[]) AND failed_at > now() - make_interval(secs => \(window))
            GROUP BY throttle_key
            """ as PGQuery).decode(String.self, Int.self, Int?.self).map { (key: $0.0, failures: $0.1, retry: $0.2) }
    }

    /// Records one failure under each key, and forgets failures older than an hour.
    package static func record(_ pool: PGPool, keys: [String]) async throws {
        _ = try await pool.query("INSERT INTO sign_in_failures (throttle_key) SELECT unnest(\(keys)::text[])" as PGQuery)
        _ = try await pool.query("DELETE FROM sign_in_failures WHERE failed_at < now() - interval '1 hour'" as PGQuery)
    }

    /// Forgets the failures of `key` (a successful sign-in of that account).
    package static func clear(_ connection: PGConnection, key: String) async throws {
        _ = try await connection.query("DELETE FROM sign_in_failures WHERE throttle_key = \(key)" as PGQuery)
    }
}
