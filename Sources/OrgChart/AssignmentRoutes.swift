// /v1/assignments: a person in a position from a start date to an optional end date (the last
// day held, inclusive), as primary, concurrent (兼任) or acting post. The database refuses two
// overlapping primary posts; headcount is checked here under a row lock on the position, so
// two appointments racing for the last seat cannot both win.

import Access
import App
import HTTP
import Policy
import Postgres

package enum AssignmentRoutes {
    /// The policy target: the position's unit and grade, the person's highest post and, for an
    /// appointment, the accounts linked to the person as they are now (LinkedAccounts), whom it may raise.
    package static func target(_ caller: Caller, position: Position, person: Person?, accounts: [SubjectRecord] = []) -> Target {
        var target = Target.assignment(caller.tenant, unit: OrgPath.tree(position.pathIDs) ?? TreePath([]),
                                       region: OrgPath.tree(position.regionPath), positionGrade: position.grade(caller),
                                       personGrade: person.flatMap { $0.grade(caller) })
        target.affected = LinkedAccounts.principals(accounts, caller)
        return target
    }

    /// The policy target of appointing `person` to `position` over `range` (a daterange literal):
    /// that of `target`, with the accounts linked to the person, ranked at the highest grade the
    /// position carries while the appointment lasts — its grade on the start day and every regrade
    /// already scheduled inside the range. A post at B+4 today that becomes A2 next month lifts its
    /// holder to A2 then, and that regrade was decided before this appointee held it: so appointing
    /// (oneself or anyone) to it is decided as an appointment at A2.
    package static func appointment(_ caller: Caller, position: Position, person: Person, range: String,
                                    _ connection: PGConnection) async throws -> Target {
        var target = target(caller, position: position, person: person,
                            accounts: try await LinkedAccounts.ofPerson(person.id, connection))
        let grades = try await PositionStore.grades(connection, id: position.id, during: range)
        if let highest = EffectiveGrade.highest(grades, caller.ladder) { target.grade = highest }
        return target
    }

    /// The policy's view of an existing assignment: its position and person on its first day;
    /// tenant-wide when the position has no version that day (which no appointment leaves).
    static func existing(_ caller: Caller, _ assignment: Assignment, _ connection: PGConnection) async throws -> Target {
        guard let position = try await PositionStore.position(connection, id: assignment.positionID, on: assignment.startDate) else {
            return .tenantWide(caller.tenant)
        }
        let person = try await PersonStore.person(connection, id: assignment.personID, on: assignment.startDate)
        return target(caller, position: position, person: person)
    }

    /// Assignments of a person or a position, on `as_of` (or all with `all=true`), by first day
    /// then id, paged (the cursor is the last assignment's id). Assignments are read by whoever
    /// may read their position (its unit and grade today).
    package static let list = FilteredList<(date: String, person: String?, position: String?, all: Bool), AssignmentStore.Listed>(
        action: .positionRead,
        parameters: { context in
            let date = try OrgDate.asOf(context)
            return (date, try context.queryID("person_id"), try context.queryID("position_id"), try context.flag("all"))
        },
        fetch: { call, page, connection in
            let query = call.body
            return try await AssignmentStore.list(connection, on: query.date, person: query.person, position: query.position,
                                                  all: query.all, after: page.after, limit: page.limit + 1)
        },
        target: { caller, item in
            .position(caller.tenant, unit: OrgPath.tree(item.pathIDs) ?? TreePath([]),
                      grade: item.grade.flatMap { try? caller.ladder.parse($0) })
        },
        cursor: \.assignment.id,
        extra: { call, json in json.field("as_of", call.body.all ? nil : call.body.date) },
        write: { _, item, json in item.assignment.write(to: &json) })

    /// The assignment, with the person's name today; readable by whoever may read its position.
    package static let read = Endpoint<NoBody, (Assignment, Target), Assignment>(
        action: .positionRead, resource: "assignment",
        load: { call, connection in
            let id = try call.pathID(resource: "assignment")
            guard let assignment = try await AssignmentStore.assignment(connection, id: id) else { throw Problem.notFound("assignment") }
            guard let position = try await PositionStore.position(connection, id: assignment.positionID, on: assignment.startDate) else {
                return (assignment, .tenantWide(call.caller.tenant))
            }
            return (assignment, position.target(call.caller))
        },
        target: { _, loaded in loaded.1 },
        targetID: { _, loaded in loaded.0.id },
        perform: { _, loaded, _ in loaded.0 },
        encode: { _, assignment in answer(assignment) })

    /// An assignment's answer: its JSON with its revision as the ETag.
    static func answer(_ assignment: Assignment, status: Int = 200) -> HTTPResponse {
        ETag.response(status, revision: assignment.revision, body: assignment.json)
    }

    package struct CreateBody: Decodable {
        package var person_id: String
        package var position_id: String
        package var kind: String?
        package var start_date: String?
        package var end_date: String?
        package var region_id: String?
    }

    /// The body's checks that need no database (422 naming the field): kind, dates, person id.
    static func checkCreate(_ body: CreateBody) throws -> (kind: String, start: String, end: String?) {
        let kind = body.kind ?? "primary"
        guard ["primary", "concurrent", "acting"].contains(kind) else {
            throw Problem.invalid("kind", rule: "one_of", "kind must be primary, concurrent or acting")
        }
        let start = try OrgDate.body(body.start_date, field: "start_date")
        let end = try body.end_date.map { try OrgDate.body($0, field: "end_date") }
        if let end, end < start {
            throw Problem.invalid("end_date", rule: "not_before_start", "end_date \(end) is before start_date \(start)")
        }
        if kind == "acting" && end == nil {
            throw Problem.invalid("end_date", rule: "required", "an acting assignment needs an end_date, on which it ends by itself")
        }
        guard EntityID(uuid: body.person_id) != nil else { throw Problem.invalid("person_id", rule: "exists", "person_id names no person of this tenant") }
        return (kind, start, end)
    }

    package struct Appointment: Sendable {
        var kind: String
        var start: String
        var end: String?
        var range: String                       // daterange literal, end exclusive
        var position: Position
        var person: Person
        var target: Target
    }

    /// Appoints a person to a position. The position's row is locked first, so the headcount
    /// check and the insert see every appointment that committed before.
    package static let create = Endpoint<CreateBody, Appointment, Assignment>(
        action: .assignmentCreate, resource: "assignment",
        check: { call in _ = try checkCreate(call.body) },
        load: { call, connection in
            let body = call.body
            let (kind, start, end) = try checkCreate(body)
            guard try await PositionStore.lock(connection, id: EntityID(uuid: body.position_id) != nil ? body.position_id.lowercased() : nil) else {
                throw Problem.invalid("position_id", rule: "exists", "position_id names no position of this tenant")
            }
            let position = try await PositionStore.required(connection, id: body.position_id, field: "position_id", on: start)
            guard !position.archived else {
                throw Problem.invalid("position_id", rule: "not_archived", "the position is archived on \(start)")
            }
            guard let person = try await PersonStore.person(connection, id: body.person_id.lowercased(), on: start), !person.archived else {
                throw Problem.invalid("person_id", rule: "exists", "person_id names no active person of this tenant")
            }
            if let region = body.region_id { _ = try await UnitStore.regionPath(connection, id: region) }
            let range = "[\(start),\(end.map(OrgDate.dayAfter) ?? ""))"
            return Appointment(kind: kind, start: start, end: end, range: range, position: position, person: person,
                               target: try await appointment(call.caller, position: position, person: person, range: range, connection))
        },
        target: { _, appointment in appointment.target },
        perform: { call, appointment, connection in
            try await LinkedAccounts.notifyIfLinked(appointment.person.id, connection)
            let region = call.body.region_id?.lowercased()
            try await HeadcountCheck.admit(connection, position: appointment.position, start: appointment.start, range: appointment.range,
                                           region: region, field: "position_id")
            let id: String
            do {
                id = try await AssignmentStore.create(connection, tenant: call.caller.tenantID!, person: appointment.person.id,
                                                      position: appointment.position.id, kind: appointment.kind, range: appointment.range,
                                                      region: region)
            } catch AssignmentStore.Overlap.primaryPost {
                throw Problem(status: 409, code: "PRIMARY_POST_OVERLAP", title: "Conflict",
                              detail: "the person already has a primary post overlapping \(appointment.start)…\(appointment.end ?? "open end"); make this one concurrent or end the other first",
                              field: "kind", rule: "one_primary_post")
            } catch AssignmentStore.Overlap.samePosition {
                throw Problem(status: 409, code: "ALREADY_HOLDS_POSITION", title: "Conflict",
                              detail: "the person already holds this position in that period", field: "position_id", rule: "seat_once")
            }
            return try await current(connection, id: id)
        },
        audit: { _, appointment, assignment in
            Audited("assignment.create", resource: "assignment", id: assignment.id, after: assignment.json, effective: appointment.start)
        },
        writeAudit: OrgChangeAudit.writer,
        encode: { _, assignment in answer(assignment, status: 201).located("/v1/assignments/\(assignment.id)") })

    /// The assignment just written.
    static func current(_ connection: PGConnection, id: String) async throws -> Assignment {
        guard let assignment = try await AssignmentStore.assignment(connection, id: id) else { throw Problem.notFound("assignment") }
        return assignment
    }

    package struct EndBody: Decodable {
        package var end_date: String?
    }

    package struct Ending: Sendable {
        var end: String
        var before: Assignment
        var target: Target
    }

    /// Ends an assignment: `end_date` is the last day held (default today), not after the day it
    /// already ends on.
    package static let end = Endpoint<NoBody, Ending, Assignment>(
        action: .assignmentEnd, resource: "assignment",
        load: { call, connection in
            let id = try call.pathID(resource: "assignment")
            let end = try OrgDate.body(call.optionalBody(EndBody()).end_date, field: "end_date")
            guard try await Versions.lock(connection, call.context, "assignments", id: id) != nil,
                  let before = try await AssignmentStore.assignment(connection, id: id) else { throw Problem.notFound("assignment") }
            if end < before.startDate {
                throw Problem.invalid("end_date", rule: "not_before_start", "end_date \(end) is before the assignment's start_date \(before.startDate)")
            }
            // Ending shortens; it never extends. An extension would skip the checks a new
            // assignment gets (headcount, one primary post) for the days it adds.
            if let lastDay = before.lastDay, end > lastDay {
                throw Problem.invalid("end_date", rule: "not_after_end",
                                      "end_date \(end) is after the assignment's last day \(lastDay); ending cannot extend it — appoint again from \(OrgDate.dayAfter(lastDay))")
            }
            return Ending(end: end, before: before, target: try await existing(call.caller, before, connection))
        },
        target: { _, ending in ending.target },
        targetID: { _, ending in ending.before.id },
        perform: { _, ending, connection in
            try await AssignmentStore.end(connection, id: ending.before.id, lastDay: ending.end)
            try await LinkedAccounts.notifyIfLinked(ending.before.personID, connection)
            return try await current(connection, id: ending.before.id)
        },
        audit: { _, ending, after in
            Audited("assignment.end", resource: "assignment", id: ending.before.id, before: ending.before.json, after: after.json,
                    effective: ending.end)
        },
        writeAudit: OrgChangeAudit.writer,
        encode: { _, assignment in answer(assignment) })
}
