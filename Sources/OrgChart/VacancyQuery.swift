// GET /v1/org/vacancies?unit_id=&as_of=&scenario=: positions with fewer holders than their establishment
// (an "n+" post, which has none: fewer than n; an "N" post is never vacant), with the number of vacant seats and the days vacant: since the last holder left, or since the
// position began when nobody ever left it (for a post that was never full, its first day). A
// per-region post also lists its regions with their holders and vacant seats. The subtree is
// found by walking parent ids (see TreeQuery.subtreeCTE); holders, the day the last one left and
// first days are read for all its positions at once (`vacantSeats`). Cached per caller in the
// answer cache (AnswerCaching), except `?scenario=` previews.

import App
import HTTP
import Policy
import Postgres

package enum VacancyQuery {
    /// A vacant post: its seats, the position, and per region the vacant seats of a per-region post.
    package struct Vacancy: Sendable {
        package var seat: VacantSeat
        package var position: Position
        package var regions: [RegionSeats.Seat]?
    }

    /// The 1,000 longest-vacant posts, longest first, the ones the caller may not read left out:
    /// unpaged, since the order is by days vacant, not by id.
    package static let list = FilteredList<(day: ScenarioReplay.ListDay, unit: String?), Vacancy>(
        action: .positionRead,
        parameters: { context in
            let day = try ScenarioReplay.ListDay(context)
            let unit = try context.queryID("unit_id", "a unit id")
            return (day, unit)
        },
        fetchAll: { call, connection in
            // `?scenario=ID`: the vacancies the scenario would leave, on its day unless as_of says another
            let scenario = try await ScenarioReplay.overlay(call.context, call.caller, connection, day: call.body.day)
            let found = try await vacancies(connection, under: call.body.unit, on: call.body.day.date)
            try await ScenarioReplay.end(scenario, connection)
            return found
        },
        target: { caller, vacancy in vacancy.position.target(caller) },
        extra: { call, json in json.field("as_of", call.body.day.date) },
        write: { _, vacancy, json in
            let (seat, position) = (vacancy.seat, vacancy.position)
            json.beginObject()
            json.field("position_id", position.id)
            json.field("title", position.title)
            json.field("unit_id", position.unitID)
            json.field("unit_name", position.unitName)
            json.field("grade", position.grade)
            json.field("establishment", position.establishment)
            json.field("filled", seat.filled)
            json.field("vacant", seat.establishment - seat.filled)
            json.field("days_vacant", seat.daysVacant)
            if let vacant = vacancy.regions { json.key("regions"); RegionSeats.write(vacant, to: &json) }
            json.endObject()
        })
        // Per caller: a vacancy the caller may not read (position.read, decided on each row by
        // its unit's path) is left out of the stored answer, so two callers share it only if
        // their grants, grade and ladder are equal (AnswerView.caller); the shared view would
        // hand a scoped HR user the vacancies of the whole tenant.
        .cached(.caller)

    static func vacancies(_ connection: PGConnection, under unit: String?, on date: String) async throws -> [Vacancy] {
        if let unit, try await UnitStore.unit(connection, id: unit, on: date) == nil {
            throw Problem.notFound("unit")
        }
        let listed = try await vacantSeats(connection, under: unit, on: date)
        guard !listed.isEmpty else { return [] }
        let found: [Position] = try await connection.query(PositionStore.select(ids: listed.map(\.id), on: date, holders: false)).decode()
        var positions: [String: Position] = [:]
        for position in found { positions[position.id] = position }
        let regions = try await RegionSeats.vacant(connection, positions: found, on: date)
        return listed.compactMap { seat in
            positions[seat.id].map { Vacancy(seat: seat, position: $0, regions: regions[seat.id]) }
        }
    }

    package struct VacantSeat: Sendable {
        package var id: String
        package var title: String
        package var establishment: Int
        package var filled = 0
        package var daysVacant = 0
    }

    /// The 1,000 longest-vacant positions of the subtree of `unit` (the tenant when nil) on
    /// `date`, longest first. Three reads of one table each, joined here: the positions with
    /// their establishment, then the holders and the first days of all of them by `= ANY` of
    /// their ids (PositionStore.ages, AssignmentStore.filling). Joined in SQL, these sets were
    /// planned blind (an array's length, a recursive walk's size) and nested loops re-read one set
    /// per row of the other: 1.8–4.8 s, varying from run to run, for 5,000 positions. The position
    /// list, every live position of the subtree or the tenant, is read in binary (as the tree's).
    package static func vacantSeats(_ connection: PGConnection, under unit: String?, on date: String) async throws -> [VacantSeat] {
        let select: PGQuery = "SELECT p.id::text, v.title, \(unescaped: Headcount.toFill) FROM \(unescaped: TreeQuery.positionsFrom(on: date))"
        let positions: [(String, String, Int?)]
        if let unit {
            let units = try await connection.query("""
                \(unescaped: TreeQuery.subtreeCTE(root: unit, levels: 10_000, on: date))
                SELECT unit_id::text FROM sub WHERE NOT archived
                """).decode(String.self)
            positions = try await connection.query(("\(unescaped: select) WHERE NOT v.archived AND v.unit_id = ANY (\(units)::uuid[])" as PGQuery)
                .binary()).decode(String.self, String.self, Int?.self)
        } else {
            positions = try await connection.query(("\(unescaped: select) WHERE NOT v.archived" as PGQuery).binary())
                .decode(String.self, String.self, Int?.self)
        }
        var seats: [String: VacantSeat] = [:]
        for (id, title, establishment) in positions {
            guard let establishment else { continue }      // unbounded: never vacant
            seats[id] = VacantSeat(id: id, title: title, establishment: establishment)
        }
        guard !seats.isEmpty else { return [] }
        let ids = Array(seats.keys)
        for (id, days) in try await PositionStore.ages(connection, ids: ids, on: date) {
            seats[id]?.daysVacant = days
        }
        for (id, filled, daysSinceLeft) in try await AssignmentStore.filling(connection, positions: ids, on: date) {
            guard var seat = seats[id] else { continue }
            seat.filled = filled
            if let days = daysSinceLeft { seat.daysVacant = min(seat.daysVacant, days) }
            seats[seat.id] = seat
        }
        let vacant = seats.values.filter { $0.filled < $0.establishment }
            .sorted { ($1.daysVacant, $0.title, $0.id) < ($0.daysVacant, $1.title, $1.id) }
        return Array(vacant.prefix(1000))
    }
}
