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

package enum ManageableRoutes {
    package static let scanLimit = 5_000
    package static let batch = 500

    /// One kind of object: its default action, the actions allowed, its rows and targets.
    package struct Kind: Sendable {
        package var defaultAction: Action
        package var actions: [Action]           // every action whose object is a row of this kind
        package var needs: [String]             // relations and functions that must exist
        package var sql: String                 // $1 cursor (id), $2 batch size; columns id, …
        package var target: @Sendable (PGRow, Caller, Action) -> Target   // the row as the object of the action
        package var write: @Sendable (PGRow, inout JSONWriter) -> Void
    }

    package static let kinds: [String: Kind] = [
        "users": Kind(
            defaultAction: .userUpdate, actions: [.userRead, .userUpdate, .userDisable, .userLinkPerson], needs: [],
            sql: "SELECT \(UserRoutes.columns) FROM users WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY users.id LIMIT $2",
            target: { row, caller, _ in
                var target = Target.tenantWide(caller.tenant)
                target.grade = UserRoutes.grades(row, caller.ladder).grade
                return target
            },
            write: UserRoutes.write),
        "units": Kind(
            defaultAction: .unitUpdate, actions: [.unitRead, .unitCreate, .unitUpdate, .unitArchive, .unitDelete],
            needs: ["unit_versions", "orgd_unit_path(uuid)"],
            sql: """
                SELECT u.id::text AS id, v.name, v.tier, orgd_ltree_ids(v.path)::text AS path
                FROM units u CROSS JOIN LATERAL (
                    SELECT name, tier, path FROM unit_versions WHERE unit_id = u.id
                    ORDER BY valid @> current_date DESC, upper_inf(valid) DESC LIMIT 1) v
                WHERE ($1::uuid IS NULL OR u.id > $1::uuid) ORDER BY u.id LIMIT $2
                """,
            target: { row, caller, action in
                // unit.create: the row is the parent a new (untiered) unit would go under.
                action == .unitCreate ? .newUnit(caller.tenant, parent: AccessTargets.path(row.string("path")))
                    : .unit(caller.tenant, path: AccessTargets.path(row.string("path")),
                            tier: row.string("tier").flatMap { caller.ladder.tierIndex(named: $0) })
            },
            write: { row, json in
                json.beginObject()
                json.field("id", row.string("id"))
                json.field("name", row.string("name"))
                json.field("tier", row.string("tier"))
                json.field("path", strings: StoredValues.array(row.string("path")))
                json.endObject()
            }),
        "positions": Kind(
            defaultAction: .positionUpdate,
            actions: [.positionRead, .positionUpdate, .positionArchive, .assignmentCreate, .assignmentUpdate, .assignmentEnd],
            needs: ["position_versions", "orgd_unit_path(uuid)"],
            sql: """
                SELECT p.id::text AS id, v.title, v.grade, v.unit_id::text AS unit_id, orgd_unit_path(v.unit_id)::text AS path
                FROM positions p CROSS JOIN LATERAL (
                    SELECT title, grade, unit_id FROM position_versions WHERE position_id = p.id
                    ORDER BY valid @> current_date DESC, upper_inf(valid) DESC LIMIT 1) v
                WHERE ($1::uuid IS NULL OR p.id > $1::uuid) ORDER BY p.id LIMIT $2
                """,
            target: { row, caller, action in
                let unit = AccessTargets.path(row.string("path"))
                let grade = row.string("grade").flatMap { try? caller.ladder.parse($0) }
                // Assignment actions: an appointment to (or in) this post of someone without a
                // higher post, which is what "may I appoint to it" asks.
                return action.permission == .assignmentsWrite
                    ? .assignment(caller.tenant, unit: unit, positionGrade: grade, personGrade: nil)
                    : .position(caller.tenant, unit: unit, grade: grade)
            },
            write: { row, json in
                json.beginObject()
                json.field("id", row.string("id"))
                json.field("title", row.string("title"))
                json.field("grade", row.string("grade"))
                json.field("unit_id", row.string("unit_id"))
                json.endObject()
            }),
    ]

    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let name = context.request.pathParameters["kind"] ?? ""
        guard let kind = kinds[name] else {
            throw Problem(status: 404, code: "NOT_FOUND", title: "Not Found",
                          detail: "manageable lists exist for users, units and positions (people: not yet)")
        }
        let action = try context.query("action").map { text in
            guard let action = Action(rawValue: text), kind.actions.contains(action) else {
                throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request",
                              detail: "action must be one of " + kind.actions.map(\.rawValue).joined(separator: ", "),
                              field: "action", rule: "enum")
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
            var items: [PGRow] = []
            var cursor = page.after
            var scanned = 0
            while true {
                let rows = try await connection.query(kind.sql, [cursor, batch])
                for (index, row) in rows.enumerated() {
                    scanned += 1
                    cursor = row.string("id")
                    if allowed(kind.target(row, caller, action)) { items.append(row) }
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
            for row in items { kind.write(row, &json) }
            json.endArray()
            json.field("next_cursor", next)
            json.endObject()
        }
    }
}
