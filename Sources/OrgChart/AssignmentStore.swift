// The assignments table: every statement that reads or writes it, returning `Assignment`s.
// Routes, the position and person archives and the holder reads call these.

import App
import HTTP
import Postgres

package enum AssignmentStore {
    /// Whether anyone holds the position on `date` or later.
    package static func isHeld(_ connection: PGConnection, position: String, onOrAfter date: String) async throws -> Bool {
        try await connection.query("""
            SELECT 1 FROM assignments WHERE position_id = \(position)::uuid AND (upper_inf(valid) OR upper(valid) > \(date)::date) LIMIT 1
            """ as PGQuery).count > 0
    }

    /// Whether the person holds any post on `date` or later.
    package static func holdsPost(_ connection: PGConnection, person: String, onOrAfter date: String) async throws -> Bool {
        try await connection.query("""
            SELECT 1 FROM assignments WHERE person_id = \(person)::uuid AND (upper_inf(valid) OR upper(valid) > \(date)::date) LIMIT 1
            """ as PGQuery).count > 0
    }
}
