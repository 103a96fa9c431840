// /v1/people: staff with names in any script and a per-tenant employee number. Contact fields
// are private (业主资料不得外泄): shown only when the caller holds people.read_private over the
// person (and never written to the audit log or org_changes). A person is located at their primary post's unit and ranked by their highest post.

import HTTP
import Policy
import Postgres

enum PersonRoutes {
    static func add(to router: inout Router<RouteHandler>) {
        router.add(.GET, "/v1/people", .async(list))
        router.add(.POST, "/v1/people", .async(create))
        router.add(.GET, "/v1/people/{id}", .async(read))
        router.add(.PATCH, "/v1/people/{id}", .async(update))
        router.add(.POST, "/v1/people/{id}/archive", .async(archive))
    }

    /// Columns of `people pe` with the person's primary unit path and highest grade today
    /// (`$date`): the facts the policy decides with.
    static func columns(_ date: Int) -> String {
        """
        pe.id::text AS id, pe.employee_no, pe.name, pe.contact::text AS contact, pe.archived, pe.revision,
        (SELECT orgd_ltree_ids(uv.path)::text FROM assignments a
           JOIN position_versions v ON v.position_id = a.position_id AND v.valid @> $\(date)::date
           JOIN unit_versions uv ON uv.unit_id = v.unit_id AND uv.valid @> $\(date)::date
         WHERE a.person_id = pe.id AND a.kind = 'primary' AND a.valid @> $\(date)::date LIMIT 1) AS path_ids,
        (SELECT array_agg(v.grade)::text FROM assignments a
           JOIN position_versions v ON v.position_id = a.position_id AND v.valid @> $\(date)::date
         WHERE a.person_id = pe.id AND a.valid @> $\(date)::date AND v.grade IS NOT NULL) AS grades
        """
    }

    static func read(_ connection: PGConnection, id: String, on date: String) async throws -> PGRow? {
        try await connection.query("SELECT \(columns(2)) FROM people pe WHERE pe.id = $1::uuid", [id, date]).first
    }

    /// The highest of the person's current grades.
    static func grade(_ caller: Caller, _ row: PGRow) -> Grade? {
        var best: Grade?
        for text in AccessStore.parseArray(row.string("grades")) {
            guard let grade = try? caller.ladder.parse(text) else { continue }
            if best == nil || grade.outranks(best!) { best = grade }
        }
        return best
    }

    static func target(_ caller: Caller, _ row: PGRow) -> Target {
        .person(caller.tenant, unit: OrgPath.tree(row.string("path_ids")), grade: grade(caller, row))
    }

    /// Whether the caller may see this person's contact fields.
    static func seesPrivate(_ caller: Caller, _ row: PGRow) -> Bool {
        decide(caller.principal, .personReadPrivate, target(caller, row), caller.context(now: .now)).isAllowed
    }

    static func write(_ row: PGRow, private showContact: Bool, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("employee_no", row.string("employee_no"))
        json.field("name", row.string("name"))
        if showContact {
            json.key("contact"); json.raw(Array((row.string("contact") ?? "{}").utf8))
        }
        json.field("archived", row.bool("archived") ?? false)
        json.field("revision", row.int("revision"))
        json.endObject()
    }

    static func json(_ row: PGRow, private showContact: Bool = false) -> [UInt8] {
        var json = JSONWriter()
        write(row, private: showContact, to: &json)
        return json.bytes
    }

    static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let page = try Page(context)
        let archived = try context.flag("include_archived")
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT \(columns(1)) FROM people pe WHERE ($2::uuid IS NULL OR pe.id > $2::uuid) AND ($3::boolean OR NOT pe.archived)
                ORDER BY pe.id LIMIT $4
                """, [OrgDate.today, page.after, archived, page.limit + 1])
        }
        let now = caller.context(now: .now)
        return page.response(rows, include: { decide(caller.principal, .personRead, target(caller, $0), now).isAllowed }) { row, json in
            write(row, private: seesPrivate(caller, row), to: &json)
        }
    }

    static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "person")
        let row = try await context.transaction(caller) { connection in
            try await read(connection, id: id, on: OrgDate.today)
        }
        guard let row else { throw Problem.notFound("person") }
        try await context.authorize(caller, .personRead, target(caller, row), resource: "person", id: id)
        return ETag.response(revision: row.int("revision"), body: json(row, private: seesPrivate(caller, row)))
    }

    struct CreateBody: Decodable {
        var employee_no: String
        var name: String
        var contact: [String: String]?
    }

    static func checkEmployeeNo(_ text: String) throws {
        guard (1...40).contains(text.count), !text.contains(where: \.isWhitespace) else {
            throw Problem.invalid("employee_no", rule: "format", "employee_no must be 1 to 40 characters without spaces")
        }
    }

    static func contactJSON(_ contact: [String: String]) throws -> PGJSON {
        guard contact.count <= 20 else { throw Problem.invalid("contact", rule: "max_items", "contact has at most 20 fields") }
        var json = JSONWriter()
        json.beginObject()
        for (key, value) in contact.sorted(by: { $0.key < $1.key }) {
            guard (1...40).contains(key.count), value.count <= 500 else {
                throw Problem.invalid("contact.\(key)", rule: "length", "contact field names are 1 to 40 characters and values at most 500")
            }
            json.field(key, value)
        }
        json.endObject()
        return PGJSON(json.bytes)
    }

    static func taken(_ number: String) -> Problem {
        var problem = Problem.conflict("EMPLOYEE_NO_TAKEN", "employee number \(number) is already used in this tenant")
        problem.field = "employee_no"
        problem.rule = "unique"
        return problem
    }

    static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
        try checkEmployeeNo(body.employee_no)
        try OrgRules.name(body.name)
        let contact = try contactJSON(body.contact ?? [:])
        try await context.authorize(caller, .personCreate, .person(caller.tenant, unit: nil, grade: nil), resource: "person", id: nil)
        let row = try await context.transaction(caller) { connection in
            let id: String
            do {
                id = try await connection.query("""
                    INSERT INTO people (tenant_id, employee_no, name, contact) VALUES ($1::uuid, $2, $3, $4::jsonb) RETURNING id::text AS id
                    """, [caller.tenantID!, body.employee_no, body.name.trimmingCharacters(in: .whitespacesAndNewlines), contact]).string(0, "id")!
            } catch let error as PGError where error.isUniqueViolation {
                throw taken(body.employee_no)
            }
            let row = try await read(connection, id: id, on: OrgDate.today)!
            try await OrgChange.record(connection, context, caller, action: "person.create", resource: "person", id: id,
                                       effective: OrgDate.today, after: json(row))
            return row
        }
        var response = ETag.response(201, revision: row.int("revision"), body: json(row, private: seesPrivate(caller, row)))
        response.headers.add("Location", "/v1/people/\(row.string("id") ?? "")")
        return response
    }

    struct UpdateBody: Decodable {
        var employee_no: String?
        var name: String?
        var contact: [String: String]?
    }

    static func update(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "person")
        let body = try context.body(UpdateBody.self)
        if let number = body.employee_no { try checkEmployeeNo(number) }
        if let name = body.name { try OrgRules.name(name) }
        let contact = try body.contact.map(contactJSON)
        let row = try await context.transaction(caller) { connection in
            guard try await Versions.lock(connection, context, "people", id: id) != nil,
                  let before = try await read(connection, id: id, on: OrgDate.today) else { throw Problem.notFound("person") }
            try await context.authorize(caller, .personUpdate, target(caller, before), resource: "person", id: id)
            do {
                _ = try await connection.query("""
                    UPDATE people SET employee_no = coalesce($2, employee_no), name = coalesce($3, name),
                        contact = coalesce($4::jsonb, contact), revision = revision + 1, updated_at = now()
                    WHERE id = $1::uuid
                    """, [id, body.employee_no, body.name?.trimmingCharacters(in: .whitespacesAndNewlines), contact])
            } catch let error as PGError where error.isUniqueViolation {
                throw taken(body.employee_no ?? "")
            }
            let after = try await read(connection, id: id, on: OrgDate.today)!
            try await OrgChange.record(connection, context, caller, action: "person.update", resource: "person", id: id,
                                       effective: OrgDate.today, before: json(before), after: json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: json(row, private: seesPrivate(caller, row)))
    }

    /// Archives a person; refused while they hold a post today or later.
    static func archive(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "person")
        let row = try await context.transaction(caller) { connection in
            guard try await Versions.lock(connection, context, "people", id: id) != nil,
                  let before = try await read(connection, id: id, on: OrgDate.today) else { throw Problem.notFound("person") }
            try await context.authorize(caller, .personArchive, target(caller, before), resource: "person", id: id)
            let holds = try await connection.query("""
                SELECT 1 FROM assignments WHERE person_id = $1::uuid AND (upper_inf(valid) OR upper(valid) > $2::date) LIMIT 1
                """, [id, OrgDate.today]).count > 0
            if holds { throw Problem.conflict("PERSON_HOLDS_POSTS", "the person holds a post today or later; end their assignments first") }
            _ = try await connection.query("UPDATE people SET archived = true, revision = revision + 1, updated_at = now() WHERE id = $1::uuid", [id])
            let after = try await read(connection, id: id, on: OrgDate.today)!
            try await OrgChange.record(connection, context, caller, action: "person.archive", resource: "person", id: id,
                                       effective: OrgDate.today, before: json(before), after: json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: json(row, private: seesPrivate(caller, row)))
    }
}
