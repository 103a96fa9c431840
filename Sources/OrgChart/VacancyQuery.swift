// GET /v1/org/vacancies?unit_id=&as_of=: positions with fewer holders than their establishment
// (an "n+" post, which has none: fewer than n; an "N" post is never vacant), with the number of vacant seats and the days vacant: since the last holder left, or since the
// position began when nobody ever left it (for a post that was never full, its first day). A
// per-region post also lists its regions with their holders and vacant seats. The subtree is
// found by walking parent ids (see TreeQuery.subtreeCTE); holders, the day the last one left and
// first days are read for all its positions at once (`vacantSeats`).

import App
import HTTP
import Policy
import Postgres

package enum VacancyQuery {
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let date = try OrgDate.asOf(context)
        let unit = context.query("unit_id")
        if let unit, EntityID(uuid: unit) == nil {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "unit_id must be a unit id", field: "unit_id", rule: "uuid")
        }
        let (listed, rows, regions) = try await context.transaction(caller) { connection in
            if let unit, try await UnitStore.read(connection, id: unit.lowercased(), on: date) == nil {
                throw Problem.notFound("unit")
            }
            let listed = try await vacantSeats(connection, under: unit?.lowercased(), on: date)
            let rows = listed.isEmpty ? PGResult(columns: [], rows: []) : try await connection.query("""
                SELECT \(PositionStore.baseColumns) FROM \(PositionStore.from(1)) WHERE p.id = ANY ($2::uuid[])
                """, [date, listed.map(\.id)])
            return (listed, rows, try await RegionSeats.vacant(connection, positions: Array(rows), on: date))
        }
        var rowOf: [String: PGRow] = [:]
        for row in rows { rowOf[row.string("id")!] = row }
        let now = caller.context(now: .now)
        return JSONResponse.make { json in
            json.beginObject()
            json.field("as_of", date)
            json.key("items")
            json.beginArray()
            for seat in listed {
                guard let row = rowOf[seat.id],
                      decide(caller.principal, .positionRead, PositionStore.target(caller, row), now).isAllowed else { continue }
                json.beginObject()
                json.field("position_id", row.string("id"))
                json.field("title", row.string("title"))
                json.field("unit_id", row.string("unit_id"))
                json.field("unit_name", row.string("unit_name"))
                json.field("grade", row.string("grade"))
                json.field("establishment", row.int("establishment"))
                json.field("filled", seat.filled)
                json.field("vacant", seat.establishment - seat.filled)
                json.field("days_vacant", seat.daysVacant)
                if let vacant = regions[row.string("id")!] { json.key("regions"); RegionSeats.write(vacant, to: &json) }
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
    }

    package struct VacantSeat {
        package var id: String
        package var title: String
        package var establishment: Int
        package var filled = 0
        package var daysVacant = 0
    }

    /// The 1,000 longest-vacant positions of the subtree of `unit` (the tenant when nil) on
    /// `date`, longest first. Three reads of one table each, joined here: the positions with
    /// their establishment, then the holders and the first days of all of them by `= ANY` of
    /// their ids. Joined in SQL, these sets were planned blind (an array's length, a recursive
    /// walk's size) and nested loops re-read one set per row of the other: 1.8–4.8 s, varying
    /// from run to run, for 5,000 positions.
    package static func vacantSeats(_ connection: PGConnection, under unit: String?, on date: String) async throws -> [VacantSeat] {
        let columns = "SELECT p.id::text AS id, v.title, \(Headcount.toFillSQL) AS establishment FROM \(TreeQuery.positionsFrom)"
        let positions: PGResult
        if let unit {
            let units = try await connection.query("""
                \(TreeQuery.subtreeCTE(date: 1, root: 2, levels: 3))
                SELECT unit_id::text AS id FROM sub WHERE NOT archived
                """, [date, unit, 10_000]).map { $0.string("id")! }
            positions = try await connection.query("\(columns) WHERE NOT v.archived AND v.unit_id = ANY ($2::uuid[])", [date, units])
        } else {
            positions = try await connection.query("\(columns) WHERE NOT v.archived", [date])
        }
        var seats: [String: VacantSeat] = [:]
        for row in positions {
            guard let establishment = row.int("establishment") else { continue }      // unbounded: never vacant
            let id = row.string("id")!
            seats[id] = VacantSeat(id: id, title: row.string("title") ?? "", establishment: establishment)
        }
        guard !seats.isEmpty else { return [] }
        let ids = Array(seats.keys)
        for row in try await connection.query("""
            SELECT position_id::text AS id, $2::date - min(lower(valid)) AS days FROM position_versions
            WHERE position_id = ANY ($1::uuid[]) GROUP BY position_id
            """, [ids, date]) {
            seats[row.string("id")!]?.daysVacant = row.int("days") ?? 0
        }
        for row in try await connection.query("""
            SELECT position_id::text AS id, count(*) FILTER (WHERE valid @> $2::date) AS filled,
                   $2::date - max(upper(valid)) FILTER (WHERE upper(valid) <= $2::date) AS days_since_left
            FROM assignments WHERE position_id = ANY ($1::uuid[]) GROUP BY position_id
            """, [ids, date]) {
            guard var seat = seats[row.string("id")!] else { continue }
            seat.filled = row.int("filled") ?? 0
            if let days = row.int("days_since_left") { seat.daysVacant = min(seat.daysVacant, days) }
            seats[seat.id] = seat
        }
        let vacant = seats.values.filter { $0.filled < $0.establishment }
            .sorted { ($1.daysVacant, $0.title, $0.id) < ($0.daysVacant, $1.title, $1.id) }
        return Array(vacant.prefix(1000))
    }
}
