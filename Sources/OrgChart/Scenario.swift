// Reorganisation scenarios (sql/0028): a named draft of org-chart changes effective on one day,
// invisible to live reads. Its models (`Scenario`, `ScenarioChange`) and JSON, and its statements.
// How a scenario is read and applied is ScenarioReplay's; its routes are ScenarioRoutes'.

import App
import HTTP
import Postgres

package struct Scenario: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var name: String
    package var description: String
    package var effectiveDate: String
    package var state: String                  // draft, submitted, approved, rejected, applied
    package var authorID: String
    package var approverID: String?
    package var decisionNote: String
    package var lastError: PGJSONBytes?
    package var appliedAt: String?
    package var revision: Int
    package var createdAt: String
    package var changeCount: Int

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        name = try row.next()
        description = try row.next()
        effectiveDate = try row.next()
        state = try row.next()
        authorID = try row.next()
        approverID = try row.next()
        decisionNote = try row.next()
        lastError = try row.next()
        appliedAt = try row.next()
        revision = try row.next()
        createdAt = try row.next()
        changeCount = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("name", name)
        json.field("description", description)
        json.field("effective_date", effectiveDate)
        json.field("state", state)
        json.field("author_id", authorID)
        json.field("approver_id", approverID)
        json.field("decision_note", decisionNote)
        json.key("last_error"); json.raw(lastError?.bytes ?? Array("null".utf8))
        json.field("applied_at", appliedAt)
        json.field("change_count", changeCount)
        json.field("revision", revision)
        json.field("created_at", createdAt)
        json.endObject()
    }

    /// Whether its changes may still be edited.
    package var isDraft: Bool { state == "draft" }
}

package struct ScenarioChange: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var seq: Int
    package var type: String
    package var targetID: String?
    package var body: PGJSONBytes

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        seq = try row.next()
        type = try row.next()
        targetID = try row.next()
        body = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("seq", seq)
        json.field("type", type)
        json.field("target_id", targetID)
        json.key("body"); json.raw(body.bytes)
        json.endObject()
    }
}

package enum ScenarioStore {
    static let columns: PGQuery = """
        s.id::text, s.name, s.description, s.effective_date::text, s.state, s.author_id::text, s.approver_id::text,
        s.decision_note, s.last_error::text, to_char(s.applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        s.revision, to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        (SELECT count(*)::int FROM scenario_changes c WHERE c.scenario_id = s.id)
        """

    package static func create(_ connection: PGConnection, tenant: String, name: String, description: String, date: String,
                               author: String) async throws -> String {
        try await connection.query("""
            INSERT INTO scenarios (tenant_id, name, description, effective_date, author_id)
            VALUES (\(tenant)::uuid, \(name), \(description), \(date)::date, \(author)::uuid) RETURNING id::text
            """ as PGQuery).decodeFirst(String.self)!
    }

    /// The scenario, locked for the transaction when `lock` (a change, an apply).
    package static func read(_ connection: PGConnection, id: String, lock: Bool = false) async throws -> Scenario? {
        try await connection.query("""
            SELECT \(unescaped: columns) FROM scenarios s WHERE s.id = \(id)::uuid \(unescaped: PGQuery(unsafeSQL: lock ? "FOR UPDATE OF s" : ""))
            """ as PGQuery).decodeFirst()
    }

    package static func list(_ connection: PGConnection) async throws -> [Scenario] {
        try await connection.query("SELECT \(unescaped: columns) FROM scenarios s ORDER BY s.effective_date, s.created_at, s.id" as PGQuery)
            .decode()
    }

    package static func update(_ connection: PGConnection, id: String, name: String?, description: String?, date: String?) async throws {
        _ = try await connection.query("""
            UPDATE scenarios SET name = coalesce(\(name), name), description = coalesce(\(description), description),
                   effective_date = coalesce(\(date)::date, effective_date), revision = revision + 1, updated_at = now()
            WHERE id = \(id)::uuid
            """ as PGQuery)
    }

    /// Moves the scenario to `state`, recording who decided (approve, reject) and the apply.
    package static func setState(_ connection: PGConnection, id: String, state: String, approver: String? = nil,
                                 note: String? = nil) async throws {
        _ = try await connection.query("""
            UPDATE scenarios SET state = \(state), approver_id = coalesce(\(approver)::uuid, approver_id),
                   decision_note = coalesce(\(note), decision_note),
                   applied_at = CASE WHEN \(state) = 'applied' THEN now() ELSE applied_at END,
                   last_error = CASE WHEN \(state) = 'applied' THEN NULL ELSE last_error END,
                   revision = revision + 1, updated_at = now()
            WHERE id = \(id)::uuid
            """ as PGQuery)
    }

    /// Keeps the problem of a failed apply on the scenario (in a transaction of its own).
    package static func setLastError(_ connection: PGConnection, id: String, problem: [UInt8]) async throws {
        _ = try await connection.query("""
            UPDATE scenarios SET last_error = \(PGJSON(problem))::jsonb, updated_at = now() WHERE id = \(id)::uuid
            """ as PGQuery)
    }

    package static func bump(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("UPDATE scenarios SET revision = revision + 1, updated_at = now() WHERE id = \(id)::uuid" as PGQuery)
    }

    package static func delete(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("DELETE FROM scenarios WHERE id = \(id)::uuid" as PGQuery)
    }

    // MARK: changes

    package static func changes(_ connection: PGConnection, of scenario: String) async throws -> [ScenarioChange] {
        try await connection.query("""
            SELECT id::text, seq, type, target_id::text, body::text FROM scenario_changes WHERE scenario_id = \(scenario)::uuid ORDER BY seq
            """ as PGQuery).decode()
    }

    /// Appends a change whose body is the `body` member of `request` (the POST's JSON).
    package static func addChange(_ connection: PGConnection, tenant: String, scenario: String, type: String, target: String?,
                                  request: [UInt8], author: String) async throws -> String {
        try await connection.query("""
            INSERT INTO scenario_changes (tenant_id, scenario_id, seq, type, target_id, body, created_by)
            VALUES (\(tenant)::uuid, \(scenario)::uuid,
                    (SELECT coalesce(max(seq), 0) + 1 FROM scenario_changes WHERE scenario_id = \(scenario)::uuid),
                    \(type), \(target)::uuid, coalesce(\(PGJSON(request))::jsonb -> 'body', '{}'), \(author)::uuid)
            RETURNING id::text
            """ as PGQuery).decodeFirst(String.self)!
    }

    /// Removes the change; false when the scenario has no such change.
    package static func removeChange(_ connection: PGConnection, scenario: String, id: String) async throws -> Bool {
        try await connection.query("""
            DELETE FROM scenario_changes WHERE scenario_id = \(scenario)::uuid AND id = \(id)::uuid RETURNING 1
            """ as PGQuery).decodeFirst(Int.self) != nil
    }

    // MARK: settings and the scheduler

    package static func allowsSelfApproval(_ connection: PGConnection) async throws -> Bool {
        try await connection.query("SELECT allow_self_approval FROM scenario_settings" as PGQuery).decodeFirst(Bool.self) ?? false
    }

    package static func setSelfApproval(_ connection: PGConnection, tenant: String, allow: Bool) async throws {
        _ = try await connection.query("""
            INSERT INTO scenario_settings (tenant_id, allow_self_approval) VALUES (\(tenant)::uuid, \(allow))
            ON CONFLICT (tenant_id) DO UPDATE SET allow_self_approval = EXCLUDED.allow_self_approval,
                revision = scenario_settings.revision + 1, updated_at = now()
            """ as PGQuery)
    }

    package static func activeTenants(_ connection: PGConnection) async throws -> [String] {
        try await connection.query("SELECT id::text FROM orgd_active_tenants() AS t (id)" as PGQuery).decode(String.self)
    }

    /// Claims the first approved scenario due on `today`, not in `tried`, that no other transaction holds: the row
    /// stays locked until the caller's transaction ends, so two instances never apply one twice.
    package static func claimDue(_ connection: PGConnection, today: String, excluding tried: [String]) async throws -> String? {
        try await connection.query("""
            SELECT id::text FROM scenarios WHERE state = 'approved' AND effective_date <= \(today)::date
              AND id <> ALL (\(tried)::uuid[])
            ORDER BY effective_date, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
            """ as PGQuery).decodeFirst(String.self)
    }
}
