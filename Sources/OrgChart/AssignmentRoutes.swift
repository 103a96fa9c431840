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
    /// Columns of `assignments a` with the person's name on a day (`from`).
    package static let columns = """
        a.id::text AS id, a.person_id::text AS person_id, pv.name AS person_name, a.position_id::text AS position_id,
        a.kind, lower(a.valid)::text AS start_date, upper(a.valid)::text AS end_after, a.region_id::text AS region_id, a.revision
        """

    /// `assignments a` with the person `pe` and their version `pv` on `day` (an SQL date expression).
    package static func from(_ day: String) -> String {
        "assignments a JOIN people pe ON pe.tenant_id = a.tenant_id AND pe.id = a.person_id \(PersonRoutes.versionOn(day))"
    }

    package static func read(_ connection: PGConnection, id: String) async throws -> PGRow? {
        try await connection.query("SELECT \(columns) FROM \(from("orgd_today()")) WHERE a.id = $1::uuid", [id]).first
    }

    package static func write(_ row: PGRow, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("person_id", row.string("person_id"))
        json.field("person_name", row.string("person_name"))
        json.field("position_id", row.string("position_id"))
        json.field("kind", row.string("kind"))
        json.field("start_date", row.string("start_date"))
        json.field("end_date", row.string("end_after").map(OrgDate.dayBefore))
        json.field("region_id", row.string("region_id"))
        json.field("revision", row.int("revision"))
        json.endObject()
    }

    package static func json(_ row: PGRow) -> [UInt8] {
        var json = JSONWriter()
        write(row, to: &json)
        return json.bytes
    }

    /// The policy target: the position's unit and grade, the person's highest post and, for an
    /// appointment, the accounts linked to the person as they are now (LinkedAccounts), whom it may raise.
    package static func target(_ caller: Caller, position: PGRow, person: PGRow?, accounts: [SubjectRecord] = []) -> Target {
        var target = Target.assignment(caller.tenant, unit: OrgPath.tree(position.string("path_ids")) ?? TreePath([]),
                                       region: OrgPath.tree(position.string("region_path")),
                                       positionGrade: PositionStore.grade(caller, position),
                                       personGrade: person.flatMap { PersonRoutes.grade(caller, $0) })
        target.affected = LinkedAccounts.principals(accounts, caller)
        return target
    }

    /// The policy target of appointing `person` to `position` over `range` (a daterange literal):
    /// that of `target`, with the accounts linked to the person, ranked at the highest grade the
    /// position carries while the appointment lasts — its grade on the start day and every regrade
    /// already scheduled inside the range. A post at B+4 today that becomes A2 next month lifts its
    /// holder to A2 then, and that regrade was decided before this appointee held it: so appointing
    /// (oneself or anyone) to it is decided as an appointment at A2.
    package static func appointment(_ caller: Caller, position: PGRow, person: PGRow, range: String,
                                    _ connection: PGConnection) async throws -> Target {
        var target = target(caller, position: position, person: person,
                            accounts: try await LinkedAccounts.ofPerson(person.string("id")!, connection))
        let grades = try await connection.query("""
            SELECT array_agg(grade)::text AS grades FROM position_versions
            WHERE position_id = $1::uuid AND valid && $2::daterange AND grade IS NOT NULL
            """, [position.string("id"), range]).string(0, "grades")
        if let highest = EffectiveGrade.highest(StoredValues.array(grades), caller.ladder) { target.grade = highest }
        return target
    }

    /// Assignments of a person or a position, on `as_of` (or all with `all=true`), by first day
    /// then id, paged (the cursor is the last assignment's id).
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let date = try OrgDate.asOf(context)
        let person = context.query("person_id")
        let position = context.query("position_id")
        for (name, value) in [("person_id", person), ("position_id", position)] where value != nil && EntityID(uuid: value!) == nil {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "\(name) must be an id", field: name, rule: "uuid")
        }
        let all = try context.flag("all")
        let page = try Page(context)
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT \(columns), orgd_ltree_ids(uv.path)::text AS path_ids, v.grade
                FROM \(from("$1::date"))
                LEFT JOIN position_versions v ON v.position_id = a.position_id AND v.valid @> coalesce(upper(a.valid) - 1, greatest(lower(a.valid), $1::date))
                LEFT JOIN unit_versions uv ON uv.unit_id = v.unit_id AND uv.valid @> lower(v.valid)
                WHERE ($2::uuid IS NULL OR a.person_id = $2::uuid) AND ($3::uuid IS NULL OR a.position_id = $3::uuid)
                  AND ($4::boolean OR a.valid @> $1::date)
                  AND ($5::uuid IS NULL OR (lower(a.valid), a.id) > ((SELECT lower(valid) FROM assignments WHERE id = $5::uuid), $5::uuid))
                ORDER BY lower(a.valid), a.id LIMIT $6
                """, [date, person, position, all, page.after, page.limit + 1])
        }
        let now = caller.context(now: .now)
        return page.response(rows, include: { row in
            decide(caller.principal, .positionRead,
                   .position(caller.tenant, unit: OrgPath.tree(row.string("path_ids")) ?? TreePath([]),
                             grade: PositionStore.grade(caller, row)), now).isAllowed
        }, extra: { json in json.field("as_of", all ? nil : date) }) { row, json in write(row, to: &json) }
    }

    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "assignment")
        let (row, position) = try await context.transaction(caller) { connection in
            guard let row = try await read(connection, id: id) else { throw Problem.notFound("assignment") }
            return (row, try await PositionStore.read(connection, id: row.string("position_id")!, on: row.string("start_date")!))
        }
        if let position {
            try await context.authorize(caller, .positionRead, PositionStore.target(caller, position), resource: "assignment", id: id)
        }
        return ETag.response(revision: row.int("revision"), body: json(row))
    }

    package struct CreateBody: Decodable {
        package var person_id: String
        package var position_id: String
        package var kind: String?
        package var start_date: String?
        package var end_date: String?
        package var region_id: String?
    }

    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
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
        let row = try await context.transaction(caller) { connection in
            guard try await connection.query("SELECT 1 FROM positions WHERE id = $1::uuid FOR UPDATE",
                                             [EntityID(uuid: body.position_id) != nil ? body.position_id.lowercased() : nil]).count > 0 else {
                throw Problem.invalid("position_id", rule: "exists", "position_id names no position of this tenant")
            }
            let position = try await PositionStore.require(connection, id: body.position_id, field: "position_id", on: start)
            guard position.bool("archived") == false else {
                throw Problem.invalid("position_id", rule: "not_archived", "the position is archived on \(start)")
            }
            guard let person = try await PersonRoutes.read(connection, id: body.person_id.lowercased(), on: start),
                  person.bool("archived") == false else {
                throw Problem.invalid("person_id", rule: "exists", "person_id names no active person of this tenant")
            }
            if let region = body.region_id { _ = try await UnitStore.regionPath(connection, id: region) }
            let range = "[\(start),\(end.map(OrgDate.dayAfter) ?? ""))"
            try await context.authorize(caller, .assignmentCreate, try await appointment(caller, position: position, person: person,
                                                                                         range: range, connection),
                                        resource: "assignment", id: nil)
            try await LinkedAccounts.notifyIfLinked(person.string("id")!, connection)
            let positionID = position.string("id")!
            try await HeadcountCheck.admit(connection, position: position, start: start, range: range,
                                           region: body.region_id?.lowercased(), field: "position_id")
            let id: String
            do {
                id = try await connection.query("""
                    INSERT INTO assignments (tenant_id, person_id, position_id, kind, valid, region_id)
                    VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::daterange, $6::uuid) RETURNING id::text AS id
                    """, [caller.tenantID!, body.person_id.lowercased(), positionID, kind, range, body.region_id?.lowercased()]).string(0, "id")!
            } catch let error as PGError where error.isExclusionViolation {
                if error.constraint == "assignments_one_primary" {
                    throw Problem(status: 409, code: "PRIMARY_POST_OVERLAP", title: "Conflict",
                                  detail: "the person already has a primary post overlapping \(start)…\(end ?? "open end"); make this one concurrent or end the other first",
                                  field: "kind", rule: "one_primary_post")
                }
                throw Problem(status: 409, code: "ALREADY_HOLDS_POSITION", title: "Conflict",
                              detail: "the person already holds this position in that period", field: "position_id", rule: "seat_once")
            }
            let row = try await read(connection, id: id)!
            try await OrgChange.record(connection, context, caller, action: "assignment.create", resource: "assignment", id: id,
                                       effective: start, after: json(row))
            return row
        }
        var response = ETag.response(201, revision: row.int("revision"), body: json(row))
        response.headers.add("Location", "/v1/assignments/\(row.string("id") ?? "")")
        return response
    }

    package struct EndBody: Decodable {
        package var end_date: String?
    }

    /// Ends an assignment: `end_date` is the last day held (default today), not after the day it
    /// already ends on.
    package static func end(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "assignment")
        let body = context.request.body.isEmpty ? EndBody() : try context.body(EndBody.self)
        let end = try OrgDate.body(body.end_date, field: "end_date")
        let row = try await context.transaction(caller) { connection in
            guard try await Versions.lock(connection, context, "assignments", id: id) != nil,
                  let before = try await read(connection, id: id) else { throw Problem.notFound("assignment") }
            let start = before.string("start_date")!
            if end < start {
                throw Problem.invalid("end_date", rule: "not_before_start", "end_date \(end) is before the assignment's start_date \(start)")
            }
            // Ending shortens; it never extends. An extension would skip the checks a new
            // assignment gets (headcount, one primary post) for the days it adds.
            if let lastDay = before.string("end_after").map(OrgDate.dayBefore), end > lastDay {
                throw Problem.invalid("end_date", rule: "not_after_end",
                                      "end_date \(end) is after the assignment's last day \(lastDay); ending cannot extend it — appoint again from \(OrgDate.dayAfter(lastDay))")
            }
            if let position = try await PositionStore.read(connection, id: before.string("position_id")!, on: start) {
                let person = try await PersonRoutes.read(connection, id: before.string("person_id")!, on: start)
                try await context.authorize(caller, .assignmentEnd, target(caller, position: position, person: person),
                                            resource: "assignment", id: id)
            }
            _ = try await connection.query("""
                UPDATE assignments SET valid = daterange(lower(valid), $2::date), revision = revision + 1, updated_at = now()
                WHERE id = $1::uuid
                """, [id, OrgDate.dayAfter(end)])
            try await LinkedAccounts.notifyIfLinked(before.string("person_id")!, connection)
            let after = try await read(connection, id: id)!
            try await OrgChange.record(connection, context, caller, action: "assignment.end", resource: "assignment", id: id,
                                       effective: end, before: json(before), after: json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: json(row))
    }
}

