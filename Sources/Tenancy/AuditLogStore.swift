// Reading the audit log (rows are written by App's Audit.record, in each change's transaction):
// one model, `AuditEntry`, with its JSON, and the filtered, newest-first page of GET /v1/audit.

import App
import HTTP
import Postgres

/// One audit row as the API shows it; `reason`, `before` and `after` are JSON spliced as stored.
package struct AuditEntry: Sendable, PGRowDecodable {
    package var id: String                      // bigint, as text: the cursor
    package var at: String                      // RFC 3339, UTC, milliseconds
    package var actorKind: String
    package var actorID: String?
    package var action: String
    package var resourceType: String
    package var resourceID: String?
    package var outcome: String
    package var reason: PGJSONBytes?
    package var before: PGJSONBytes?
    package var after: PGJSONBytes?
    package var requestID: String?
    package var clientAddress: String?

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        at = try row.next()
        actorKind = try row.next()
        actorID = try row.next()
        action = try row.next()
        resourceType = try row.next()
        resourceID = try row.next()
        outcome = try row.next()
        reason = try row.next()
        before = try row.next()
        after = try row.next()
        requestID = try row.next()
        clientAddress = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("at", at)
        json.key("actor"); json.beginObject()
        json.field("kind", actorKind)
        json.field("id", actorID)
        json.endObject()
        json.field("action", action)
        json.key("resource"); json.beginObject()
        json.field("type", resourceType)
        json.field("id", resourceID)
        json.endObject()
        json.field("outcome", outcome)
        for (name, document) in [("reason", reason), ("before", before), ("after", after)] {
            json.key(name)
            if let document { json.raw(document.bytes) } else { json.null() }
        }
        json.field("request_id", requestID)
        json.field("client_addr", clientAddress)
        json.endObject()
    }
}

package enum AuditLogStore {
    /// What a page of the log is filtered by; nil matches everything.
    package struct Filter: Sendable {
        package var actor: String?
        package var resourceType: String?
        package var resourceID: String?
        package var action: String?
        package var from: String?               // RFC 3339 time or date, inclusive
        package var to: String?                 // exclusive
    }

    /// One page, newest first, of rows older than `before` (an id), `limit + 1` at most.
    package static func list(_ connection: PGConnection, _ filter: Filter, before: String?, limit: Int) async throws -> [AuditEntry] {
        try await connection.query("""
            SELECT id::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   actor_kind, actor_id::text, action, resource_type, resource_id, outcome,
                   reason::text, before::text, after::text, request_id, client_addr
            FROM audit_log
            WHERE (\(before)::bigint IS NULL OR id < \(before)::bigint)
              AND (\(filter.actor)::uuid IS NULL OR actor_id = \(filter.actor)::uuid)
              AND (\(filter.resourceType)::text IS NULL OR resource_type = \(filter.resourceType))
              AND (\(filter.resourceID)::text IS NULL OR resource_id = \(filter.resourceID))
              AND (\(filter.action)::text IS NULL OR action = \(filter.action))
              AND (\(filter.from)::timestamptz IS NULL OR at >= \(filter.from)::timestamptz)
              AND (\(filter.to)::timestamptz IS NULL OR at < \(filter.to)::timestamptz)
            ORDER BY audit_log.id DESC LIMIT \(limit)
            """ as PGQuery).decode()
    }
}
