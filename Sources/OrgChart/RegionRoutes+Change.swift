// PATCH /v1/regions/{id}: rename, recode or move a region from an effective date. Name and code
// may change on any day from the region's first on, future included. A move (new parent_id) is
// dated today or earlier: it rewrites today's path of the whole subtree, and the scope paths of
// region grants in it, when it is recorded, so access never runs ahead of the dated tree.

import App
import HTTP
import Policy
import Postgres

extension RegionRoutes {
    package struct UpdateBody: Decodable, Sendable {
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

        /// The new parent: nil when absent, `.some(nil)` for the top.
        var newParent: String?? { parent_id.map { $0?.lowercased() } }
    }

    /// The region to change, locked, with today's path (the decision's) as ltree and ids.
    package struct Locked: Sendable {
        package var id: String
        package var date: String
        package var ltree: String
        package var pathIDs: String?
    }

    /// Refuses a new parent that is the region itself or below it on any day from `date` on
    /// (the day itself and every later day the tree changes), or in today's tree.
    package static func checkNotBelow(_ connection: PGConnection, region id: String, parent: String, on date: String) async throws {
        if try await RegionStore.isBelow(connection, region: id, parent: parent, on: date) {
            throw Problem.invalid("parent_id", rule: "not_descendant", "a region cannot move under itself or one of its own descendants")
        }
    }

    /// Decided on the region where it is today; a move is decided a second time, in perform, on
    /// the new parent, after the checks of the move (so a refused caller learns nothing of them).
    package static let update = Endpoint<UpdateBody, Locked, (before: Region, after: Region, moves: Bool)>(
        action: .regionWrite, resource: "region",
        check: { call in
            _ = try call.pathID(resource: "region")
            let body = call.body
            if let name = body.name { try OrgRules.name(name) }
            if let code = body.code { try OrgRules.code(code) }
            _ = try OrgDate.body(body.effective_date)
            if let parent = body.newParent ?? nil, EntityID(uuid: parent) == nil {
                throw Problem.invalid("parent_id", rule: "exists", "parent_id \(parent) names no region of this tenant")
            }
        },
        load: { call, connection in
            let id = try call.pathID(resource: "region")
            if call.body.newParent != nil { try await OrgChange.lockTree(connection, call.caller, "regions") }
            guard try await Versions.lock(connection, call.context, "regions", id: id) != nil,
                  let current = try await RegionStore.currentPath(connection, id: id) else { throw Problem.notFound("region") }
            return Locked(id: id, date: try OrgDate.body(call.body.effective_date), ltree: current.ltree, pathIDs: current.ids)
        },
        target: { call, locked in .network(call.caller.tenant, region: OrgPath.tree(locked.pathIDs)) },
        targetID: { _, locked in locked.id },
        perform: { call, locked, connection in
            let (id, date, body, context, caller) = (locked.id, locked.date, call.body, call.context, call.caller)
            guard let before = try await RegionStore.region(connection, id: id, on: date) else {
                try await Versions.prepare(connection, RegionStore.versions, id: id, on: date)    // throws: not in the region's lifetime
                throw Problem.notFound("region")
            }
            let newParent = body.newParent
            let moves = newParent.map { $0 != before.parentID } ?? false
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
                    parentLtree = try await RegionStore.currentPath(connection, id: parent)?.ltree ?? ""
                } else {
                    try await context.authorize(caller, .regionWrite, .network(caller.tenant, region: nil), resource: "region", id: id)
                }
            }
            try await Versions.prepare(connection, RegionStore.versions, id: id, on: date)
            try await RegionStore.update(connection, id: id, name: body.name, code: body.code, moves: moves, parent: newParent ?? nil,
                                         from: date)
            if moves { try await RegionStore.movePaths(connection, region: id, from: locked.ltree, under: parentLtree) }
            return (before, try await RegionStore.region(connection, id: id, on: date)!, moves)
        },
        audit: { _, locked, changed in
            Audited(changed.moves ? "region.move" : "region.update", resource: "region", id: locked.id, before: changed.before.json,
                    after: changed.after.json, effective: locked.date)
        },
        writeAudit: OrgChange.writer,
        encode: { _, changed in ETag.response(revision: changed.after.revision, body: changed.after.json) })
}
