// GET /v1/access/manageable/{kind}: what the caller may perform an action on — users now, units
// and positions once the org chart's tables exist — paged by id. Rows are read in id order in
// batches and kept when the policy allows the action (`Principal.manageable`, equal to decide());
// every action whose object is one of these rows may be asked for ("which posts may I appoint
// to": positions with assignment.create), except moves and merges, whose answer depends on a
// destination the list does not have;
// a page stops at `limit` items or after scanning `scanLimit` rows, and `next_cursor` is set
// whenever rows remain unexamined, so a list is never cut short silently (a page may hold fewer
// than `limit` items while next_cursor is set).

import App
import HTTP
import Policy
import Postgres
import Tenancy

package enum ManageableRoutes {
    package static let scanLimit = 5_000
    package static let batch = 500

    /// One row of a list: its id (the cursor), itself as the object of an action, and its JSON.
    package struct Row: Sendable {
        package var id: String
        package var target: @Sendable (Caller, Action) -> Target
        package var write: @Sendable (inout JSONWriter) -> Void
    }

    /// One kind of object: its default action, the actions allowed, and its rows.
    package struct Kind: Sendable {
        package var defaultAction: Action
        package var actions: [Action]           // every action whose object is a row of this kind
        package var needs: [String]             // relations and functions that must exist
        /// Up to `batch` rows in id order after the cursor (an id).
        package var rows: @Sendable (PGConnection, _ after: String?, _ batch: Int) async throws -> [Row]
    }

    package static let kinds: [String: Kind] = [
        "users": Kind(
            defaultAction: .userUpdate, actions: [.userRead, .userUpdate, .userDisable, .userLinkPerson], needs: [],
            rows: { connection, after, batch in
                try await UserStore.list(connection, after: after, limit: batch).map { user in
                    Row(id: user.id,
                        target: { caller, _ in
                            var target = Target.tenantWide(caller.tenant)
                            target.grade = user.grades(caller.ladder).grade
                            return target
                        },
                        // The list has no ladder at hand: no effective_grade.
                        write: { json in user.write(to: &json, ladder: nil) })
                }
            }),
        "units": Kind(
            defaultAction: .unitUpdate, actions: [.unitRead, .unitCreate, .unitUpdate, .unitArchive, .unitDelete],
            needs: ["unit_versions", "orgd_unit_path(uuid)"],
            rows: { connection, after, batch in
                try await connection.query("""
                    SELECT u.id::text, v.name, v.tier, orgd_ltree_ids(v.path)::text
                    FROM units u CROSS JOIN LATERAL (
                        SELECT name, tier, path FROM unit_versions WHERE unit_id = u.id
                        ORDER BY valid @> current_date DESC, upper_inf(valid) DESC LIMIT 1) v
                    WHERE (\(after)::uuid IS NULL OR u.id > \(after)::uuid) ORDER BY u.id LIMIT \(batch)
                    """ as PGQuery).decode(String.self, String?.self, String?.self, String?.self).map { id, name, tier, pathText in
                    let path = AccessTargets.path(pathText)
                    return Row(id: id,
                               target: { caller, action in
                                   // unit.create: the row is the parent a new (untiered) unit would go under.
                                   action == .unitCreate ? .newUnit(caller.tenant, parent: path)
                                       : .unit(caller.tenant, path: path, tier: tier.flatMap { caller.ladder.tierIndex(named: $0) })
                               },
                               write: { json in
                                   json.beginObject()
                                   json.field("id", id)
                                   json.field("name", name)
                                   json.field("tier", tier)
                                   json.field("path", strings: StoredValues.array(pathText))
                                   json.endObject()
                               })
                }
            }),
        "positions": Kind(
            defaultAction: .positionUpdate,
            actions: [.positionRead, .positionUpdate, .positionArchive, .assignmentCreate, .assignmentUpdate, .assignmentEnd],
            needs: ["position_versions", "orgd_unit_path(uuid)"],
            rows: { connection, after, batch in
                try await connection.query("""
                    SELECT p.id::text, v.title, v.grade, v.unit_id::text, orgd_unit_path(v.unit_id)::text
                    FROM positions p CROSS JOIN LATERAL (
                        SELECT title, grade, unit_id FROM position_versions WHERE position_id = p.id
                        ORDER BY valid @> current_date DESC, upper_inf(valid) DESC LIMIT 1) v
                    WHERE (\(after)::uuid IS NULL OR p.id > \(after)::uuid) ORDER BY p.id LIMIT \(batch)
                    """ as PGQuery).decode(String.self, String?.self, String?.self, String?.self, String?.self).map { id, title, grade, unitID, path in
                    let unit = AccessTargets.path(path)
                    return Row(id: id,
                               target: { caller, action in
                                   let grade = grade.flatMap { try? caller.ladder.parse($0) }
                                   // Assignment actions: an appointment to (or in) this post of someone without a
                                   // higher post, which is what "may I appoint to it" asks.
                                   return action.permission == .assignmentsWrite
                                       ? .assignment(caller.tenant, unit: unit, positionGrade: grade, personGrade: nil)
                                       : .position(caller.tenant, unit: unit, grade: grade)
                               },
                               write: { json in
                                   json.beginObject()
                                   json.field("id", id)
                                   json.field("title", title)
                                   json.field("grade", grade)
                                   json.field("unit_id", unitID)
                                   json.endObject()
                               })
                }
            }),
    ]

    /// Hand-written, not a declared Endpoint: there is no one target to decide on; each row is
    /// kept or left out by the policy's decision about it (a list of what the caller may manage).
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let name = context.request.pathParameters["kind"] ?? ""
        guard let kind = kinds[name] else {
            throw Problem(status: 404, code: "NOT_FOUND", title: "Not Found",
                          detail: "manageable lists exist for users, units and positions (people: not yet)")
        }
        let action = try context.query("action").map { text in
            guard let action = Action(rawValue: text), kind.actions.contains(action) else {
                throw Problem.invalidQuery("action", rule: "enum",
                                           "action must be one of " + kind.actions.map(\.rawValue).joined(separator: ", "))
            }
            return action
        } ?? kind.defaultAction
        let page = try Page(context)
        let policyContext = caller.context(now: .now)
        let set = caller.principal.manageable(action, policyContext)
        let allowed: (Target) -> Bool = { target in
            set?.contains(target) ?? decide(caller.principal, action, target, policyContext).isAllowed
        }
        let (items, next) = try await context.transaction(caller) { connection in
            for needed in kind.needs {
                let present = needed.contains("(") ? try await AccessStore.functionExists(needed, connection)
                    : try await AccessStore.relationExists(needed, connection)
                guard present else {
                    throw Problem(status: 404, code: "ORG_CHART_UNAVAILABLE", title: "Not Found",
                                  detail: "\(name) need the org chart (\(needed)), which this database does not have yet")
                }
            }
            var items: [Row] = []
            var cursor = page.after
            var scanned = 0
            while true {
                let rows = try await kind.rows(connection, cursor, batch)
                for (index, row) in rows.enumerated() {
                    scanned += 1
                    cursor = row.id
                    if allowed(row.target(caller, action)) { items.append(row) }
                    let more = index < rows.count - 1 || rows.count == batch
                    if items.count == page.limit || scanned >= scanLimit { return (items, more ? cursor : nil) }
                }
                if rows.count < batch { return (items, nil) }
            }
        }
        return JSONResponse.make { json in
            json.beginObject()
            json.field("action", action.rawValue)
            json.key("items")
            json.beginArray()
            for row in items { row.write(&json) }
            json.endArray()
            json.field("next_cursor", next)
            json.endObject()
        }
    }
}
