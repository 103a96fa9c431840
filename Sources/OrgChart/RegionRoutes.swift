// /v1/regions: the tenant's region tree (华东, 华南 …), where regional offices and per-region posts
// apply. Effective-dated: name, code and parent are kept over time (region_versions) and read
// `as_of` a day, with that day's path. Access decides on today's tree (`regions.path`, what
// region-scoped grants hold), whatever day is read. Writing needs network.write over the parent
// region (create) or the region and its new parent (PATCH, in RegionRoutes+Change).

import App
import HTTP
import Policy
import Postgres

package enum RegionRoutes {
    package static let versions = Versions.Table(name: "region_versions", key: "region_id", split: "orgd_split_region_versions",
                                                 resource: "region")

    /// Columns of `regions g` and its version `v` on `$date`: the dated parent, name, code and
    /// path, and today's path (`current_path_ids`) for the policy.
    package static func columns(_ date: Int) -> String {
        """
        g.id::text AS id, v.parent_id::text AS parent_id, v.name, v.code, orgd_region_path_on(g.id, $\(date)::date)::text AS path_ids,
        orgd_ltree_ids(g.path)::text AS current_path_ids, lower(v.valid)::text AS valid_from, upper(v.valid)::text AS valid_to, g.revision
        """
    }

    /// FROM clause: regions with the version covering `$date` (none: the region did not exist).
    package static func from(_ date: Int) -> String {
        "regions g JOIN region_versions v ON v.tenant_id = g.tenant_id AND v.region_id = g.id AND v.valid @> $\(date)::date"
    }

    package static func read(_ connection: PGConnection, id: String, on date: String) async throws -> PGRow? {
        try await connection.query("SELECT \(columns(2)) FROM \(from(2)) WHERE g.id = $1::uuid", [id, date]).first
    }

    package static func write(_ row: PGRow, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("parent_id", row.string("parent_id"))
        json.field("name", row.string("name"))
        json.field("code", row.string("code"))
        json.field("path", strings: OrgPath.ids(row.string("path_ids")))
        json.field("effective_from", row.string("valid_from"))
        json.field("effective_until", row.string("valid_to").map(OrgDate.dayBefore))
        json.field("revision", row.int("revision"))
        json.endObject()
    }

    package static func json(_ row: PGRow) -> [UInt8] {
        var json = JSONWriter()
        write(row, to: &json)
        return json.bytes
    }

    /// The policy's view of a region: where it sits in today's tree.
    package static func target(_ caller: Caller, _ row: PGRow) -> Target {
        .network(caller.tenant, region: OrgPath.tree(row.string("current_path_ids")))
    }

    /// Regions that existed on `as_of`, root first down each branch (at most 5000).
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let date = try OrgDate.asOf(context)
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("SELECT \(columns(1)) FROM \(from(1)) ORDER BY orgd_region_path_on(g.id, $1::date) LIMIT 5000", [date])
        }
        let now = caller.context(now: .now)
        return JSONResponse.make { json in
            json.beginObject()
            json.field("as_of", date)
            json.key("items")
            json.beginArray()
            for row in rows where decide(caller.principal, .regionRead, target(caller, row), now).isAllowed { write(row, to: &json) }
            json.endArray()
            json.endObject()
        }
    }

    /// The region on `as_of`; 404 when it did not exist yet that day.
    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "region")
        let date = try OrgDate.asOf(context)
        let row = try await context.transaction(caller) { connection in
            try await read(connection, id: id, on: date)
        }
        guard let row else { throw Problem.notFound("region") }
        try await context.authorize(caller, .regionRead, target(caller, row), resource: "region", id: id)
        return ETag.response(revision: row.int("revision"), body: json(row))
    }

    package struct CreateBody: Decodable {
        package var name: String
        package var code: String
        package var parent_id: String?
        package var effective_date: String?
    }

    package static func codeTaken(_ code: String, _ date: String) -> Problem {
        Problem(status: 409, code: "REGION_CODE_TAKEN", title: "Conflict",
                detail: "region code \(code) is already used by another region of this tenant on or after \(date)", field: "code", rule: "unique")
    }

    /// A parent region named in a body: it must exist on `date`; its path in today's tree.
    package static func parentPath(_ connection: PGConnection, id: String, on date: String) async throws -> String {
        let path = try await UnitStore.regionPath(connection, id: id, field: "parent_id")
        guard try await connection.query("SELECT orgd_region_path_on($1::uuid, $2::date) IS NOT NULL AS exists_on",
                                         [id.lowercased(), date]).bool(0, "exists_on") == true else {
            throw Problem.invalid("parent_id", rule: "exists", "parent_id \(id) names no region of this tenant on \(date)")
        }
        return path
    }

    /// Creates a region from `effective_date` on; its parent must exist that day.
    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
        try OrgRules.name(body.name)
        try OrgRules.code(body.code)
        let date = try OrgDate.body(body.effective_date)
        let row = try await context.transaction(caller) { connection in
            let parent = try await body.parent_id.asyncMap { try await Self.parentPath(connection, id: $0, on: date) }
            try await context.authorize(caller, .regionWrite, .network(caller.tenant, region: OrgPath.tree(parent)),
                                        resource: "region", id: nil)
            let id: String
            do {
                id = try await connection.query("""
                    INSERT INTO regions (tenant_id, id, parent_id, name, code, path)
                    SELECT $1::uuid, n.id, $2::uuid, $3, $4,
                           coalesce((SELECT path FROM regions WHERE id = $2::uuid), ''::ltree) || orgd_uuid_label(n.id)
                    FROM (SELECT gen_random_uuid() AS id) n RETURNING id::text AS id
                    """, [caller.tenantID!, body.parent_id?.lowercased(), body.name.trimmingCharacters(in: .whitespacesAndNewlines), body.code])
                    .string(0, "id")!
                _ = try await connection.query("UPDATE region_versions SET valid = daterange($2::date, NULL) WHERE region_id = $1::uuid",
                                               [id, date])
            } catch let error as PGError where error.isUniqueViolation || error.isExclusionViolation {
                throw codeTaken(body.code, date)
            }
            let row = try await read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "region.create", resource: "region", id: id,
                                       effective: date, after: json(row))
            return row
        }
        var response = ETag.response(201, revision: row.int("revision"), body: json(row))
        response.headers.add("Location", "/v1/regions/\(row.string("id") ?? "")")
        return response
    }
}
