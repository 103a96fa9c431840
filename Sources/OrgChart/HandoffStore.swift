// The unit_handoffs table: hand-off links (对接部门) between units, directed and effective-dated.
// Every statement of the table is here, and the one model and JSON of a link (`Handoff`).

import App
import HTTP
import Postgres

/// A hand-off link from one unit to another, with both units' names on the day read.
package struct Handoff: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var fromUnitID: String
    package var fromName: String?               // nil when the unit does not exist that day
    package var toUnitID: String
    package var toName: String?
    package var note: String
    package var validFrom: String
    package var validTo: String?

    /// Reads the columns of `HandoffStore.selected`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        fromUnitID = try row.next()
        fromName = try row.next()
        toUnitID = try row.next()
        toName = try row.next()
        note = try row.next()
        validFrom = try row.next()
        validTo = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("from_unit_id", fromUnitID)
        json.field("from_name", fromName)
        json.field("to_unit_id", toUnitID)
        json.field("to_name", toName)
        json.field("note", note)
        json.field("effective_from", validFrom)
        json.field("effective_until", validTo.map(OrgDate.dayBefore))
        json.endObject()
    }
}

package enum HandoffStore {
    /// `Handoff`'s columns and FROM clause, the units' names as they were on `date`.
    static func selected(on date: String) -> PGQuery {
        """
        SELECT h.id::text, h.from_unit_id::text, fv.name, h.to_unit_id::text, tv.name, h.note, lower(h.valid)::text, upper(h.valid)::text
        FROM unit_handoffs h
        LEFT JOIN unit_versions fv ON fv.unit_id = h.from_unit_id AND fv.valid @> \(date)::date
        LEFT JOIN unit_versions tv ON tv.unit_id = h.to_unit_id AND tv.valid @> \(date)::date
        """
    }

    /// The links from or to `unit` on `date`, by the names of their units.
    package static func list(_ connection: PGConnection, unit: String, on date: String) async throws -> [Handoff] {
        try await connection.query("""
            \(unescaped: selected(on: date))
            WHERE (h.from_unit_id = \(unit)::uuid OR h.to_unit_id = \(unit)::uuid) AND h.valid @> \(date)::date
            ORDER BY fv.name, tv.name
            """).decode()
    }

    /// The link `id` from `unit`, under a row lock; nil when the unit has no such link.
    package static func lock(_ connection: PGConnection, id: String, from unit: String, on date: String) async throws -> Handoff? {
        try await connection.query("""
            \(unescaped: selected(on: date)) WHERE h.id = \(id)::uuid AND h.from_unit_id = \(unit)::uuid FOR UPDATE OF h
            """).decodeFirst()
    }

    /// Adds a link from `date` on; nil when `from` already hands work to `to` on or after `date`.
    package static func create(_ connection: PGConnection, tenant: String, from: String, to: String, note: String,
                               on date: String) async throws -> Handoff? {
        let id: String
        do {
            id = try await connection.query("""
                INSERT INTO unit_handoffs (tenant_id, from_unit_id, to_unit_id, note, valid)
                VALUES (\(tenant)::uuid, \(from)::uuid, \(to)::uuid, \(note), daterange(\(date)::date, NULL)) RETURNING id::text
                """ as PGQuery).decodeFirst(String.self)!
        } catch let error as PGError where error.isExclusionViolation {
            return nil
        }
        return try await connection.query("\(unescaped: selected(on: date)) WHERE h.id = \(id)::uuid").decodeFirst()
    }

    /// Ends the link from `date` on: deleted when it starts on or after `date`, else cut there.
    package static func end(_ connection: PGConnection, _ handoff: Handoff, on date: String) async throws {
        if handoff.validFrom >= date {
            _ = try await connection.query("DELETE FROM unit_handoffs WHERE id = \(handoff.id)::uuid" as PGQuery)
        } else {
            _ = try await connection.query("""
                UPDATE unit_handoffs SET valid = daterange(lower(valid), \(date)::date) WHERE id = \(handoff.id)::uuid AND valid @> \(date)::date
                """ as PGQuery)
        }
    }

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
