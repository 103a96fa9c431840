// Reading and applying a scenario by replaying its changes, in order, through the live
// endpoints' own steps (Pipeline.replay): each change is the request its endpoint would get, with
// the scenario's day as the effective date, so a scenario obeys exactly the rules the live API
// enforces and no statement is written twice.
//
//   read (`?scenario=ID`): SAVEPOINT ─► replay (no decisions, no audit) ─► the read ─► ROLLBACK TO
//   validation: the same, each change under a savepoint of its own, every refusal kept with it
//   apply: replay deciding every change for the approver, audited, in the caller's transaction;
//          the first refusal is a 409 SCENARIO_CONFLICT naming the change, and nothing commits
//
// Each change runs under a savepoint when refusals are collected: a refused change is rolled
// back and the next one still runs, as the importer does with its records (ImportApply.step).

import App
import HTTP
import Policy
import Postgres

package enum ScenarioReplay {
    /// One change type: the live endpoint, whether it names a target (the path's id) and which
    /// body field carries its day (`effective_date`; an assignment's `start_date`, or its
    /// `end_date`, the day before the scenario's).
    package struct Kind: Sendable {
        package var needsTarget: Bool
        package var dateField: String
        package var dayBefore = false
        var run: @Sendable (RequestContext, Caller, PGConnection, ReplayMode) async throws -> Audited?
    }

    package static let kinds: [String: Kind] = [
        "unit.create": Kind(needsTarget: false, dateField: "effective_date") { try await Pipeline.replay(UnitRoutes.create, $0, $1, $2, mode: $3) },
        "unit.update": Kind(needsTarget: true, dateField: "effective_date") { try await Pipeline.replay(UnitRoutes.update, $0, $1, $2, mode: $3) },
        "unit.move": Kind(needsTarget: true, dateField: "effective_date") { try await Pipeline.replay(UnitRestructuring.move, $0, $1, $2, mode: $3) },
        "unit.merge": Kind(needsTarget: true, dateField: "effective_date") { try await Pipeline.replay(UnitRestructuring.merge, $0, $1, $2, mode: $3) },
        "unit.archive": Kind(needsTarget: true, dateField: "effective_date") { try await Pipeline.replay(UnitRestructuring.archive, $0, $1, $2, mode: $3) },
        "position.create": Kind(needsTarget: false, dateField: "effective_date") { try await Pipeline.replay(PositionRoutes.create, $0, $1, $2, mode: $3) },
        "position.update": Kind(needsTarget: true, dateField: "effective_date") { try await Pipeline.replay(PositionRoutes.update, $0, $1, $2, mode: $3) },
        "position.move": Kind(needsTarget: true, dateField: "effective_date") { try await Pipeline.replay(PositionRoutes.move, $0, $1, $2, mode: $3) },
        "position.archive": Kind(needsTarget: true, dateField: "effective_date") { try await Pipeline.replay(PositionRoutes.archive, $0, $1, $2, mode: $3) },
        "assignment.create": Kind(needsTarget: false, dateField: "start_date") { try await Pipeline.replay(AssignmentRoutes.create, $0, $1, $2, mode: $3) },
        "assignment.end": Kind(needsTarget: true, dateField: "end_date", dayBefore: true) { try await Pipeline.replay(AssignmentRoutes.end, $0, $1, $2, mode: $3) },
        "handoff.create": Kind(needsTarget: true, dateField: "effective_date") { try await Pipeline.replay(HandoffRoutes.create, $0, $1, $2, mode: $3) },
    ]

    /// A change that failed: which, and the problem its endpoint answered.
    package struct Violation: Sendable {
        package var change: ScenarioChange
        package var problem: Problem

        package var value: JSONValue {
            .object([
                ("change_id", .string(change.id)), ("seq", .number(Double(change.seq))), ("type", .string(change.type)),
                ("target_id", change.targetID.map(JSONValue.string) ?? .null), ("code", .string(problem.code)),
                ("field", problem.field.map(JSONValue.string) ?? .null), ("rule", problem.rule.map(JSONValue.string) ?? .null),
                ("detail", .string(problem.detail)),
            ])
        }
    }

    /// The request the change's endpoint would get: its body with the scenario's day, the target
    /// as the path's id, `If-Match: *` (the scenario is checked as a whole, by its own ETag).
    static func request(_ change: ScenarioChange, kind: Kind, date: String, like original: HTTPRequest) -> HTTPRequest {
        let day = kind.dayBefore ? OrgDate.dayBefore(date) : date
        var body = Array("{\"\(kind.dateField)\":\"\(day)\"".utf8)
        let stored = change.body.bytes.drop { $0 == 0x20 }.dropFirst()     // after "{"
        if stored.contains(where: { $0 != 0x20 && $0 != 0x7D }) { body.append(0x2C) }
        body.append(contentsOf: stored)
        var request = HTTPRequest(method: .POST, target: "/v1/scenarios/replay",
                                  headers: HTTPHeaders([("Content-Type", "application/json"), ("If-Match", "*")]), body: body)
        if let target = change.targetID { request.pathParameters = ["id": target] }
        request.requestID = original.requestID
        request.clientAddress = original.clientAddress
        return request
    }

    /// Replays `changes` for `caller`. `collect`: each under a savepoint, refusals returned;
    /// otherwise the first refusal is thrown as SCENARIO_CONFLICT naming the change.
    package static func run(_ scenario: Scenario, _ changes: [ScenarioChange], _ context: RequestContext, _ caller: Caller,
                            _ connection: PGConnection, mode: ReplayMode,
                            collect: Bool) async throws -> (applied: [Audited], violations: [Violation]) {
        var applied: [Audited] = [], violations: [Violation] = []
        for change in changes {
            guard let kind = kinds[change.type] else { continue }
            let replayed = RequestContext(request: request(change, kind: kind, date: scenario.effectiveDate, like: context.request),
                                          loop: context.loop, resources: context.resources)
            if collect { _ = try await connection.query("SAVEPOINT scenario_change") }
            do {
                if let entry = try await kind.run(replayed, caller, connection, mode) { applied.append(entry) }
                if collect { _ = try await connection.query("RELEASE SAVEPOINT scenario_change") }
            } catch {
                let problem = ErrorMapping.problem(for: error)
                guard problem.status < 500, !connection.isBroken else { throw error }
                guard collect else { throw conflict(scenario, change, problem) }
                _ = try await connection.query("ROLLBACK TO SAVEPOINT scenario_change")
                violations.append(Violation(change: change, problem: problem))
            }
        }
        return (applied, violations)
    }

    /// 409 SCENARIO_CONFLICT: the change that no longer applies to the live org, and why.
    static func conflict(_ scenario: Scenario, _ change: ScenarioChange, _ problem: Problem) -> Problem {
        var conflict = Problem.conflict("SCENARIO_CONFLICT",
                                        "change \(change.seq) (\(change.type)\(change.targetID.map { " of \($0)" } ?? "")) of scenario \(scenario.name) no longer applies: \(problem.detail)")
        conflict.extra = [("conflict", Violation(change: change, problem: problem).value)]
        return conflict
    }

    // MARK: reads as the scenario would leave the org

    /// With `?scenario=ID`: the scenario (404 when the tenant has none by that id) replayed under
    /// a savepoint that `end` rolls back, so the read that follows sees the org as it would be.
    /// Changes that no longer apply are passed over (the validation lists them). nil without it.
    package static func overlay(_ context: RequestContext, _ caller: Caller, _ connection: PGConnection,
                                day: ListDay? = nil) async throws -> Scenario? {
        guard let id = try context.queryID("scenario", "a scenario id") else { return nil }
        guard let scenario = try await ScenarioStore.read(connection, id: id) else { throw Problem.notFound("scenario") }
        if let day, !day.explicit { day.date = scenario.effectiveDate }
        _ = try await connection.query("SAVEPOINT scenario_overlay")
        _ = try await run(scenario, try await ScenarioStore.changes(connection, of: id), context, caller, connection,
                          mode: .preview, collect: true)
        return scenario
    }

    /// The day a list answers for (vacancies, span violations): `as_of`, today by default, or with
    /// `?scenario=ID` and no `as_of` the scenario's day, which only its transaction reads (`overlay`
    /// sets it; the list's answer writes it). Set and read by one request's task, in that order.
    package final class ListDay: @unchecked Sendable {
        package var date: String
        package let explicit: Bool

        package init(_ context: RequestContext) throws {
            explicit = context.query("as_of") != nil
            date = try OrgDate.asOf(context)
        }
    }

    /// Undoes `overlay`: nothing a scenario read replayed can commit.
    package static func end(_ scenario: Scenario?, _ connection: PGConnection) async throws {
        guard scenario != nil else { return }
        _ = try await connection.query("ROLLBACK TO SAVEPOINT scenario_overlay")
    }
}
