// The network's change feed: every change's audit row and its network_changes row (the day it
// takes effect, the site it is filed under), in the change's own transaction; and
// GET /v1/network/changes?from=&to=, which lists them oldest first, each only to a caller who may
// read its site (tenant-wide reference data only to those who read the network tenant-wide).

import App
import HTTP
import OrgChart
import Policy
import Postgres

package struct NetworkChangeEntry: Sendable, PGRowDecodable {
    package var id: String
    package var effectiveOn: String
    package var recordedAt: String
    package var actorID: String?
    package var action: String
    package var resourceType: String
    package var resourceID: String?
    package var siteID: String?
    package var regionPathIDs: String?          // the site's region in today's tree
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
        siteID = try row.next()
        regionPathIDs = try row.next()
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
        json.field("site_id", siteID)
        json.key("before"); json.raw(before?.bytes ?? Array("null".utf8))
        json.key("after"); json.raw(after?.bytes ?? Array("null".utf8))
        json.endObject()
    }

    /// The policy's view: the site's region, or the whole tenant for reference data.
    func target(_ caller: Caller) -> Target {
        siteID == nil ? .tenantWide(caller.tenant) : .network(caller.tenant, region: OrgPath.tree(regionPathIDs))
    }
}

package enum NetworkChange {
    /// A declared endpoint's audit writer for network changes: the audit row and the
    /// network_changes row, effective on `Audited.effective` (today by default), filed under
    /// `Audited.owner` (the site), or under the resource itself when it is a site.
    package static let writer: AuditWriter = { entry, context, caller, connection in
        try await Audit.record(connection, context, caller, action: entry.action, resource: entry.resource, id: entry.id,
                               before: entry.before, after: entry.after)
        let site = entry.owner ?? (entry.resource == "site" ? entry.id : nil)
        try await NetworkChangeStore.insert(connection, tenant: caller.tenantID!, effective: entry.effective ?? OrgDate.today,
                                            actor: caller.kind == .user ? caller.subjectID : nil, action: entry.action,
                                            resource: entry.resource, id: entry.id, site: site, before: entry.before, after: entry.after)
    }
}

package enum NetworkChangeStore {
    package static func insert(_ connection: PGConnection, tenant: String, effective: String, actor: String?, action: String,
                               resource: String, id: String?, site: String?, before: [UInt8]?, after: [UInt8]?) async throws {
        _ = try await connection.query("""
            INSERT INTO network_changes (tenant_id, effective_on, actor_id, action, resource_type, resource_id, site_id, before, after)
            VALUES (\(tenant)::uuid, \(effective)::date, \(actor)::uuid, \(action), \(resource), \(id)::uuid, \(site)::uuid,
                    \(before.map { PGJSON($0) })::jsonb, \(after.map { PGJSON($0) })::jsonb)
            """ as PGQuery)
    }

    /// A page of the changes effective from `from` to `to` (inclusive), oldest first, after the
    /// change `after`; each with its site's region path today.
    package static func list(_ connection: PGConnection, from: String, to: String, site: String?, after: String?,
                             limit: Int) async throws -> [NetworkChangeEntry] {
        try await connection.query("""
            SELECT c.id::text, c.effective_on::text, to_char(c.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   c.actor_id::text, c.action, c.resource_type, c.resource_id::text, c.site_id::text,
                   (SELECT orgd_ltree_ids(r.path)::text FROM site_versions v JOIN regions r ON r.tenant_id = v.tenant_id AND r.id = v.region_id
                    WHERE v.site_id = c.site_id ORDER BY upper_inf(v.valid) DESC, lower(v.valid) DESC LIMIT 1),
                   c.before::text, c.after::text
            FROM network_changes c
            WHERE c.effective_on BETWEEN \(from)::date AND \(to)::date
              AND (\(site)::uuid IS NULL OR c.site_id = \(site)::uuid)
              AND (\(after)::bigint IS NULL
                   OR (c.effective_on, c.id) > ((SELECT effective_on FROM network_changes WHERE id = \(after)::bigint), \(after)::bigint))
            ORDER BY c.effective_on, c.id LIMIT \(limit)
            """ as PGQuery).decode()
    }
}

package enum NetworkChangeRoutes {
    package struct Parameters: Sendable {
        var from: String
        var to: String
        var site: String?
    }

    package static let list = FilteredList<Parameters, NetworkChangeEntry>(
        action: .siteRead,
        parameters: { context in
            let from = try OrgDate.asOf(context, parameter: "from")
            let to = try OrgDate.asOf(context, parameter: "to")
            if to < from { throw Problem.invalidQuery("to", rule: "not_before_from", "to (\(to)) is before from (\(from))") }
            return Parameters(from: from, to: to, site: try context.queryID("site_id", "a site id"))
        },
        fetch: { call, page, connection in
            try await NetworkChangeStore.list(connection, from: call.body.from, to: call.body.to, site: call.body.site,
                                              after: page.after, limit: page.limit + 1)
        },
        target: { caller, entry in entry.target(caller) },
        cursor: \.id,
        cursorIsValid: { Int64($0) != nil },
        write: { _, entry, json in entry.write(to: &json) })
}
