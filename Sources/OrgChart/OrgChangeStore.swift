// The org_changes table: what changed in the org chart, by the day it takes effect, with the
// state before and after. Its one model (`OrgChangeEntry`) and JSON, and its statements.

import App
import HTTP
import Postgres

package struct OrgChangeEntry: Sendable, PGRowDecodable {
    package var id: String
    package var effectiveOn: String
    package var recordedAt: String              // RFC 3339, UTC, whole seconds
    package var actorID: String?                // the user; nil for an API key
    package var action: String
    package var resourceType: String
    package var resourceID: String?
    package var before: PGJSONBytes?
    package var after: PGJSONBytes?

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        effectiveOn = try row.next()
        recordedAt = try row.next()
        actorID = try row.next()
        action = try row.next()
        resourceType = try row.next()
        resourceID = try row.next()
        before = try row.next()
        after = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("effective_on", effectiveOn)
        json.field("recorded_at", recordedAt)
        json.field("actor_id", actorID)
        json.field("action", action)
        json.field("resource_type", resourceType)
        json.field("resource_id", resourceID)
        json.key("before"); json.raw(before?.bytes ?? Array("null".utf8))
        json.key("after"); json.raw(after?.bytes ?? Array("null".utf8))
        json.endObject()
    }
}

package enum OrgChangeStore {
    /// Records a change effective on `effective`; `actor` is the user, nil for an API key.
    package static func insert(_ connection: PGConnection, tenant: String, effective: String, actor: String?, action: String,
                               resource: String, id: String, before: [UInt8]?, after: [UInt8]?) async throws {
        _ = try await connection.query("""
            INSERT INTO org_changes (tenant_id, effective_on, actor_id, action, resource_type, resource_id, before, after)
            VALUES (\(tenant)::uuid, \(effective)::date, \(actor)::uuid, \(action), \(resource), \(id)::uuid,
                    \(before.map { PGJSON($0) })::jsonb, \(after.map { PGJSON($0) })::jsonb)
            """ as PGQuery)
    }

    /// A page of the changes effective from `from` to `to` (inclusive), oldest first, after the
    /// change `after` (by effective day, then id); `limit` at most.
    package static func list(_ connection: PGConnection, from: String, to: String, after: String?, limit: Int) async throws -> [OrgChangeEntry] {
        try await connection.query("""
            SELECT id::text, effective_on::text, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   actor_id::text, action, resource_type, resource_id::text, before::text, after::text
            FROM org_changes
            WHERE effective_on BETWEEN \(from)::date AND \(to)::date
              AND (\(after)::bigint IS NULL
                   OR (effective_on, id) > ((SELECT effective_on FROM org_changes WHERE id = \(after)::bigint), \(after)::bigint))
            ORDER BY org_changes.effective_on, org_changes.id LIMIT \(limit)
            """ as PGQuery).decode()
    }
}
