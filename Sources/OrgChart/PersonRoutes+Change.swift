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

    /// A change of an existing person: the effective day and the person that day before it.
    package struct Loaded: Sendable {
        var id: String
        var date: String
        var before: Person
    }

    /// The person `{id}` as on `date`, their record locked (If-Match checked); 404 when absent.
    static func locked(_ call: Call<some Sendable>, _ connection: PGConnection, on date: String) async throws -> Loaded {
        let id = try call.pathID(resource: "person")
        guard try await Versions.lock(connection, call.context, "people", id: id) != nil,
              let before = try await PersonStore.person(connection, id: id, on: date) else { throw Problem.notFound("person") }
        return Loaded(id: id, date: date, before: before)
    }

    /// The audit of a change `action` from `loaded.before` to `after` (never with contact).
    static func audited(_ action: String, _ loaded: Loaded, _ after: Person) -> Audited {
        Audited(action, resource: "person", id: loaded.id, before: loaded.before.json, after: after.json, effective: loaded.date)
    }

    static func checkUpdate(_ body: UpdateBody) throws -> (contact: PGJSON?, date: String) {
        if let number = body.employee_no { try checkEmployeeNo(number) }
        if let name = body.name { try OrgRules.name(name) }
        let contact = try body.contact.map(contactJSON)
        try OrgRules.id(body.unit_id ?? nil, field: "unit_id")
        return (contact, try OrgDate.body(body.effective_date))
    }

    /// Changes the name from `effective_date` on, and the employee number, contact and home unit
    /// now. Moving the person to another home unit is decided a second time, there.
    package static let update = Endpoint<UpdateBody, Loaded, Person>(
        action: .personUpdate, resource: "person",
        check: { call in _ = try checkUpdate(call.body) },
        load: { call, connection in try await locked(call, connection, on: checkUpdate(call.body).date) },
        target: { call, loaded in loaded.before.target(call.caller) },
        targetID: { _, loaded in loaded.id },
        perform: { call, loaded, connection in
            let body = call.body
            let (id, date, before) = (loaded.id, loaded.date, loaded.before)
            let homeUnit = body.unit_id.map { $0?.lowercased() }
            if let homeUnit {
                // The person may move to where the caller may also change people.
                let path = try await homeUnit.asyncMap { try await homeUnitPath(connection, id: $0, on: date) }
                try await call.context.authorize(call.caller, .personUpdate, .person(call.caller.tenant, unit: path, grade: before.grade(call.caller)),
                                                 resource: "person", id: id)
            }
            if let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines), name != before.name {
                try await PersonStore.rename(connection, id: id, to: name, on: date)
            }
            do {
                try await PersonStore.syncMirror(connection, id: id, employeeNo: body.employee_no, contact: checkUpdate(body).contact,
                                                 homeUnit: homeUnit)
            } catch let error as PGError where error.isUniqueViolation {
                throw taken(body.employee_no ?? "")
            }
            return try await current(connection, id: id, on: date)
        },
        audit: { _, loaded, after in audited("person.update", loaded, after) },
        writeAudit: OrgChangeAudit.writer,
        encode: { call, person in answer(person, call.caller) })

    package struct ArchiveBody: Decodable {
        package var effective_date: String?
    }

    /// Archives a person from the effective date on (the day they left; before it they read as
    /// active); refused while they hold a post on that day or later.
    package static let archive = Endpoint<NoBody, Loaded, Person>(
        action: .personArchive, resource: "person",
        load: { call, connection in
            _ = try call.pathID(resource: "person")
            return try await locked(call, connection, on: OrgDate.body(call.optionalBody(ArchiveBody()).effective_date))
        },
        target: { call, loaded in loaded.before.target(call.caller) },
        targetID: { _, loaded in loaded.id },
        perform: { _, loaded, connection in
            if try await AssignmentStore.holdsPost(connection, person: loaded.id, onOrAfter: loaded.date) {
                throw Problem.conflict("PERSON_HOLDS_POSTS", "the person holds a post on \(loaded.date) or later; end their assignments first")
            }
            try await PersonStore.archive(connection, id: loaded.id, from: loaded.date)
            try await PersonStore.syncMirror(connection, id: loaded.id)
            return try await current(connection, id: loaded.id, on: loaded.date)
        },
        audit: { _, loaded, after in audited("person.archive", loaded, after) },
        writeAudit: OrgChangeAudit.writer,
        encode: { call, person in answer(person, call.caller) })
}
