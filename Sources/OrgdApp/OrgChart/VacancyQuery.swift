// GET /v1/org/vacancies?unit_id=&as_of=: positions with fewer holders than their establishment,
// with the number of vacant seats and the days vacant: since the last holder left, or since the
// position began when nobody ever left it (for a post that was never full, its first day).

import HTTP
import Policy
import Postgres

enum VacancyQuery {
    static func add(to router: inout Router<RouteHandler>) {
        router.add(.GET, "/v1/org/vacancies", .async(list))
    }

    static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let date = try OrgDate.asOf(context)
        let unit = context.query("unit_id")
        if let unit, EntityID(uuid: unit) == nil {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "unit_id must be a unit id", field: "unit_id", rule: "uuid")
        }
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT * FROM (
                    SELECT \(PositionStore.columns(1)),
                           $1::date - greatest(
                               (SELECT min(lower(pv.valid)) FROM position_versions pv WHERE pv.position_id = p.id),
                               (SELECT max(upper(a.valid)) FROM assignments a WHERE a.position_id = p.id AND upper(a.valid) <= $1::date)) AS days_vacant
                    FROM \(PositionStore.from(1))
                    WHERE NOT v.archived
                      AND ($2::uuid IS NULL OR uv.path <@ (SELECT path FROM unit_versions WHERE unit_id = $2::uuid AND valid @> $1::date))
                ) seats
                WHERE establishment > filled
                ORDER BY days_vacant DESC, title LIMIT 1000
                """, [date, unit])
        }
        let now = caller.context(now: .now)
        return JSONResponse.make { json in
            json.beginObject()
            json.field("as_of", date)
            json.key("items")
            json.beginArray()
            for row in rows where decide(caller.principal, .positionRead, PositionStore.target(caller, row), now).isAllowed {
                json.beginObject()
                json.field("position_id", row.string("id"))
                json.field("title", row.string("title"))
                json.field("unit_id", row.string("unit_id"))
                json.field("unit_name", row.string("unit_name"))
                json.field("grade", row.string("grade"))
                json.field("establishment", row.int("establishment"))
                json.field("filled", row.int("filled"))
                json.field("vacant", (row.int("establishment") ?? 0) - (row.int("filled") ?? 0))
                json.field("days_vacant", row.int("days_vacant"))
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
    }
}
