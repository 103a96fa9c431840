// GET /v1/org/vacancies?unit_id=&as_of=: positions with fewer holders than their establishment,
// with the number of vacant seats and the days vacant: since the last holder left, or since the
// position began when nobody ever left it (for a post that was never full, its first day). A
// per-region post also lists its regions with their holders and vacant seats. The subtree is
// found by walking parent ids (see TreeQuery.subtreeCTE) and each position's holders are counted
// with one index probe that also yields the day the last holder left.

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
        let (rows, regions) = try await context.transaction(caller) { connection in
            if let unit, try await UnitStore.read(connection, id: unit.lowercased(), on: date) == nil {
                throw Problem.notFound("unit")
            }
            // A subtree starts from its units (parent walk, then positions by unit id); the whole
            // tenant from its positions. Holders and first days are then counted for all the
            // seats at once (`= ANY` of their ids): per-position probes went to the GiST indexes
            // behind the exclusion constraints, 0.1 ms each, and made the list follow the size
            // of the company.
            let from = unit == nil ? PositionStore.from(1) : """
                sub uv JOIN position_versions v ON v.tenant_id = uv.tenant_id AND v.unit_id = uv.unit_id AND v.valid @> $1::date
                JOIN positions p ON p.tenant_id = v.tenant_id AND p.id = v.position_id
                LEFT JOIN regions r ON r.tenant_id = uv.tenant_id AND r.id = uv.region_id
                """
            let rows = try await connection.query("""
                \(unit == nil ? "WITH" : TreeQuery.subtreeCTE(date: 1, root: 2, levels: 3) + ",")
                seats AS MATERIALIZED (SELECT \(PositionStore.baseColumns), p.id AS pid FROM \(from) WHERE NOT v.archived),
                ids AS (SELECT array_agg(pid) AS ids FROM seats),
                held AS (SELECT a.position_id, count(*) FILTER (WHERE a.valid @> $1::date) AS filled,
                                max(upper(a.valid)) FILTER (WHERE upper(a.valid) <= $1::date) AS last_left
                         FROM assignments a WHERE a.position_id = ANY ((SELECT ids FROM ids)::uuid[]) GROUP BY a.position_id),
                began AS (SELECT pv.position_id, min(lower(pv.valid)) AS first_day
                          FROM position_versions pv WHERE pv.position_id = ANY ((SELECT ids FROM ids)::uuid[]) GROUP BY pv.position_id)
                SELECT seats.*, coalesce(held.filled, 0) AS filled, $1::date - greatest(began.first_day, held.last_left) AS days_vacant
                FROM seats LEFT JOIN held ON held.position_id = seats.pid LEFT JOIN began ON began.position_id = seats.pid
                WHERE seats.establishment > coalesce(held.filled, 0)
                ORDER BY days_vacant DESC, seats.title LIMIT 1000
                """, unit.map { [date, $0.lowercased(), 10_000] } ?? [date])
            return (rows, try await RegionSeats.vacant(connection, positions: Array(rows), on: date))
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
                if let vacant = regions[row.string("id")!] { json.key("regions"); RegionSeats.write(vacant, to: &json) }
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
    }
}
