// The inspection_templates and inspection_template_items tables: every statement of the two. A
// template and its items are written once, together, and never updated; archiving is the one
// change a template takes.

import App
import HTTP
import Postgres

package enum InspectionTemplateStore {
    static let columns: PGQuery = """
        t.id::text, t.name, t.archived,
        (SELECT count(*) FROM inspection_template_items i WHERE i.tenant_id = t.tenant_id AND i.template_id = t.id)::int,
        to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        """

    static let itemColumns: PGQuery = "key, title, (weight * 100)::int, max_score, mandatory"

    /// The template with its items in their order; nil for an unknown or another tenant's one.
    /// `forUpdate` locks the template's row for the rest of the transaction.
    package static func template(_ connection: PGConnection, id: String, forUpdate: Bool = false) async throws -> InspectionTemplate? {
        guard var template: InspectionTemplate = try await connection.query("""
            SELECT \(unescaped: columns) FROM inspection_templates t WHERE t.id = \(id)::uuid \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """).decodeFirst() else { return nil }
        template.items = try await connection.query("""
            SELECT \(unescaped: itemColumns) FROM inspection_template_items WHERE template_id = \(id)::uuid ORDER BY position
            """).decode()
        return template
    }

    /// A page of the templates by name, after the template `after`, archived ones only when asked.
    package static func list(_ connection: PGConnection, includeArchived: Bool, after: String?,
                             limit: Int) async throws -> [InspectionTemplate] {
        try await connection.query("""
            SELECT \(unescaped: columns) FROM inspection_templates t
            WHERE (\(includeArchived) OR NOT t.archived)
              AND (\(after)::uuid IS NULL
                   OR (lower(t.name), t.id) > (SELECT lower(a.name), a.id FROM inspection_templates a WHERE a.id = \(after)::uuid))
            ORDER BY lower(t.name), t.id LIMIT \(limit)
            """).decode()
    }

    /// Stores a template and its items (in the order given); its id.
    package static func create(_ connection: PGConnection, tenant: String, name: String,
                               items: [InspectionTemplateItem]) async throws -> String {
        let id = try await connection.query("""
            INSERT INTO inspection_templates (tenant_id, name) VALUES (\(tenant)::uuid, \(name)) RETURNING id::text
            """ as PGQuery).decodeFirst(String.self)!
        _ = try await connection.query("""
            INSERT INTO inspection_template_items (tenant_id, template_id, key, position, title, weight, max_score, mandatory)
            SELECT \(tenant)::uuid, \(id)::uuid, u.key, u.n, u.title, u.weight::numeric / 100, u.max_score, u.mandatory
            FROM unnest(\(items.map(\.key))::text[], \(items.map(\.title))::text[], \(items.map(\.weightHundredths))::int[],
                        \(items.map(\.maxScore))::int[], \(items.map(\.mandatory))::boolean[])
                 WITH ORDINALITY AS u(key, title, weight, max_score, mandatory, n)
            """ as PGQuery)
        return id
    }

    /// Archives the template (no new inspection may use it); inspections made with it keep it.
    package static func archive(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("UPDATE inspection_templates SET archived = true WHERE id = \(id)::uuid" as PGQuery)
    }
}
