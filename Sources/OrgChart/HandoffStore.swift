// The unit_handoffs table: hand-off links (对接部门) between units, directed and effective-dated.
// Every statement of the table is here; HandoffRoutes answers with `Handoff`.

import App
import HTTP
import Postgres

package enum HandoffStore {
    /// After a merge of `id` into `into` from `date` on: the links of `id` are carried over to
    /// `into` (none from or to `into` itself, none twice) and ended on `id`.
    package static func carryOver(_ connection: PGConnection, from id: String, into: String, on date: String) async throws {
        _ = try await connection.query("""
            INSERT INTO unit_handoffs (tenant_id, from_unit_id, to_unit_id, note, valid)
            SELECT tenant_id, CASE WHEN from_unit_id = \(id)::uuid THEN \(into)::uuid ELSE from_unit_id END,
                   CASE WHEN to_unit_id = \(id)::uuid THEN \(into)::uuid ELSE to_unit_id END, note,
                   daterange(greatest(lower(valid), \(date)::date), upper(valid))
            FROM unit_handoffs
            WHERE (from_unit_id = \(id)::uuid OR to_unit_id = \(id)::uuid) AND (upper_inf(valid) OR upper(valid) > \(date)::date)
              AND from_unit_id <> \(into)::uuid AND to_unit_id <> \(into)::uuid
            ON CONFLICT DO NOTHING
            """ as PGQuery)
        _ = try await connection.query("""
            UPDATE unit_handoffs SET valid = daterange(lower(valid), \(date)::date)
            WHERE (from_unit_id = \(id)::uuid OR to_unit_id = \(id)::uuid) AND valid @> \(date)::date AND lower(valid) < \(date)::date
            """ as PGQuery)
        _ = try await connection.query("""
            DELETE FROM unit_handoffs WHERE (from_unit_id = \(id)::uuid OR to_unit_id = \(id)::uuid) AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }
}
