// A case's history (case_events): every step with its actor, time, note and the facts it set,
// oldest first. Append-only: the server role may insert and read, never change.

import App
import HTTP
import Postgres

package struct CaseEvent: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var step: String
    package var from: String
    package var to: String
    package var actorID: String?
    package var at: String
    package var note: String
    package var data: PGJSONBytes

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        step = try row.next()
        from = try row.next()
        to = try row.next()
        actorID = try row.next()
        at = try row.next()
        note = try row.next()
        data = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("step", step)
        json.field("from", from)
        json.field("to", to)
        json.field("actor_id", actorID)
        json.field("at", at)
        json.field("note", note)
        json.key("data"); json.raw(data.bytes)
        json.endObject()
    }
}

package enum CaseEventStore {
    package static func record(_ connection: PGConnection, tenant: String, case id: String, step: String, from: String, to: String,
                               actor: String?, note: String, data: [UInt8]) async throws {
        _ = try await connection.query("""
            INSERT INTO case_events (tenant_id, case_id, step, from_state, to_state, actor_id, note, data)
            VALUES (\(tenant)::uuid, \(id)::uuid, \(step), \(from), \(to), \(actor)::uuid, \(note), \(PGJSON(data))::jsonb)
            """ as PGQuery)
    }

    /// `CaseEvent`'s columns, of the event `e`.
    static let columns: PGQuery = """
        e.id::text, e.step, e.from_state, e.to_state, e.actor_id::text,
        to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), e.note, e.data::text
        """

    package static func history(_ connection: PGConnection, case id: String) async throws -> [CaseEvent] {
        try await connection.query("""
            SELECT \(unescaped: columns) FROM case_events e WHERE e.case_id = \(id)::uuid ORDER BY e.id
            """).decode()
    }
}
