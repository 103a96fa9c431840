// The statements of restructuring the unit tree (UnitRestructuring): re-pathing a subtree,
// re-parenting, merging, archiving and deleting. A change effective on day d rewrites every
// version from d on; the callers cut the versions covering d first (Versions.prepare/split).

import Access
import App
import Postgres

extension UnitStore {
    /// The unit's path on `date` as ltree text; nil when it does not exist that day.
    package static func ltree(_ connection: PGConnection, id: String, on date: String) async throws -> String? {
        try await connection.query("SELECT path::text FROM unit_versions WHERE unit_id = \(id)::uuid AND valid @> \(date)::date" as PGQuery)
            .decodeFirst(String.self)
    }

    /// Rewrites the paths of `unit`'s subtree from `date` on so that it hangs under `newParent`
    /// (an ltree, "" for the top). Every descendant version reaching past `date` is cut first.
    package static func repath(_ connection: PGConnection, unit: String, newParent: String, on date: String) async throws {
        let old = try await ltree(connection, id: unit, on: date)!
        _ = try await connection.query("""
            SELECT orgd_split_unit_versions(array(SELECT DISTINCT unit_id FROM unit_versions
                                                  WHERE path <@ \(old)::ltree AND (upper_inf(valid) OR upper(valid) > \(date)::date)),
                                            \(date)::date)
            """ as PGQuery)
        _ = try await connection.query("""
            UPDATE unit_versions SET path = \(newParent)::ltree || subpath(path, nlevel(\(old)::ltree) - 1)
            WHERE path <@ \(old)::ltree AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }

    /// Sets the unit's parent (nil: a root) from `date` on; the paths are `repath`'s.
    package static func setParent(_ connection: PGConnection, id: String, parent: String?, from date: String) async throws {
        _ = try await connection.query("""
            UPDATE unit_versions SET parent_id = \(parent?.lowercased())::uuid WHERE unit_id = \(id)::uuid AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }

    /// The units whose parent is `id` on `date`.
    package static func children(_ connection: PGConnection, of id: String, on date: String) async throws -> [String] {
        try await connection.query("SELECT unit_id::text FROM unit_versions WHERE parent_id = \(id)::uuid AND valid @> \(date)::date" as PGQuery)
            .decode(String.self)
    }

    /// Moves the positions of unit `id` (and so their holders) to `into` from `date` on.
    /// (position_versions belongs to PositionStore; here until a merge can ask it.)
    package static func movePositions(_ connection: PGConnection, of id: String, into: String, from date: String) async throws {
        _ = try await connection.query("""
            SELECT orgd_split_position_versions(array(SELECT DISTINCT position_id FROM position_versions
                                                      WHERE unit_id = \(id)::uuid AND (upper_inf(valid) OR upper(valid) > \(date)::date)),
                                                \(date)::date)
            """ as PGQuery)
        _ = try await connection.query("""
            UPDATE position_versions SET unit_id = \(into)::uuid WHERE unit_id = \(id)::uuid AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }

    /// Archives the unit from `date` on, as merged into `into` when one is given.
    package static func archive(_ connection: PGConnection, id: String, mergedInto into: String? = nil, from date: String) async throws {
        _ = try await connection.query("""
            UPDATE unit_versions SET archived = true, merged_into = coalesce(\(into)::uuid, merged_into)
            WHERE unit_id = \(id)::uuid AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }

    /// Whether the unit has children or positions that are not archived on or after `date`.
    package static func liveContents(_ connection: PGConnection, of id: String,
                                     on date: String) async throws -> (children: Bool, positions: Bool) {
        try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM unit_versions WHERE parent_id = \(id)::uuid AND NOT archived
                           AND (upper_inf(valid) OR upper(valid) > \(date)::date)),
                   EXISTS (SELECT 1 FROM position_versions WHERE unit_id = \(id)::uuid AND NOT archived
                           AND (upper_inf(valid) OR upper(valid) > \(date)::date))
            """ as PGQuery).decodeFirst(Bool.self, Bool.self)!
    }

    /// The first day of the unit's first version; nil when there is no such unit.
    package static func firstDay(_ connection: PGConnection, id: String) async throws -> String? {
        try await connection.query("SELECT min(lower(valid))::text FROM unit_versions WHERE unit_id = \(id)::uuid" as PGQuery)
            .decodeFirst(String?.self) ?? nil
    }

    /// Whether the unit ever had children or positions, or has history: a change after its
    /// creation, a hand-off link, or a unit merged into it.
    package static func everUsed(_ connection: PGConnection, id: String) async throws -> (children: Bool, positions: Bool, history: Bool) {
        try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM unit_versions WHERE parent_id = \(id)::uuid),
                   EXISTS (SELECT 1 FROM position_versions WHERE unit_id = \(id)::uuid),
                   (SELECT count(*) FROM unit_versions WHERE unit_id = \(id)::uuid) > 1
                   OR EXISTS (SELECT 1 FROM unit_handoffs WHERE from_unit_id = \(id)::uuid OR to_unit_id = \(id)::uuid)
                   OR EXISTS (SELECT 1 FROM unit_versions WHERE merged_into = \(id)::uuid)
                   OR EXISTS (SELECT 1 FROM org_changes WHERE resource_type = 'unit' AND resource_id = \(id)::uuid
                              AND action <> 'unit.create')
            """ as PGQuery).decodeFirst(Bool.self, Bool.self, Bool.self)!
    }

    /// Deletes the unit and its versions.
    package static func delete(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("DELETE FROM units WHERE id = \(id)::uuid" as PGQuery)
    }

    /// After a move: the stored scope paths of unit grants in the moved subtree follow today's
    /// tree (listings filter on them; decisions read the live path, AccessStore.liveScopePath),
    /// and every instance drops the tenant's cached callers at commit.
    /// (grants belongs to Access; here until AccessStore offers it.)
    package static func refreshGrantPaths(_ connection: PGConnection, below unit: String) async throws {
        _ = try await connection.query("""
            UPDATE grants SET scope_path = orgd_unit_path(scope_id)::text[]
            WHERE scope_kind = 'unit' AND \(unit)::text = ANY (orgd_unit_path(scope_id)::text[])
              AND scope_path IS DISTINCT FROM orgd_unit_path(scope_id)::text[]
            """ as PGQuery)
        try await AccessStore.notifyAccessChanged(connection)
    }

    /// The live grants scoped to the unit, oldest first (a merge lists them in its answer).
    /// (grants belongs to Access; here until AccessStore offers it.)
    package static func liveGrants(_ connection: PGConnection, on id: String) async throws -> [String] {
        try await connection.query("""
            SELECT id::text FROM grants
            WHERE scope_kind = 'unit' AND scope_id = \(id)::uuid AND (expires_at IS NULL OR expires_at > now())
            ORDER BY created_at, id
            """ as PGQuery).decode(String.self)
    }
}
