// /v1/people: staff with names in any script and a per-tenant employee number, effective-dated
// like units: the name and the archived flag are kept over time (person_versions), read `as_of`
// a day and changed from an `effective_date`. The employee number (identity), the contact fields
// and the home unit are current-state. Contact is private (业主资料不得外泄): shown only when the
// caller holds people.read_private over the person, never kept in history, the audit log or
// org_changes. A person is located at their primary post's unit on the day, else at their home
// unit, else tenant-wide, and ranked by their highest post. Changes are in PersonRoutes+Change.

import App
import HTTP
import Policy
import Postgres

package enum PersonRoutes {
    package static let versions = Versions.Table(name: "person_versions", key: "person_id", split: "orgd_split_person_versions",
                                                 resource: "person")

    /// `CROSS JOIN LATERAL (…) pv`: the version of person `pe` on `day` (an SQL date expression):
    /// the one covering it, or the first when the person's record starts later (an appointment may
    /// be dated before the record was made). One index probe per person: for reads of one person
    /// or a page; chart reads of many holders use `names`. (An SQL function doing this was not
    /// inlined and made the 50-unit tree go from 70 to 340 ms in bench/org.sh.)
    package static func versionOn(_ day: String) -> String {
        """
        CROSS JOIN LATERAL (SELECT x.name, x.archived, x.valid FROM person_versions x
                            WHERE x.tenant_id = pe.tenant_id AND x.person_id = pe.id
                            ORDER BY lower(x.valid) <= \(day) DESC, abs(lower(x.valid) - \(day)) LIMIT 1) pv
        """
    }

    /// The names of the people `ids` on `date`: the version covering it, else the first (the record
    /// may start after the appointment). For chart reads of many holders: one `person_id = ANY`
    /// scan of the b-tree person_versions_by_start, where a probe per holder cost 0.14 ms. The
    /// caller joins the names to its holders: joined in SQL, the planner could not tell how many
    /// holders there were, planned for one, and read every name once per holder (1.4 s for the
    /// 4,004 holders of a 1,001-unit chart).
    package static func names(_ connection: PGConnection, ids: Set<String>, on date: String) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT DISTINCT ON (x.person_id) x.person_id::text AS person_id, x.name FROM person_versions x
            WHERE x.person_id = ANY ($1::uuid[])
            ORDER BY x.person_id, lower(x.valid) <= $2::date DESC, abs(lower(x.valid) - $2::date)
            """, [Array(ids), date])
        var names: [String: String] = [:]
        names.reserveCapacity(rows.count)
        for row in rows { names[row.string("person_id")!] = row.string("name") }
        return names
    }

    /// `people pe` with its version on `$date` (`pv`), for `columns`.
    package static func from(_ date: Int) -> String {
        "people pe \(versionOn("$\(date)::date"))"
    }

    /// Columns of `people pe` and its version `pv` on `$date` (see `from`; a join on
    /// `person_versions pv` covering the day does as well): the name and archived flag of that
    /// day, the primary unit path (else the home unit's) and the highest grades that day: the
    /// facts the policy decides with.
    package static func columns(_ date: Int) -> String {
        """
        pe.id::text AS id, pe.employee_no, pe.contact::text AS contact, pe.revision, pe.home_unit_id::text AS unit_id,
        pv.name, pv.archived, lower(pv.valid)::text AS valid_from,
        coalesce((SELECT orgd_ltree_ids(uv.path)::text FROM assignments a
           JOIN position_versions v ON v.position_id = a.position_id AND v.valid @> $\(date)::date
           JOIN unit_versions uv ON uv.unit_id = v.unit_id AND uv.valid @> $\(date)::date
         WHERE a.person_id = pe.id AND a.kind = 'primary' AND a.valid @> $\(date)::date LIMIT 1),
         coalesce(orgd_unit_path_on(pe.home_unit_id, $\(date)::date), orgd_unit_path(pe.home_unit_id))::text) AS path_ids,
        (SELECT array_agg(v.grade)::text FROM assignments a
           JOIN position_versions v ON v.position_id = a.position_id AND v.valid @> $\(date)::date
         WHERE a.person_id = pe.id AND a.valid @> $\(date)::date AND v.grade IS NOT NULL) AS grades
        """
    }

    /// The person as on `date`, also when their record starts later (appointments may be dated
    /// before it); nil for an unknown or another tenant's person.
    package static func read(_ connection: PGConnection, id: String, on date: String) async throws -> PGRow? {
        try await connection.query("SELECT \(columns(2)) FROM \(from(2)) WHERE pe.id = $1::uuid", [id, date]).first
    }

    /// The person as on `date` only if they existed that day: what `GET /v1/people/{id}` answers.
    package static func readExisting(_ connection: PGConnection, id: String, on date: String) async throws -> PGRow? {
        try await connection.query("""
            SELECT \(columns(2)) FROM \(from(2)) WHERE pe.id = $1::uuid
              AND EXISTS (SELECT 1 FROM person_versions pv WHERE pv.person_id = pe.id AND pv.valid @> $2::date)
            """, [id, date]).first
    }

    /// The highest of the person's current grades.
    package static func grade(_ caller: Caller, _ row: PGRow) -> Grade? {
        EffectiveGrade.highest(StoredValues.array(row.string("grades")), caller.ladder)
    }

    package static func target(_ caller: Caller, _ row: PGRow) -> Target {
        .person(caller.tenant, unit: OrgPath.tree(row.string("path_ids")), grade: grade(caller, row))
    }

    /// Whether the caller may see this person's contact fields.
    package static func seesPrivate(_ caller: Caller, _ row: PGRow) -> Bool {
        decide(caller.principal, .personReadPrivate, target(caller, row), caller.context(now: .now)).isAllowed
    }

    package static func write(_ row: PGRow, private showContact: Bool, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("employee_no", row.string("employee_no"))
        json.field("name", row.string("name"))
        if showContact {
            json.key("contact"); json.raw(Array((row.string("contact") ?? "{}").utf8))
        }
        json.field("archived", row.bool("archived") ?? false)
        json.field("unit_id", row.string("unit_id"))
        json.field("effective_from", row.string("valid_from"))
        json.field("revision", row.int("revision"))
        json.endObject()
    }

    package static func json(_ row: PGRow, private showContact: Bool = false) -> [UInt8] {
        var json = JSONWriter()
        write(row, private: showContact, to: &json)
        return json.bytes
    }

    /// People who existed on `as_of`, by id; archived ones (on that day) only with include_archived.
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let date = try OrgDate.asOf(context)
        let page = try Page(context)
        let archived = try context.flag("include_archived")
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT \(columns(1)) FROM people pe
                JOIN person_versions pv ON pv.tenant_id = pe.tenant_id AND pv.person_id = pe.id AND pv.valid @> $1::date
                WHERE ($2::uuid IS NULL OR pe.id > $2::uuid) AND ($3::boolean OR NOT pv.archived)
                ORDER BY pe.id LIMIT $4
                """, [date, page.after, archived, page.limit + 1])
        }
        let now = caller.context(now: .now)
        return page.response(rows, include: { decide(caller.principal, .personRead, target(caller, $0), now).isAllowed },
                             extra: { $0.field("as_of", date) }) { row, json in
            write(row, private: seesPrivate(caller, row), to: &json)
        }
    }

    /// The person on `as_of`; 404 when they did not exist yet that day.
    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "person")
        let date = try OrgDate.asOf(context)
        let row = try await context.transaction(caller) { connection in
            try await readExisting(connection, id: id, on: date)
        }
        guard let row else { throw Problem.notFound("person") }
        try await context.authorize(caller, .personRead, target(caller, row), resource: "person", id: id)
        return ETag.response(revision: row.int("revision"), body: json(row, private: seesPrivate(caller, row)))
    }

    package struct CreateBody: Decodable {
        package var employee_no: String
        package var name: String
        package var contact: [String: String]?
        package var unit_id: String?
        package var effective_date: String?
    }

    package static func checkEmployeeNo(_ text: String) throws {
        guard (1...40).contains(text.count), !text.contains(where: \.isWhitespace) else {
            throw Problem.invalid("employee_no", rule: "format", "employee_no must be 1 to 40 characters without spaces")
        }
    }

    package static func contactJSON(_ contact: [String: String]) throws -> PGJSON {
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

    package static func taken(_ number: String) -> Problem {
        var problem = Problem.conflict("EMPLOYEE_NO_TAKEN", "employee number \(number) is already used in this tenant")
        problem.field = "employee_no"
        problem.rule = "unique"
        return problem
    }

    /// A home unit named in a body: it must exist and not be archived on `date`; its path.
    package static func homeUnitPath(_ connection: PGConnection, id: String, on date: String) async throws -> TreePath {
        let unit = try await UnitStore.require(connection, id: id, field: "unit_id", on: date)
        guard unit.bool("archived") == false else {
            throw Problem.invalid("unit_id", rule: "not_archived", "the unit is archived on \(date)")
        }
        return OrgPath.tree(unit.string("path_ids")) ?? TreePath([])
    }

    /// Creates a person from `effective_date` on (they joined that day). With `unit_id` the person
    /// is located in that unit until they hold a primary post, so a unit-scoped HR user may create
    /// them there; without it the person is tenant-wide and needs person.create over the tenant.
    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
        try checkEmployeeNo(body.employee_no)
        try OrgRules.name(body.name)
        let contact = try contactJSON(body.contact ?? [:])
        let date = try OrgDate.body(body.effective_date)
        let unitID = body.unit_id?.lowercased()
        let row = try await context.transaction(caller) { connection in
            let unitPath = try await unitID.asyncMap { try await homeUnitPath(connection, id: $0, on: date) }
            try await context.authorize(caller, .personCreate, .person(caller.tenant, unit: unitPath, grade: nil), resource: "person", id: nil)
            let id: String
            do {
                id = try await connection.query("""
                    INSERT INTO people (tenant_id, employee_no, name, contact, home_unit_id) VALUES ($1::uuid, $2, $3, $4::jsonb, $5::uuid)
                    RETURNING id::text AS id
                    """, [caller.tenantID!, body.employee_no, body.name.trimmingCharacters(in: .whitespacesAndNewlines), contact, unitID])
                    .string(0, "id")!
            } catch let error as PGError where error.isUniqueViolation {
                throw taken(body.employee_no)
            }
            _ = try await connection.query("UPDATE person_versions SET valid = daterange($2::date, NULL) WHERE person_id = $1::uuid", [id, date])
            let row = try await read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "person.create", resource: "person", id: id,
                                       effective: date, after: json(row))
            return row
        }
        var response = ETag.response(201, revision: row.int("revision"), body: json(row, private: seesPrivate(caller, row)))
        response.headers.add("Location", "/v1/people/\(row.string("id") ?? "")")
        return response
    }
}
