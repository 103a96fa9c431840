// The regions and region_versions tables: a region as it stood on a day (`Region`, with its one
// JSON) and every statement of the two tables. `regions` holds the identity, the revision (the
// ETag) and today's path, which access decides on; region_versions the dated name, code and parent.

import App
import HTTP
import Policy
import Postgres

package struct Region: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var parentID: String?
    package var name: String
    package var code: String
    package var pathIDs: String?                // the path on the day read, root first
    package var currentPathIDs: String?         // the path in today's tree, for the policy
    package var validFrom: String
    package var validTo: String?
    package var revision: Int

    /// Reads the columns of `RegionStore.columns`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        parentID = try row.next()
        name = try row.next()
        code = try row.next()
        pathIDs = try row.next()
        currentPathIDs = try row.next()
        validFrom = try row.next()
        validTo = try row.next()
        revision = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("parent_id", parentID)
        json.field("name", name)
        json.field("code", code)
        json.field("path", strings: OrgPath.ids(pathIDs))
        json.field("effective_from", validFrom)
        json.field("effective_until", validTo.map(OrgDate.dayBefore))
        json.field("revision", revision)
        json.endObject()
    }

    /// The policy's view of the region: where it sits in today's tree.
    package func target(_ caller: Caller) -> Target {
        .network(caller.tenant, region: OrgPath.tree(currentPathIDs))
    }
}

package enum RegionStore {
    package static let versions = Versions.Table(name: "region_versions", key: "region_id", split: "orgd_split_region_versions",
                                                 resource: "region")

    /// `Region`'s columns of `regions g` with its version `v` on `date`: the dated parent, name,
    /// code and path, and today's path for the policy.
    static func selected(on date: String) -> PGQuery {
        """
        SELECT g.id::text, v.parent_id::text, v.name, v.code, orgd_region_path_on(g.id, \(date)::date)::text,
               orgd_ltree_ids(g.path)::text, lower(v.valid)::text, upper(v.valid)::text, g.revision
        FROM regions g JOIN region_versions v ON v.tenant_id = g.tenant_id AND v.region_id = g.id AND v.valid @> \(date)::date
        """
    }

    /// The region on `date`; nil when it did not exist that day.
    package static func region(_ connection: PGConnection, id: String, on date: String) async throws -> Region? {
        try await connection.query("\(unescaped: selected(on: date)) WHERE g.id = \(id)::uuid").decodeFirst()
    }

    /// The regions that existed on `date`, root first down each branch (at most 5000).
    package static func list(_ connection: PGConnection, on date: String) async throws -> [Region] {
        try await connection.query("\(unescaped: selected(on: date)) ORDER BY orgd_region_path_on(g.id, \(date)::date) LIMIT 5000").decode()
    }

    /// Whether the region existed on `date`.
    package static func exists(_ connection: PGConnection, id: String, on date: String) async throws -> Bool {
        try await connection.query("SELECT orgd_region_path_on(\(id)::uuid, \(date)::date) IS NOT NULL" as PGQuery).decodeFirst(Bool.self) ?? false
    }

    /// Today's path of the region, as ltree text and as uuid-array text (for the policy); nil
    /// when there is no such region.
    package static func currentPath(_ connection: PGConnection, id: String) async throws -> (ltree: String, ids: String?)? {
        try await connection.query("SELECT path::text, orgd_ltree_ids(path)::text FROM regions WHERE id = \(id)::uuid" as PGQuery)
            .decodeFirst(String.self, String?.self)
    }

    /// Adds a region existing from `date` on under `parent` (today's tree); its id. Throws
    /// REGION_CODE_TAKEN when another region has the code.
    package static func create(_ connection: PGConnection, tenant: String, parent: String?, name: String, code: String,
                               from date: String) async throws -> String {
        let parent = parent?.lowercased()
        do {
            let id = try await connection.query("""
                INSERT INTO regions (tenant_id, id, parent_id, name, code, path)
                SELECT \(tenant)::uuid, n.id, \(parent)::uuid, \(name.trimmingCharacters(in: .whitespacesAndNewlines)), \(code),
                       coalesce((SELECT path FROM regions WHERE id = \(parent)::uuid), ''::ltree) || orgd_uuid_label(n.id)
                FROM (SELECT gen_random_uuid() AS id) n RETURNING id::text
                """ as PGQuery).decodeFirst(String.self)!
            _ = try await connection.query("UPDATE region_versions SET valid = daterange(\(date)::date, NULL) WHERE region_id = \(id)::uuid" as PGQuery)
            return id
        } catch let error as PGError where error.isUniqueViolation || error.isExclusionViolation {
            throw RegionRoutes.codeTaken(code, date)
        }
    }

    /// Whether `parent` is the region itself or below it on any day from `date` on (the day
    /// itself and every later day the tree changes), or in today's tree.
    package static func isBelow(_ connection: PGConnection, region id: String, parent: String, on date: String) async throws -> Bool {
        try await connection.query("""
            SELECT \(id)::uuid = \(parent)::uuid
                OR EXISTS (SELECT 1 FROM regions p, regions r WHERE p.id = \(parent)::uuid AND r.id = \(id)::uuid AND p.path <@ r.path)
                OR EXISTS (SELECT 1 FROM (SELECT \(date)::date AS day UNION SELECT lower(valid) FROM region_versions
                                          WHERE lower(valid) > \(date)::date) d
                           WHERE \(id)::uuid = ANY (orgd_region_path_on(\(parent)::uuid, d.day)))
            """ as PGQuery).decodeFirst(Bool.self) ?? false
    }

    /// Renames, recodes and (when `moves`) re-parents the region from `date` on, and mirrors the
    /// latest version into `regions` with a new revision. Throws REGION_CODE_TAKEN.
    package static func update(_ connection: PGConnection, id: String, name: String?, code: String?, moves: Bool, parent: String?,
                               from date: String) async throws {
        do {
            _ = try await connection.query("""
                UPDATE region_versions SET name = coalesce(\(name?.trimmingCharacters(in: .whitespacesAndNewlines)), name),
                    code = coalesce(\(code), code), parent_id = CASE WHEN \(moves)::boolean THEN \(parent)::uuid ELSE parent_id END
                WHERE region_id = \(id)::uuid AND lower(valid) >= \(date)::date
                """ as PGQuery)
            _ = try await connection.query("""
                UPDATE regions r SET name = v.name, code = v.code, parent_id = v.parent_id, revision = r.revision + 1, updated_at = now()
                FROM region_versions v WHERE r.id = \(id)::uuid AND v.tenant_id = r.tenant_id AND v.region_id = r.id AND upper_inf(v.valid)
                """ as PGQuery)
        } catch {
            // (typed: PGError; `catch let … as PGError where` crashes the 6.3 compiler here)
            if error.isUniqueViolation || error.isExclusionViolation { throw RegionRoutes.codeTaken(code ?? "", date) }
            throw error
        }
    }

    /// After a move recorded today: today's paths of the subtree at `oldPath` hang under
    /// `parentLtree` ("" for the top), and region grants in it follow.
    package static func movePaths(_ connection: PGConnection, region id: String, from oldPath: String, under parentLtree: String) async throws {
        _ = try await connection.query("""
            UPDATE regions SET path = CASE WHEN \(parentLtree) = '' THEN ''::ltree ELSE \(parentLtree)::ltree END
                                      || subpath(path, nlevel(\(oldPath)::ltree) - 1)
            WHERE path <@ \(oldPath)::ltree
            """ as PGQuery)
        // (grants belongs to Access; here until AccessStore offers it.)
        _ = try await connection.query("""
            UPDATE grants SET scope_path = orgd_region_path(scope_id)::text[]
            WHERE scope_kind = 'region' AND scope_id IN (SELECT r.id FROM regions r, regions m WHERE m.id = \(id)::uuid AND r.path <@ m.path)
            """ as PGQuery)
    }

    /// The regions a per-region post covers (RegionCoverage), by code.
    package static func covered(_ connection: PGConnection, unitRegion: String?) async throws -> [RegionCoverage.Region] {
        try await connection.query("""
            SELECT r.id::text, r.code, r.name FROM regions r
            WHERE CASE WHEN \(unitRegion)::uuid IS NULL THEN r.parent_id IS NULL
                       WHEN EXISTS (SELECT 1 FROM regions c WHERE c.parent_id = \(unitRegion)::uuid) THEN r.parent_id = \(unitRegion)::uuid
                       ELSE r.id = \(unitRegion)::uuid END
            ORDER BY r.code
            """ as PGQuery).decode(String.self, String.self, String.self).map { RegionCoverage.Region(id: $0.0, code: $0.1, name: $0.2) }
    }
}
