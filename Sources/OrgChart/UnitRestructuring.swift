// Restructuring the unit tree: move a unit under another parent, merge one unit into another,
// archive, delete. Moves and merges of a tenant are serialised (OrgChange.lockTree) so that a
// unit can never end up under its own descendant, even when two moves race. The statements are
// UnitStore's (UnitStore+Restructuring.swift).

import App
import HTTP
import Policy
import Postgres

package enum UnitRestructuring {
    package struct MoveBody: Decodable, Sendable {
        package var parent_id: String?          // null: the unit becomes a root
        package var effective_date: String?
    }

    /// A move's unit and where it goes: the new parent's path (policy) and ltree ("" for the top).
    package struct Move: Sendable {
        package var date: String
        package var before: Unit
        package var parentPath: TreePath
        package var parentLtree: String
    }

    /// Re-parents the unit and its whole subtree from the effective date on.
    package static let move = Endpoint<MoveBody, Move, UnitChange>(
        action: .unitMove, resource: "unit",
        check: { call in
            _ = try call.pathID(resource: "unit")
            _ = try OrgDate.body(call.body.effective_date)
            try OrgRules.id(call.body.parent_id, field: "parent_id")
        },
        load: { call, connection in
            let body = call.body
            try await OrgChange.lockTree(connection, call.caller, "units")
            let (date, before) = try await UnitRoutes.lockedUnit(call, connection, on: OrgDate.body(body.effective_date))
            var move = Move(date: date, before: before, parentPath: TreePath([]), parentLtree: "")
            if body.parent_id != nil {
                let parent = try await UnitStore.named(connection, id: body.parent_id, field: "parent_id", on: date)
                move.parentPath = parent.path
                if before.path.contains(parent.path) {
                    throw Problem.invalid("parent_id", rule: "not_own_descendant",
                                          "a unit cannot be moved under itself or its own descendant (\(body.parent_id!) is in its subtree)")
                }
                guard !parent.archived else {
                    throw Problem.invalid("parent_id", rule: "not_archived", "the new parent unit is archived on \(date)")
                }
                move.parentLtree = try await UnitStore.ltree(connection, id: parent.id, on: date) ?? ""
            }
            return move
        },
        target: { call, move in
            var target = move.before.target(call.caller)
            target.destination = Location(unit: move.parentPath)
            return target
        },
        targetID: { _, move in move.before.id },
        perform: { call, move, connection in
            let id = move.before.id
            try await Versions.prepare(connection, Versions.units, id: id, on: move.date)
            try await UnitStore.repath(connection, unit: id, newParent: move.parentLtree, on: move.date)
            try await UnitStore.setParent(connection, id: id, parent: call.body.parent_id, from: move.date)
            let change = try await UnitRoutes.bumped(connection, (move.date, move.before))
            try await UnitStore.refreshGrantPaths(connection, below: id)
            return change
        },
        audit: { _, _, changed in changed.audited("unit.move") },
        writeAudit: OrgChange.writer,
        committed: { call, _ in call.context.resources.callers.invalidate(tenant: call.caller.tenantID!) },  // grants now reach the moved subtree
        encode: { _, changed in changed.after.response })

    package struct MergeBody: Decodable, Sendable {
        package var into_id: String
        package var effective_date: String?
    }

    /// Merges this unit into another from the effective date on: its children and positions
    /// (with their holders) move to the surviving unit, its hand-off links are carried over, and
    /// the merged unit stays, archived, with `merged_into` set, so its history still reads.
    /// Grants scoped to the merged unit are not carried over — that would widen them to the
    /// surviving unit's own people — but listed in the answer (`grants_on_merged_unit`) for an
    /// administrator to re-scope or revoke: from the effective date they reach nothing.
    package static let merge = Endpoint<MergeBody, (date: String, before: Unit, into: Unit), (change: UnitChange, stranded: [String])>(
        action: .unitMerge, resource: "unit",
        check: { call in
            _ = try call.pathID(resource: "unit")
            try OrgRules.id(call.body.into_id, field: "into_id")
            _ = try OrgDate.body(call.body.effective_date)
        },
        load: { call, connection in
            try await OrgChange.lockTree(connection, call.caller, "units")
            let (date, before) = try await UnitRoutes.lockedUnit(call, connection, on: OrgDate.body(call.body.effective_date))
            let into = try await UnitStore.named(connection, id: call.body.into_id, field: "into_id", on: date)
            if before.path.contains(into.path) {
                throw Problem.invalid("into_id", rule: "not_own_descendant", "a unit cannot be merged into itself or its own descendant")
            }
            guard !before.archived, !into.archived else {
                throw Problem.invalid("into_id", rule: "not_archived", "archived units cannot be merged")
            }
            return (date, before, into)
        },
        target: { call, merge in
            var target = merge.before.target(call.caller)
            target.destination = merge.into.location
            target.destinationTier = merge.into.tier.flatMap { call.caller.ladder.tierIndex(named: $0) }
            return target
        },
        targetID: { _, merge in merge.before.id },
        perform: { _, merge, connection in
            let (id, intoID, date) = (merge.before.id, merge.into.id, merge.date)
            try await Versions.prepare(connection, Versions.units, id: id, on: date)
            let intoLtree = try await UnitStore.ltree(connection, id: intoID, on: date)!
            // Children: each moves under the surviving unit with its subtree.
            for child in try await UnitStore.children(connection, of: id, on: date) {
                try await Versions.split(connection, Versions.units, ids: [child], on: date)
                try await UnitStore.repath(connection, unit: child, newParent: intoLtree, on: date)
                try await UnitStore.setParent(connection, id: child, parent: intoID, from: date)
            }
            // Positions, and so their holders.
            try await UnitStore.movePositions(connection, of: id, into: intoID, from: date)
            // Hand-off links: carried over to the surviving unit, ended on the merged one.
            try await HandoffStore.carryOver(connection, from: id, into: intoID, on: date)
            try await UnitStore.archive(connection, id: id, mergedInto: intoID, from: date)
            _ = try await Versions.bump(connection, "units", id: intoID)
            let change = try await UnitRoutes.bumped(connection, (date, merge.before))
            return (change, try await UnitStore.liveGrants(connection, on: id))
        },
        audit: { _, _, merged in merged.change.audited("unit.merge") },
        writeAudit: OrgChange.writer,
        encode: { _, merged in
            ETag.response(revision: merged.change.after.revision, body: merged.change.after.json { json in
                json.field("grants_on_merged_unit", strings: merged.stranded)
            })
        })

    package struct ArchiveBody: Decodable, Sendable {
        package var effective_date: String?

        /// The body of `call`, which may be empty (archive today).
        static func of(_ call: Call<NoBody>) throws -> ArchiveBody {
            call.request.body.isEmpty ? ArchiveBody() : try call.context.body(ArchiveBody.self)
        }
    }

    /// Archives the unit from the effective date on; refused while it has live children or
    /// positions on or after that day. The body is optional, so the endpoint reads it itself.
    package static let archive = Endpoint<NoBody, (date: String, before: Unit), UnitChange>(
        action: .unitArchive, resource: "unit",
        check: { call in
            _ = try call.pathID(resource: "unit")
            _ = try OrgDate.body(ArchiveBody.of(call).effective_date)
        },
        load: { call, connection in
            try await UnitRoutes.lockedUnit(call, connection, on: OrgDate.body(ArchiveBody.of(call).effective_date))
        },
        target: { call, loaded in loaded.before.target(call.caller) },
        targetID: { _, loaded in loaded.before.id },
        perform: { _, loaded, connection in
            let (id, date) = (loaded.before.id, loaded.date)
            let live = try await UnitStore.liveContents(connection, of: id, on: date)
            if live.children {
                throw Problem.conflict("UNIT_HAS_CHILDREN", "the unit has children that are not archived on or after \(date); move or archive them first")
            }
            if live.positions {
                throw Problem.conflict("UNIT_HAS_POSITIONS", "the unit has positions that are not archived on or after \(date); move or archive them first")
            }
            try await Versions.prepare(connection, Versions.units, id: id, on: date)
            try await UnitStore.archive(connection, id: id, from: date)
            return try await UnitRoutes.bumped(connection, loaded)
        },
        audit: { _, _, changed in changed.audited("unit.archive") },
        writeAudit: OrgChange.writer,
        encode: { _, changed in changed.after.response })

    /// Deletes a unit created by mistake: refused while it has children, positions or history
    /// (any change after its creation, a hand-off link, or a unit merged into it). Archive instead.
    package static let delete = Endpoint<NoBody, Unit, Unit>(
        action: .unitDelete, resource: "unit",
        load: { call, connection in
            let id = try call.pathID(resource: "unit")
            guard try await Versions.lock(connection, call.context, "units", id: id) != nil,
                  let first = try await UnitStore.firstDay(connection, id: id),
                  let unit = try await UnitStore.unit(connection, id: id, on: first) else {
                throw Problem.notFound("unit")
            }
            return unit
        },
        target: { call, unit in unit.target(call.caller) },
        targetID: { _, unit in unit.id },
        perform: { _, unit, connection in
            let uses = try await UnitStore.everUsed(connection, id: unit.id)
            if uses.children { throw Problem.conflict("UNIT_HAS_CHILDREN", "the unit has (or had) child units; it cannot be deleted") }
            if uses.positions { throw Problem.conflict("UNIT_HAS_POSITIONS", "the unit has (or had) positions; it cannot be deleted") }
            if uses.history {
                throw Problem.conflict("UNIT_HAS_HISTORY", "the unit has history (changes, hand-off links or merges); archive it instead")
            }
            try await UnitStore.delete(connection, id: unit.id)
            return unit
        },
        audit: { _, _, unit in Audited("unit.delete", resource: "unit", id: unit.id, before: unit.json(), effective: OrgDate.today) },
        writeAudit: OrgChange.writer,
        encode: { _, _ in JSONResponse.noContent })
}
