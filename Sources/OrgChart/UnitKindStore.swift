// The unit_kinds table: the kinds of unit a tenant adds to the built-in ones, their one model
// (`UnitKind`, built-in kinds included) and JSON. Every statement of the table is here.

import App
import HTTP
import Postgres

/// A kind of unit: built in (OrgRules.defaultKinds, no revision) or added by the tenant.
package struct UnitKind: Sendable, PGRowDecodable, JSONResource {
    package var name: String
    package var label: String?
    package var builtIn: Bool
    package var retired: Bool
    package var units: Int                  // units that have the kind today, archived ones aside
    package var revision: Int?              // nil for a built-in kind

    /// A tenant's kind, from the columns of `UnitKindStore.columns`.
    package init(row: inout PGRowReader) throws {
        name = try row.next()
        label = try row.next()
        builtIn = false
        retired = try row.next()
        revision = try row.next()
        units = try row.next()
    }

    /// A built-in kind, with its source-document label.
    package init(builtIn name: String, units: Int) {
        self.name = name
        label = OrgRules.defaultKindLabels[name]
        builtIn = true
        retired = false
        self.units = units
        revision = nil
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("name", name)
        json.field("label", label)
        json.field("built_in", builtIn)
        json.field("retired", retired)
        json.field("units", units)
        if let revision { json.field("revision", revision) }
        json.endObject()
    }
}

package enum UnitKindStore {
    /// `UnitKind`'s columns of `unit_kinds k`, in its decoding order.
    static let columns: PGQuery = """
        k.name, k.label, k.retired_at IS NOT NULL, k.revision,
        (SELECT count(*) FROM unit_versions v WHERE v.kind = k.name AND v.valid @> current_date AND NOT v.archived)
        """

    /// Built-in kinds first (in their fixed order), then the tenant's by name.
    package static func all(_ connection: PGConnection) async throws -> [UnitKind] {
        let counts = try await connection.query("""
            SELECT kind, count(*) FROM unit_versions WHERE kind = ANY (\(OrgRules.defaultKinds)::text[]) AND valid @> current_date
              AND NOT archived
            GROUP BY kind
            """ as PGQuery).decode(String.self, Int.self)
        let inUse = Dictionary(uniqueKeysWithValues: counts.map { ($0.0, $0.1) })
        let added: [UnitKind] = try await connection.query("SELECT \(unescaped: columns) FROM unit_kinds k ORDER BY k.name").decode()
        return OrgRules.defaultKinds.map { UnitKind(builtIn: $0, units: inUse[$0] ?? 0) } + added
    }

    /// The tenant's kind `name`; nil when it has none of that name.
    package static func kind(_ connection: PGConnection, _ name: String) async throws -> UnitKind? {
        try await connection.query("SELECT \(unescaped: columns) FROM unit_kinds k WHERE k.name = \(name)").decodeFirst()
    }

    /// Whether the tenant's kind `name` is retired; nil when it has none of that name.
    package static func isRetired(_ connection: PGConnection, _ name: String) async throws -> Bool? {
        try await connection.query("SELECT retired_at IS NOT NULL FROM unit_kinds WHERE name = \(name)" as PGQuery).decodeFirst(Bool.self)
    }

    /// Adds a kind; nil when the tenant already has one of that name.
    package static func create(_ connection: PGConnection, tenant: String, name: String, label: String) async throws -> UnitKind? {
        let inserted = try await connection.query("""
            INSERT INTO unit_kinds (tenant_id, name, label) VALUES (\(tenant)::uuid, \(name), \(label))
            ON CONFLICT (tenant_id, name) DO NOTHING RETURNING name
            """ as PGQuery)
        return inserted.count == 1 ? try await kind(connection, name) : nil
    }

    /// The kind's revision under a row lock; nil when the tenant has no such kind.
    package static func lock(_ connection: PGConnection, _ name: String) async throws -> Int? {
        try await connection.query("SELECT revision FROM unit_kinds WHERE name = \(name) FOR UPDATE" as PGQuery).decodeFirst(Int.self)
    }

    /// Relabels (nil keeps the label) and retires or restores (nil keeps it) the kind.
    package static func update(_ connection: PGConnection, _ name: String, label: String?, retired: Bool?) async throws -> UnitKind {
        _ = try await connection.query("""
            UPDATE unit_kinds SET label = coalesce(\(label), label),
                retired_at = CASE WHEN \(retired)::boolean IS NULL THEN retired_at WHEN \(retired)::boolean THEN coalesce(retired_at, now()) END,
                revision = revision + 1, updated_at = now()
            WHERE name = \(name)
            """ as PGQuery)
        return try await kind(connection, name)!
    }

    /// How many units have or had the kind on any day.
    package static func unitsEver(_ connection: PGConnection, _ name: String) async throws -> Int {
        try await connection.query("SELECT count(DISTINCT unit_id) FROM unit_versions WHERE kind = \(name)" as PGQuery).decodeFirst(Int.self) ?? 0
    }

    package static func delete(_ connection: PGConnection, _ name: String) async throws {
        _ = try await connection.query("DELETE FROM unit_kinds WHERE name = \(name)" as PGQuery)
    }
}
