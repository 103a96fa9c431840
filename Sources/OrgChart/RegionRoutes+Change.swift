// PATCH /v1/regions/{id}: rename, recode or move a region from an effective date. Name and code
// may change on any day from the region's first on, future included. A move (new parent_id) is
// dated today or earlier: it rewrites today's path of the whole subtree, and the scope paths of
// region grants in it, when it is recorded, so access never runs ahead of the dated tree.

import App
import HTTP
import Policy
import Postgres

extension RegionRoutes {
    package struct UpdateBody: Decodable {
        package var name: String?
        package var code: String?
        package var parent_id: String??             // absent: unchanged; null: a top-level region
        package var effective_date: String?

        package enum CodingKeys: String, CodingKey { case name, code, parent_id, effective_date }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            code = try container.decodeIfPresent(String.self, forKey: .code)
            parent_id = try container.patch(String.self, forKey: .parent_id)
            effective_date = try container.decodeIfPresent(String.self, forKey: .effective_date)
        }
    }

    /// Refuses a new parent that is the region itself or below it on any day from `date` on
    /// (the day itself and every later day the tree changes), or in today's tree.
    package static func checkNotBelow(_ connection: PGConnection, region id: String, parent: String, on date: String) async throws {
        let below = try await connection.query("""
            SELECT $1::uuid = $2::uuid
                OR EXISTS (SELECT 1 FROM regions p, regions r WHERE p.id = $2::uuid AND r.id = $1::uuid AND p.path <@ r.path)
                OR EXISTS (SELECT 1 FROM (SELECT $3::date AS day UNION SELECT lower(valid) FROM region_versions WHERE lower(valid) > $3::date) d
                           WHERE $1::uuid = ANY (orgd_region_path_on($2::uuid, d.day))) AS below
            """, [id, parent, date]).bool(0, "below") ?? false
        if below {
            throw Problem.invalid("parent_id", rule: "not_descendant", "a region cannot move under itself or one of its own descendants")
        }
    }

    package static func update(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "region")
        let body = try context.body(UpdateBody.self)
        if let name = body.name { try OrgRules.name(name) }
        if let code = body.code { try OrgRules.code(code) }
        let date = try OrgDate.body(body.effective_date)
        let newParent = body.parent_id.map { $0?.lowercased() }
        if let parent = newParent ?? nil, EntityID(uuid: parent) == nil {
            throw Problem.invalid("parent_id", rule: "exists", "parent_id \(parent) names no region of this tenant")
        }
        let row = try await context.transaction(caller) { connection in
            if newParent != nil { try await OrgChange.lockTree(connection, caller, "regions") }
            guard try await Versions.lock(connection, context, "regions", id: id) != nil,
                  let current = try await connection.query("""
                      SELECT orgd_ltree_ids(path)::text AS current_path_ids, path::text AS path FROM regions WHERE id = $1::uuid
                      """, [id]).first else { throw Problem.notFound("region") }
            try await context.authorize(caller, .regionWrite, target(caller, current), resource: "region", id: id)
            guard let before = try await read(connection, id: id, on: date) else {
                try await Versions.prepare(connection, versions, id: id, on: date)    // throws: not in the region's lifetime
                throw Problem.notFound("region")
            }
            let moves = newParent.map { $0 != before.string("parent_id") } ?? false
            var parentLtree = ""
            if moves {
                guard date <= OrgDate.today else {
                    throw Problem.invalid("effective_date", rule: "move_not_after_today",
                                          "a region move takes effect for access when it is recorded, so it is dated today or earlier, not \(date)")
                }
                if let parent = newParent ?? nil {
                    let path = try await parentPath(connection, id: parent, on: date)
                    try await checkNotBelow(connection, region: id, parent: parent, on: date)
                    try await context.authorize(caller, .regionWrite, .network(caller.tenant, region: OrgPath.tree(path)),
                                                resource: "region", id: id)
                    parentLtree = try await connection.query("SELECT path::text AS path FROM regions WHERE id = $1::uuid", [parent])
                        .string(0, "path") ?? ""
                } else {
                    try await context.authorize(caller, .regionWrite, .network(caller.tenant, region: nil), resource: "region", id: id)
                }
            }
            try await Versions.prepare(connection, versions, id: id, on: date)
            do {
                _ = try await connection.query("""
                    UPDATE region_versions SET name = coalesce($2, name), code = coalesce($3, code),
                        parent_id = CASE WHEN $4::boolean THEN $5::uuid ELSE parent_id END
                    WHERE region_id = $1::uuid AND lower(valid) >= $6::date
                    """, [id, body.name?.trimmingCharacters(in: .whitespacesAndNewlines), body.code, moves, newParent ?? nil, date])
                _ = try await connection.query("""
                    UPDATE regions r SET name = v.name, code = v.code, parent_id = v.parent_id, revision = r.revision + 1, updated_at = now()
                    FROM region_versions v WHERE r.id = $1::uuid AND v.tenant_id = r.tenant_id AND v.region_id = r.id AND upper_inf(v.valid)
                    """, [id])
            } catch let error as PGError where error.isUniqueViolation || error.isExclusionViolation {
                throw codeTaken(body.code ?? "", date)
            }
            if moves {
                let oldPath = current.string("path")!
                _ = try await connection.query("""
                    UPDATE regions SET path = CASE WHEN $2 = '' THEN ''::ltree ELSE $2::ltree END || subpath(path, nlevel($1::ltree) - 1)
                    WHERE path <@ $1::ltree
                    """, [oldPath, parentLtree])
                _ = try await connection.query("""
                    UPDATE grants SET scope_path = orgd_region_path(scope_id)::text[]
                    WHERE scope_kind = 'region' AND scope_id IN (SELECT r.id FROM regions r, regions m WHERE m.id = $1::uuid AND r.path <@ m.path)
                    """, [id])
            }
            let after = try await read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: moves ? "region.move" : "region.update", resource: "region",
                                       id: id, effective: date, before: json(before), after: json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: json(row))
    }
}
