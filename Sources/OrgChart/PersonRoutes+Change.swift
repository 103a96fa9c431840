// Changing a person: PATCH (name from an effective date; employee number, contact and home unit
// as they are now) and archive (the person left on the effective date). Dated changes follow
// Versions: the version covering the day is cut there and the part from that day on changes; a
// person with a change already scheduled later is refused (409 LATER_CHANGE_SCHEDULED).

import App
import HTTP
import Policy
import Postgres

extension PersonRoutes {
    package struct UpdateBody: Decodable {
        package var employee_no: String?
        package var name: String?
        package var contact: [String: String]?
        package var unit_id: String??               // absent: unchanged; null: no home unit (tenant-wide)
        package var effective_date: String?

        package enum CodingKeys: String, CodingKey { case employee_no, name, contact, unit_id, effective_date }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            employee_no = try container.decodeIfPresent(String.self, forKey: .employee_no)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            contact = try container.decodeIfPresent([String: String].self, forKey: .contact)
            unit_id = try container.patch(String.self, forKey: .unit_id)
            effective_date = try container.decodeIfPresent(String.self, forKey: .effective_date)
        }
    }

    /// Renames the person from `date` on: the version covering it is cut there (409
    /// LATER_CHANGE_SCHEDULED when a change is already dated later). Call `syncMirror` after.
    package static func rename(_ connection: PGConnection, id: String, to name: String, on date: String) async throws {
        try await Versions.prepare(connection, versions, id: id, on: date)
        _ = try await connection.query("UPDATE person_versions SET name = $2 WHERE person_id = $1::uuid AND lower(valid) >= $3::date",
                                       [id, name, date])
    }

    /// Copies the latest version's name and archived flag into `people` (the mirror kept for
    /// current-state writers) and raises the revision, with the current-state fields of this change.
    package static func syncMirror(_ connection: PGConnection, id: String, employeeNo: String? = nil, contact: PGJSON? = nil,
                                   homeUnit: String?? = nil) async throws {
        _ = try await connection.query("""
            UPDATE people pe SET name = v.name, archived = v.archived, employee_no = coalesce($2, pe.employee_no),
                contact = coalesce($3::jsonb, pe.contact), home_unit_id = CASE WHEN $4::boolean THEN $5::uuid ELSE pe.home_unit_id END,
                revision = pe.revision + 1, updated_at = now()
            FROM person_versions v
            WHERE pe.id = $1::uuid AND v.tenant_id = pe.tenant_id AND v.person_id = pe.id AND upper_inf(v.valid)
            """, [id, employeeNo, contact, homeUnit != nil, homeUnit ?? nil])
    }

    package static func update(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "person")
        let body = try context.body(UpdateBody.self)
        if let number = body.employee_no { try checkEmployeeNo(number) }
        if let name = body.name { try OrgRules.name(name) }
        let contact = try body.contact.map(contactJSON)
        try OrgRules.id(body.unit_id ?? nil, field: "unit_id")
        let date = try OrgDate.body(body.effective_date)
        let homeUnit = body.unit_id.map { $0?.lowercased() }
        let row = try await context.transaction(caller) { connection in
            guard try await Versions.lock(connection, context, "people", id: id) != nil,
                  let before = try await read(connection, id: id, on: date) else { throw Problem.notFound("person") }
            try await context.authorize(caller, .personUpdate, target(caller, before), resource: "person", id: id)
            if let homeUnit {
                // The person may move to where the caller may also change people.
                let path = try await homeUnit.asyncMap { try await homeUnitPath(connection, id: $0, on: date) }
                try await context.authorize(caller, .personUpdate, .person(caller.tenant, unit: path, grade: grade(caller, before)),
                                            resource: "person", id: id)
            }
            if let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines), name != before.string("name") {
                try await rename(connection, id: id, to: name, on: date)
            }
            do {
                try await syncMirror(connection, id: id, employeeNo: body.employee_no, contact: contact, homeUnit: homeUnit)
            } catch let error as PGError where error.isUniqueViolation {
                throw taken(body.employee_no ?? "")
            }
            let after = try await read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "person.update", resource: "person", id: id,
                                       effective: date, before: json(before), after: json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: json(row, private: seesPrivate(caller, row)))
    }

    package struct ArchiveBody: Decodable {
        package var effective_date: String?
    }

    /// Archives a person from the effective date on (the day they left; before it they read as
    /// active); refused while they hold a post on that day or later.
    package static func archive(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "person")
        let body = context.request.body.isEmpty ? ArchiveBody() : try context.body(ArchiveBody.self)
        let date = try OrgDate.body(body.effective_date)
        let row = try await context.transaction(caller) { connection in
            guard try await Versions.lock(connection, context, "people", id: id) != nil,
                  let before = try await read(connection, id: id, on: date) else { throw Problem.notFound("person") }
            try await context.authorize(caller, .personArchive, target(caller, before), resource: "person", id: id)
            let holds = try await connection.query("""
                SELECT 1 FROM assignments WHERE person_id = $1::uuid AND (upper_inf(valid) OR upper(valid) > $2::date) LIMIT 1
                """, [id, date]).count > 0
            if holds {
                throw Problem.conflict("PERSON_HOLDS_POSTS", "the person holds a post on \(date) or later; end their assignments first")
            }
            try await Versions.prepare(connection, versions, id: id, on: date)
            _ = try await connection.query("UPDATE person_versions SET archived = true WHERE person_id = $1::uuid AND lower(valid) >= $2::date",
                                           [id, date])
            try await syncMirror(connection, id: id)
            let after = try await read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "person.archive", resource: "person", id: id,
                                       effective: date, before: json(before), after: json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: json(row, private: seesPrivate(caller, row)))
    }
}
