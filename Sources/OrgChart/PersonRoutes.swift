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
    /// People who existed on `as_of`, by id; archived ones (on that day) only with include_archived.
    package static let list = FilteredList<(date: String, archived: Bool), Person>(
        action: .personRead,
        parameters: { context in (try OrgDate.asOf(context), try context.flag("include_archived")) },
        fetch: { call, page, connection in
            try await PersonStore.list(connection, on: call.body.date, archived: call.body.archived, after: page.after,
                                       limit: page.limit + 1)
        },
        target: { caller, person in person.target(caller) }, cursor: \.id,
        extra: { call, json in json.field("as_of", call.body.date) },
        write: { call, person, json in person.write(to: &json, private: person.seesPrivate(call.caller)) })

    /// The person on `as_of`; 404 when they did not exist yet that day.
    package static let read = Endpoint<NoBody, Person, Person>(
        action: .personRead, resource: "person",
        load: { call, connection in
            let id = try call.pathID(resource: "person")
            let date = try OrgDate.asOf(call.context)
            guard let person = try await PersonStore.existing(connection, id: id, on: date) else { throw Problem.notFound("person") }
            return person
        },
        target: { call, person in person.target(call.caller) },
        targetID: { _, person in person.id },
        perform: { _, person, _ in person },
        encode: { call, person in answer(person, call.caller) })

    /// A person's answer: their JSON (contact if the caller may see it) with the revision as ETag.
    static func answer(_ person: Person, _ caller: Caller, status: Int = 200) -> HTTPResponse {
        ETag.response(status, revision: person.revision, body: person.json(private: person.seesPrivate(caller)))
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
        let unit = try await PositionRoutes.openUnit(connection, id: id, on: date)
        return UnitStore.location(unit).unit ?? TreePath([])
    }

    package struct Creation: Sendable {
        var date: String
        var contact: PGJSON
        var homeUnit: String?
        var target: Target
    }

    /// The body's checks that need no database (422 naming the field).
    static func checkCreate(_ body: CreateBody) throws -> (contact: PGJSON, date: String) {
        try checkEmployeeNo(body.employee_no)
        try OrgRules.name(body.name)
        let contact = try contactJSON(body.contact ?? [:])
        return (contact, try OrgDate.body(body.effective_date))
    }

    /// Creates a person from `effective_date` on (they joined that day). With `unit_id` the person
    /// is located in that unit until they hold a primary post, so a unit-scoped HR user may create
    /// them there; without it the person is tenant-wide and needs person.create over the tenant.
    package static let create = Endpoint<CreateBody, Creation, Person>(
        action: .personCreate, resource: "person",
        check: { call in _ = try checkCreate(call.body) },
        load: { call, connection in
            let (contact, date) = try checkCreate(call.body)
            let unitID = call.body.unit_id?.lowercased()
            let unitPath = try await unitID.asyncMap { try await homeUnitPath(connection, id: $0, on: date) }
            return Creation(date: date, contact: contact, homeUnit: unitID,
                            target: .person(call.caller.tenant, unit: unitPath, grade: nil))
        },
        target: { _, creation in creation.target },
        perform: { call, creation, connection in
            let body = call.body
            guard let id = try await PersonStore.create(connection, tenant: call.caller.tenantID!, employeeNo: body.employee_no,
                                                        name: body.name.trimmingCharacters(in: .whitespacesAndNewlines),
                                                        contact: creation.contact, homeUnit: creation.homeUnit, from: creation.date) else {
                throw taken(body.employee_no)
            }
            return try await current(connection, id: id, on: creation.date)
        },
        audit: { _, creation, person in
            Audited("person.create", resource: "person", id: person.id, after: person.json, effective: creation.date)
        },
        writeAudit: OrgChangeAudit.writer,
        encode: { call, person in answer(person, call.caller, status: 201).located("/v1/people/\(person.id)") })

    /// The person just written, as on `date`.
    static func current(_ connection: PGConnection, id: String, on date: String) async throws -> Person {
        guard let person = try await PersonStore.person(connection, id: id, on: date) else { throw Problem.notFound("person") }
        return person
    }
}
