// The corrective_actions table: every statement of it. Actions are written with their inspection
// and later changed one by one (owner, due day, done day; revision is the ETag); each is read with
// its inspection's day and its site's code, name and region today. The database refuses a due or
// done day before the inspection (orgd_corrective_action_check); the routes say so first.

import App
import HTTP
import OrgChart
import Postgres

/// What a corrective-action list may be narrowed by.
package struct CorrectiveActionFilter: Sendable {
    package var overdue = false                 // not done and due before today
    package var regionID: String?               // the site's region and its subtree, in today's tree
    package var siteID: String?

    package init() {}
}

package enum CorrectiveActionStore {
    static var columns: PGQuery {
        """
        c.id::text, c.inspection_id::text, i.inspected_on::text, c.site_id::text, s.code, v.name, v.region_id::text,
        orgd_ltree_ids(r.path)::text, c.description, c.owner, c.due_on::text, c.done_on::text, c.revision, \(OrgDate.today)::text
        """
    }

    /// The actions `c` with their inspection `i`, site `s`, its version `v` and region `r` today.
    static var from: PGQuery {
        """
        FROM corrective_actions c
        JOIN inspections i ON i.tenant_id = c.tenant_id AND i.id = c.inspection_id
        JOIN sites s ON s.tenant_id = c.tenant_id AND s.id = c.site_id
        \(unescaped: SiteStore.versionAndRegion(on: OrgDate.today))
        """
    }

    /// Stores an inspection's actions, in the order given.
    package static func create(_ connection: PGConnection, tenant: String, inspection: String, site: String,
                               _ actions: [(description: String, owner: String, dueOn: String)]) async throws {
        guard !actions.isEmpty else { return }
        _ = try await connection.query("""
            INSERT INTO corrective_actions (tenant_id, inspection_id, site_id, description, owner, due_on)
            SELECT \(tenant)::uuid, \(inspection)::uuid, \(site)::uuid, u.description, u.owner, u.due_on
            FROM unnest(\(actions.map { $0.description })::text[], \(actions.map { $0.owner })::text[],
                        \(actions.map { $0.dueOn })::date[]) AS u(description, owner, due_on)
            """ as PGQuery)
    }

    /// The inspection's actions, by due day.
    package static func forInspection(_ connection: PGConnection, inspection: String) async throws -> [CorrectiveAction] {
        try await connection.query("""
            SELECT \(unescaped: columns) \(unescaped: from) WHERE c.inspection_id = \(inspection)::uuid ORDER BY c.due_on, c.id
            """).decode()
    }

    /// The action; nil for an unknown or another tenant's one. `forUpdate` locks its row.
    package static func action(_ connection: PGConnection, id: String, forUpdate: Bool = false) async throws -> CorrectiveAction? {
        try await connection.query("""
            SELECT \(unescaped: columns) \(unescaped: from) WHERE c.id = \(id)::uuid \(unescaped: forUpdate ? "FOR UPDATE OF c" : "")
            """).decodeFirst()
    }

    /// A page of the actions matching `filter`, by due day, after the action `after`.
    package static func list(_ connection: PGConnection, _ filter: CorrectiveActionFilter, after: String?,
                             limit: Int) async throws -> [CorrectiveAction] {
        try await connection.query("""
            SELECT \(unescaped: columns) \(unescaped: from)
            WHERE (NOT \(filter.overdue) OR (c.done_on IS NULL AND c.due_on < \(OrgDate.today)::date))
              AND (\(filter.siteID)::uuid IS NULL OR c.site_id = \(filter.siteID)::uuid)
              AND \(unescaped: SiteStore.inSubtree(of: filter.regionID))
              AND (\(after)::uuid IS NULL
                   OR (c.due_on, c.id) > (SELECT a.due_on, a.id FROM corrective_actions a WHERE a.id = \(after)::uuid))
            ORDER BY c.due_on, c.id LIMIT \(limit)
            """).decode()
    }

    /// Sets the owner, due day and done day, and raises the revision. The caller has locked the row.
    package static func update(_ connection: PGConnection, id: String, owner: String, dueOn: String, doneOn: String?) async throws {
        _ = try await connection.query("""
            UPDATE corrective_actions SET owner = \(owner), due_on = \(dueOn)::date, done_on = \(doneOn)::date, revision = revision + 1
            WHERE id = \(id)::uuid
            """ as PGQuery)
    }
}
