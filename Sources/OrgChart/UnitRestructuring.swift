// Restructuring the unit tree: move a unit under another parent, merge one unit into another,
// archive, delete. Moves and merges of a tenant are serialised (OrgChange.lockTree) so that a
// unit can never end up under its own descendant, even when two moves race.

import Access
import App
import HTTP
import Policy
import Postgres

package enum UnitRestructuring {
    package struct MoveBody: Decodable {
        package var parent_id: String?          // null: the unit becomes a root
        package var effective_date: String?
    }

    /// Re-parents the unit and its whole subtree from the effective date on.
    package static func move(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let body = try context.body(MoveBody.self)
        let date = try OrgDate.body(body.effective_date)
        try OrgRules.id(body.parent_id, field: "parent_id")
        let row = try await context.transaction(caller) { connection in
            try await OrgChange.lockTree(connection, caller, "units")
            guard try await Versions.lock(connection, context, "units", id: id) != nil,
                  let before = try await UnitStore.read(connection, id: id, on: date) else {
                throw Problem.notFound("unit")
            }
            var parentPath = TreePath([])
            var parentLtree = ""
            if body.parent_id != nil {
                let parent = try await UnitStore.require(connection, id: body.parent_id, field: "parent_id", on: date)
                parentPath = OrgPath.tree(parent.string("path_ids")) ?? TreePath([])
                let unitPath = OrgPath.tree(before.string("path_ids")) ?? TreePath([])
                if unitPath.contains(parentPath) {
                    throw Problem.invalid("parent_id", rule: "not_own_descendant",
                                          "a unit cannot be moved under itself or its own descendant (\(body.parent_id!) is in its subtree)")
                }
                guard parent.bool("archived") == false else {
                    throw Problem.invalid("parent_id", rule: "not_archived", "the new parent unit is archived on \(date)")
                }
                parentLtree = try await connection.query(
                    "SELECT path::text AS path FROM unit_versions WHERE unit_id = $1::uuid AND valid @> $2::date",
                    [body.parent_id!.lowercased(), date]).string(0, "path") ?? ""
            }
            var target = UnitStore.target(caller, before)
            target.destination = Location(unit: parentPath)
            try await context.authorize(caller, .unitMove, target, resource: "unit", id: id)
            try await Versions.prepare(connection, Versions.units, id: id, on: date)
            try await repath(connection, unit: id, newParent: parentLtree, on: date)
            _ = try await connection.query(
                "UPDATE unit_versions SET parent_id = $2::uuid WHERE unit_id = $1::uuid AND lower(valid) >= $3::date",
                [id, body.parent_id?.lowercased(), date])
            _ = try await Versions.bump(connection, "units", id: id)
            try await refreshGrantPaths(connection, below: id)
            let after = try await UnitStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "unit.move", resource: "unit", id: id,
                                       effective: date, before: UnitStore.json(before), after: UnitStore.json(after))
            return after
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)     // grants now reach the moved subtree
        return ETag.response(revision: row.int("revision"), body: UnitStore.json(row))
    }

    /// After a move: the stored scope paths of unit grants in the moved subtree follow today's
    /// tree (listings filter on them; decisions read the live path, AccessStore.liveScopePath),
    /// and every instance drops the tenant's cached callers at commit.
    package static func refreshGrantPaths(_ connection: PGConnection, below unit: String) async throws {
        _ = try await connection.query("""
            UPDATE grants SET scope_path = orgd_unit_path(scope_id)::text[]
            WHERE scope_kind = 'unit' AND $1::text = ANY (orgd_unit_path(scope_id)::text[])
              AND scope_path IS DISTINCT FROM orgd_unit_path(scope_id)::text[]
            """, [unit])
        try await AccessStore.notifyAccessChanged(connection)
    }

    /// Rewrites the paths of `unit`'s subtree from `date` on so that it hangs under `newParent`
    /// (an ltree, "" for the top). Every descendant version reaching past `date` is cut first.
    package static func repath(_ connection: PGConnection, unit: String, newParent: String, on date: String) async throws {
        let old = try await connection.query(
            "SELECT path::text AS path FROM unit_versions WHERE unit_id = $1::uuid AND valid @> $2::date", [unit, date]).string(0, "path")!
        _ = try await connection.query("""
            SELECT orgd_split_unit_versions(array(SELECT DISTINCT unit_id FROM unit_versions
                                                  WHERE path <@ $1::ltree AND (upper_inf(valid) OR upper(valid) > $2::date)), $2::date)
            """, [old, date])
        _ = try await connection.query("""
            UPDATE unit_versions SET path = $3::ltree || subpath(path, nlevel($1::ltree) - 1)
            WHERE path <@ $1::ltree AND lower(valid) >= $2::date
            """, [old, date, newParent])
    }

    package struct MergeBody: Decodable {
        package var into_id: String
        package var effective_date: String?
    }

    /// Merges this unit into another from the effective date on: its children and positions
    /// (with their holders) move to the surviving unit, its hand-off links are carried over, and
    /// the merged unit stays, archived, with `merged_into` set, so its history still reads.
    /// Grants scoped to the merged unit are not carried over — that would widen them to the
    /// surviving unit's own people — but listed in the answer (`grants_on_merged_unit`) for an
    /// administrator to re-scope or revoke: from the effective date they reach nothing.
    package static func merge(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let body = try context.body(MergeBody.self)
        try OrgRules.id(body.into_id, field: "into_id")
        let date = try OrgDate.body(body.effective_date)
        let (row, stranded) = try await context.transaction(caller) { connection in
            try await OrgChange.lockTree(connection, caller, "units")
            guard try await Versions.lock(connection, context, "units", id: id) != nil,
                  let before = try await UnitStore.read(connection, id: id, on: date) else {
                throw Problem.notFound("unit")
            }
            let into = try await UnitStore.require(connection, id: body.into_id, field: "into_id", on: date)
            let intoID = into.string("id")!
            let unitPath = OrgPath.tree(before.string("path_ids")) ?? TreePath([])
            let intoPath = OrgPath.tree(into.string("path_ids")) ?? TreePath([])
            if unitPath.contains(intoPath) {
                throw Problem.invalid("into_id", rule: "not_own_descendant", "a unit cannot be merged into itself or its own descendant")
            }
            guard before.bool("archived") == false, into.bool("archived") == false else {
                throw Problem.invalid("into_id", rule: "not_archived", "archived units cannot be merged")
            }
            var target = UnitStore.target(caller, before)
            target.destination = UnitStore.location(into)
            target.destinationTier = into.string("tier").flatMap { caller.ladder.tierIndex(named: $0) }
            try await context.authorize(caller, .unitMerge, target, resource: "unit", id: id)
            try await Versions.prepare(connection, Versions.units, id: id, on: date)
            let intoLtree = try await connection.query(
                "SELECT path::text AS path FROM unit_versions WHERE unit_id = $1::uuid AND valid @> $2::date", [intoID, date]).string(0, "path")!
            // Children: each moves under the surviving unit with its subtree.
            let children = try await connection.query(
                "SELECT unit_id::text AS id FROM unit_versions WHERE parent_id = $1::uuid AND valid @> $2::date", [id, date])
            for child in children {
                let childID = child.string("id")!
                try await Versions.split(connection, Versions.units, ids: [childID], on: date)
                try await repath(connection, unit: childID, newParent: intoLtree, on: date)
                _ = try await connection.query(
                    "UPDATE unit_versions SET parent_id = $2::uuid WHERE unit_id = $1::uuid AND lower(valid) >= $3::date",
                    [childID, intoID, date])
            }
            // Positions, and so their holders.
            _ = try await connection.query("""
                SELECT orgd_split_position_versions(array(SELECT DISTINCT position_id FROM position_versions
                                                          WHERE unit_id = $1::uuid AND (upper_inf(valid) OR upper(valid) > $2::date)), $2::date)
                """, [id, date])
            _ = try await connection.query(
                "UPDATE position_versions SET unit_id = $2::uuid WHERE unit_id = $1::uuid AND lower(valid) >= $3::date", [id, intoID, date])
            // Hand-off links: carried over to the surviving unit, ended on the merged one.
            _ = try await connection.query("""
                INSERT INTO unit_handoffs (tenant_id, from_unit_id, to_unit_id, note, valid)
                SELECT tenant_id, CASE WHEN from_unit_id = $1::uuid THEN $2::uuid ELSE from_unit_id END,
                       CASE WHEN to_unit_id = $1::uuid THEN $2::uuid ELSE to_unit_id END, note,
                       daterange(greatest(lower(valid), $3::date), upper(valid))
                FROM unit_handoffs
                WHERE (from_unit_id = $1::uuid OR to_unit_id = $1::uuid) AND (upper_inf(valid) OR upper(valid) > $3::date)
                  AND from_unit_id <> $2::uuid AND to_unit_id <> $2::uuid
                ON CONFLICT DO NOTHING
                """, [id, intoID, date])
            _ = try await connection.query("""
                UPDATE unit_handoffs SET valid = daterange(lower(valid), $2::date)
                WHERE (from_unit_id = $1::uuid OR to_unit_id = $1::uuid) AND valid @> $2::date AND lower(valid) < $2::date
                """, [id, date])
            _ = try await connection.query(
                "DELETE FROM unit_handoffs WHERE (from_unit_id = $1::uuid OR to_unit_id = $1::uuid) AND lower(valid) >= $2::date", [id, date])
            _ = try await connection.query(
                "UPDATE unit_versions SET archived = true, merged_into = $2::uuid WHERE unit_id = $1::uuid AND lower(valid) >= $3::date",
                [id, intoID, date])
            _ = try await Versions.bump(connection, "units", id: id)
            _ = try await Versions.bump(connection, "units", id: intoID)
            let after = try await UnitStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "unit.merge", resource: "unit", id: id,
                                       effective: date, before: UnitStore.json(before), after: UnitStore.json(after))
            let stranded = try await connection.query("""
                SELECT id::text AS id FROM grants
                WHERE scope_kind = 'unit' AND scope_id = $1::uuid AND (expires_at IS NULL OR expires_at > now())
                ORDER BY created_at, id
                """, [id]).map { $0.string("id")! }
            return (after, stranded)
        }
        return ETag.response(revision: row.int("revision"), body: UnitStore.json(row) { json in
            json.field("grants_on_merged_unit", strings: stranded)
        })
    }

    package struct ArchiveBody: Decodable {
        package var effective_date: String?
    }

    /// Archives the unit from the effective date on; refused while it has live children or
    /// positions on or after that day.
    package static func archive(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let body = context.request.body.isEmpty ? ArchiveBody() : try context.body(ArchiveBody.self)
        let date = try OrgDate.body(body.effective_date)
        let row = try await context.transaction(caller) { connection in
            guard try await Versions.lock(connection, context, "units", id: id) != nil,
                  let before = try await UnitStore.read(connection, id: id, on: date) else {
                throw Problem.notFound("unit")
            }
            try await context.authorize(caller, .unitArchive, UnitStore.target(caller, before), resource: "unit", id: id)
            let busy = try await connection.query("""
                SELECT EXISTS (SELECT 1 FROM unit_versions WHERE parent_id = $1::uuid AND NOT archived
                               AND (upper_inf(valid) OR upper(valid) > $2::date)) AS children,
                       EXISTS (SELECT 1 FROM position_versions WHERE unit_id = $1::uuid AND NOT archived
                               AND (upper_inf(valid) OR upper(valid) > $2::date)) AS positions
                """, [id, date])[0]
            if busy.bool("children") == true {
                throw Problem.conflict("UNIT_HAS_CHILDREN", "the unit has children that are not archived on or after \(date); move or archive them first")
            }
            if busy.bool("positions") == true {
                throw Problem.conflict("UNIT_HAS_POSITIONS", "the unit has positions that are not archived on or after \(date); move or archive them first")
            }
            try await Versions.prepare(connection, Versions.units, id: id, on: date)
            _ = try await connection.query(
                "UPDATE unit_versions SET archived = true WHERE unit_id = $1::uuid AND lower(valid) >= $2::date", [id, date])
            _ = try await Versions.bump(connection, "units", id: id)
            let after = try await UnitStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "unit.archive", resource: "unit", id: id,
                                       effective: date, before: UnitStore.json(before), after: UnitStore.json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: UnitStore.json(row))
    }

    /// Deletes a unit created by mistake: refused while it has children, positions or history
    /// (any change after its creation, a hand-off link, or a unit merged into it). Archive instead.
    package static func delete(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        try await context.transaction(caller) { connection in
            guard try await Versions.lock(connection, context, "units", id: id) != nil,
                  let first = try await connection.query(
                    "SELECT lower(valid)::text AS day FROM unit_versions WHERE unit_id = $1::uuid ORDER BY lower(valid) LIMIT 1", [id]).first,
                  let before = try await UnitStore.read(connection, id: id, on: first.string("day")!) else {
                throw Problem.notFound("unit")
            }
            try await context.authorize(caller, .unitDelete, UnitStore.target(caller, before), resource: "unit", id: id)
            let uses = try await connection.query("""
                SELECT EXISTS (SELECT 1 FROM unit_versions WHERE parent_id = $1::uuid) AS children,
                       EXISTS (SELECT 1 FROM position_versions WHERE unit_id = $1::uuid) AS positions,
                       (SELECT count(*) FROM unit_versions WHERE unit_id = $1::uuid) > 1
                       OR EXISTS (SELECT 1 FROM unit_handoffs WHERE from_unit_id = $1::uuid OR to_unit_id = $1::uuid)
                       OR EXISTS (SELECT 1 FROM unit_versions WHERE merged_into = $1::uuid)
                       OR EXISTS (SELECT 1 FROM org_changes WHERE resource_type = 'unit' AND resource_id = $1::uuid
                                  AND action <> 'unit.create') AS history
                """, [id])[0]
            if uses.bool("children") == true { throw Problem.conflict("UNIT_HAS_CHILDREN", "the unit has (or had) child units; it cannot be deleted") }
            if uses.bool("positions") == true { throw Problem.conflict("UNIT_HAS_POSITIONS", "the unit has (or had) positions; it cannot be deleted") }
            if uses.bool("history") == true {
                throw Problem.conflict("UNIT_HAS_HISTORY", "the unit has history (changes, hand-off links or merges); archive it instead")
            }
            _ = try await connection.query("DELETE FROM units WHERE id = $1::uuid", [id])
            try await OrgChange.record(connection, context, caller, action: "unit.delete", resource: "unit", id: id,
                                       effective: OrgDate.today, before: UnitStore.json(before))
        }
        return JSONResponse.noContent
    }
}

