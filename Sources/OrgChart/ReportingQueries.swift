// The reporting-line tree (reports-to), which can differ from the unit tree: the chain of
// command above a position or person, the direct or all reports below a position, and the
// positions whose span of control is outside their bounds.

import App
import HTTP
import Policy
import Postgres

package enum ReportingQueries {
    /// Positions with their holders on a day, and the position the answer is about.
    package struct Seats: Sendable {
        var date: String
        var positions: [Position]
        var holders: [String: [Holder]]
        var subject: Position                    // whose chain or reports these are
    }

    static func seats(_ connection: PGConnection, _ positions: [Position], on date: String, subject: Position) async throws -> Seats {
        Seats(date: date, positions: positions, holders: try await Holders.fetch(connection, positions: positions.map(\.id), on: date),
              subject: subject)
    }

    /// `{"as_of", key: [seat…]}` with the seats the caller may read.
    static func answer(_ call: Call<NoBody>, _ seats: Seats, key: String) -> HTTPResponse {
        let now = call.now
        return JSONResponse.make { json in
            json.beginObject()
            json.field("as_of", seats.date)
            json.key(key)
            json.beginArray()
            for position in seats.positions where decide(call.caller.principal, .positionRead, position.target(call.caller), now).isAllowed {
                Holders.writeSeat(position, seats.holders[position.id] ?? [], to: &json)
            }
            json.endArray()
            json.endObject()
        }
    }

    /// A read of seats around one position on the request's day, decided on that position
    /// (`Seats.subject`). With `?scenario=ID`, as the scenario would leave the org, on its day
    /// unless `as_of` says another (ScenarioReplay.overlay; rolled back once the seats are read).
    static func seatsEndpoint(key: String, load: @escaping @Sendable (Call<NoBody>, PGConnection, _ date: String) async throws -> Seats)
        -> Endpoint<NoBody, Seats, Seats> {
        Endpoint<NoBody, Seats, Seats>(
            action: .positionRead, resource: "position",
            load: { call, connection in
                let scenario = try await ScenarioReplay.overlay(call.context, call.caller, connection)
                let date = call.query("as_of") == nil ? scenario?.effectiveDate ?? OrgDate.today : try OrgDate.asOf(call.context)
                let seats = try await load(call, connection, date)
                try await ScenarioReplay.end(scenario, connection)
                return seats
            },
            target: { call, seats in seats.subject.target(call.caller) },
            targetID: { _, seats in seats.subject.id },
            perform: { _, seats, _ in seats },
            encode: { call, seats in answer(call, seats, key: key) })
            .cached(.caller)
    }

    /// The chain from `start` on `date`, decided on `start`; 404 when it has no version that day.
    static func chainSeats(_ connection: PGConnection, from start: String, on date: String) async throws -> Seats {
        let positions = try await PositionStore.chain(connection, from: start, on: date)
        guard let first = positions.first else { throw Problem.notFound("position") }
        return try await seats(connection, positions, on: date, subject: first)
    }

    /// The chain of command above the position on `as_of`, the position first.
    package static let positionChain = seatsEndpoint(key: "chain") { call, connection, date in
        try await chainSeats(connection, from: try call.pathID(resource: "position"), on: date)
    }

    /// The chain above the person's primary post on `as_of`.
    package static let personChain = seatsEndpoint(key: "chain") { call, connection, date in
        let id = try call.pathID(resource: "person")
        guard let post = try await AssignmentStore.post(connection, person: id, on: date) else { throw Problem.notFound("person's post") }
        return try await chainSeats(connection, from: post, on: date)
    }

    /// `scope=direct` (default) or `scope=all`: the positions reporting to this one.
    package static let reports = seatsEndpoint(key: "reports") { call, connection, date in
        let id = try call.pathID(resource: "position")
        let scope = call.query("scope") ?? "direct"
        guard scope == "direct" || scope == "all" else {
            throw Problem.invalidQuery("scope", rule: "one_of", "scope must be direct or all")
        }
        let positions = try await PositionStore.reports(connection, to: id, on: date, levels: scope == "all" ? 1000 : 1)
        guard let position = try await PositionStore.position(connection, id: id, on: date) else { throw Problem.notFound("position") }
        return try await seats(connection, positions, on: date, subject: position)
    }

    /// A position whose direct reports are outside its span of control.
    package struct Violation: Sendable, PGRowDecodable {
        var position: Position
        var directReports: Int

        package init(row: inout PGRowReader) throws {
            position = try Position(row: &row)
            directReports = try row.next()
        }
    }

    /// Positions with span bounds whose direct reports (people holding the positions that
    /// report to it) fall outside span_min…span_max per holder of the position, all of them,
    /// the ones the caller may not read left out.
    package static let spanViolations = FilteredList<ScenarioReplay.ListDay, Violation>(
        action: .positionRead,
        parameters: { try ScenarioReplay.ListDay($0) },
        fetchAll: { call, connection in
            // `?scenario=ID`: the violations the scenario would leave, on its day unless as_of says another
            let scenario = try await ScenarioReplay.overlay(call.context, call.caller, connection, day: call.body)
            let found = try await spanViolations(connection, on: call.body.date)
            try await ScenarioReplay.end(scenario, connection)
            return found
        },
        target: { caller, violation in violation.position.target(caller) },
        extra: { call, json in json.field("as_of", call.body.date) },
        write: { _, violation, json in
            let position = violation.position
            let reports = violation.directReports
            let holders = max(1, position.filled ?? 0)
            json.beginObject()
            json.field("position_id", position.id)
            json.field("title", position.title)
            json.field("unit_id", position.unitID)
            json.field("holders", position.filled)
            json.field("direct_reports", reports)
            json.field("span_min", position.spanMin)
            json.field("span_max", position.spanMax)
            json.field("problem", reports < (position.spanMin ?? 0) * holders ? "too_few" : "too_many")
            json.endObject()
        })

    /// Positions whose direct reports are outside their span bounds on `date` (spanViolations).
    static func spanViolations(_ connection: PGConnection, on date: String) async throws -> [Violation] {
        let day: PGQuery = "\(date)::date"
        return try await connection.query("""
                SELECT * FROM (
                    SELECT \(unescaped: PositionStore.columns(day: day)),
                           (SELECT count(*) FROM position_versions r JOIN assignments a ON a.position_id = r.position_id AND a.valid @> \(date)::date
                            WHERE r.reports_to = p.id AND r.valid @> \(date)::date AND NOT r.archived) AS direct_reports
                    FROM \(unescaped: PositionStore.from(day: day))
                    WHERE NOT v.archived AND (v.span_min IS NOT NULL OR v.span_max IS NOT NULL)
                ) spans
                WHERE direct_reports < coalesce(span_min, 0) * greatest(filled, 1)
                   OR direct_reports > coalesce(span_max, 2147483647)::bigint * greatest(filled, 1)
                ORDER BY title
                """).decode()
    }
}
