// The schema's shape, read from the migrated catalog: every tenant table is keyed by tenant
// first, and every key, foreign key, unique and exclusion constraint on it names tenant_id as a
// column. That is what keeps one tenant's rows together and what Citus needs to distribute the
// schema by tenant_id (docs/scale-out.md). The few tables and constraints that do not follow it
// are listed here by name, each with the reason, so a new one fails this test until it is
// either fixed or added to docs/scale-out.md and to these lists on purpose.

import Foundation
@testable import OrgdApp
import Postgres
import Testing

@Suite("schema shape (distribution by tenant_id)")
struct SchemaShapeTests {
    /// Tables shared by every tenant: Citus reference tables (or coordinator-local ones).
    static let shared: Set<String> = [
        "tenants", "platform_keys", "orgd_migrations", "sign_in_failures",   // platform-wide
        "site_status_moves", "case_state_moves",                             // the lifecycles' fixed moves
    ]

    /// Constraints on tenant tables that do not name tenant_id as a column: what has to change
    /// before those tables can be distributed (docs/scale-out.md, "What changes").
    static let knownBlockers: Set<String> = [
        "audit_log: primary key (id)",
        "api_keys: api_keys_digest_key UNIQUE (digest)",
        "sessions: sessions_digest_key UNIQUE (digest)",
        "assignments: assignments_one_primary EXCLUDE (orgd_key(tenant_id, person_id), valid)",
        "assignments: assignments_seat_once EXCLUDE (orgd_key(tenant_id, person_id, position_id), valid)",
        "person_versions: person_versions_one_at_a_time EXCLUDE (orgd_key(tenant_id, person_id), valid)",
        "position_versions: position_versions_one_at_a_time EXCLUDE (orgd_key(tenant_id, position_id), valid)",
        "region_versions: region_versions_one_at_a_time EXCLUDE (orgd_key(tenant_id, region_id), valid)",
        "unit_versions: unit_versions_one_at_a_time EXCLUDE (orgd_key(tenant_id, unit_id), valid)",
    ]

    /// One row per public table: name, whether it has tenant_id, and its primary key's columns in order.
    static let tablesSQL = """
        SELECT c.relname,
               EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped),
               (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
                FROM pg_constraint p CROSS JOIN unnest(p.conkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = k.attnum
                WHERE p.conrelid = c.oid AND p.contype = 'p')
        FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
          AND c.relname NOT LIKE 'scratch\\_%'   -- PostgresTests' own tables (TestDatabase.unique), made in parallel
        ORDER BY 1
        """

    /// Foreign keys, unique and exclusion constraints whose columns do not include tenant_id:
    /// table, constraint, kind, the referenced table (foreign keys), and the definition.
    static let constraintsSQL = """
        SELECT c.conrelid::regclass::text, c.conname, c.contype::text, c.confrelid::regclass::text, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('f', 'u', 'x')
          AND c.conrelid::regclass::text NOT LIKE 'scratch\\_%'
          AND NOT EXISTS (SELECT FROM unnest(c.conkey) AS k(attnum)
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                          WHERE a.attname = 'tenant_id')
        ORDER BY 1, 2
        """

    static func catalog<T: Sendable>(_ read: @escaping @Sendable (PGConnection) async throws -> T) throws -> T {
        try TestEnvironment.migrate()
        var configuration = Configuration()
        configuration.adminDatabaseURL = try TestEnvironment.adminDatabaseURL
        let box = ValueBox<T>()
        let status = AdminCommands.onLoop(configuration) { pool in
            box.set(try await pool.withConnection { try await read($0) })
        }
        guard status == 0, let value = box.value else { throw TestFailure("catalog query failed") }
        return value
    }

    @Test("every table with tenant_id has a primary key that starts with tenant_id, or is a listed exception")
    func primaryKeys() throws {
        let tables = try Self.catalog { connection in
            try await connection.query(PGQuery(unsafeSQL: Self.tablesSQL)).decode(String.self, Bool.self, String?.self)
        }
        #expect(tables.count > 40, "the catalog query found \(tables.count) tables")
        var blockers: Set<String> = []
        for (name, hasTenant, key) in tables {
            if !hasTenant {
                #expect(Self.shared.contains(name), "\(name) has no tenant_id and is not a listed shared table")
                continue
            }
            #expect(!Self.shared.contains(name), "\(name) is listed as shared but has tenant_id")
            guard let key else { Issue.record("\(name) has no primary key"); continue }
            if !key.hasPrefix("tenant_id") { blockers.insert("\(name): primary key (\(key))") }
        }
        #expect(blockers.subtracting(Self.knownBlockers).isEmpty, "new tables not keyed by tenant first: \(blockers.subtracting(Self.knownBlockers).sorted())")
        #expect(blockers.isSubset(of: Self.knownBlockers))
    }

    @Test("foreign keys, unique and exclusion constraints name tenant_id, or are listed: only shared tables may be referenced without it")
    func constraints() throws {
        let rows = try Self.catalog { connection in
            try await connection.query(PGQuery(unsafeSQL: Self.constraintsSQL)).decode(String.self, String.self, String.self, String?.self, String.self)
        }
        var found: Set<String> = []
        for (table, name, kind, referenced, definition) in rows where !Self.shared.contains(table) {
            if kind == "f" {
                // A tenant table may point at a shared (reference) table without tenant_id; never at another tenant table.
                #expect(referenced.map(Self.shared.contains) == true, "\(table).\(name) references \(referenced ?? "?") without tenant_id: \(definition)")
                continue
            }
            found.insert("\(table): \(name) \(Self.shape(kind: kind, definition))")
        }
        let unknown = found.subtracting(Self.knownBlockers)
        #expect(unknown.isEmpty, "constraints without tenant_id as a column, not in docs/scale-out.md: \(unknown.sorted())")
        let fixed = Self.knownBlockers.filter { !$0.contains("primary key") }.subtracting(found)
        #expect(fixed.isEmpty, "listed blockers no longer in the schema (remove them from the list and docs/scale-out.md): \(fixed.sorted())")
    }

    /// "UNIQUE (digest)" or "EXCLUDE (orgd_key(tenant_id, unit_id), valid)": the definition with operators and index method left out.
    static func shape(kind: String, _ definition: String) -> String {
        if kind == "u" { return definition }
        var text = definition.replacingOccurrences(of: "EXCLUDE USING gist ", with: "EXCLUDE ")
        for drop in [" WITH =", " WITH &&"] { text = text.replacingOccurrences(of: drop, with: "") }
        if let filter = text.range(of: " WHERE ") { text = String(text[..<filter.lowerBound]) }
        return text
    }
}

final class ValueBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    var value: T? { lock.withLock { stored } }
    func set(_ value: T) { lock.withLock { stored = value } }
}
