// /v1/positions: seats in units with a grade on the tenant's ladder, a headcount, duties, forms,
// a kind and a reporting line. Creating or changing a position needs a grade strictly above
// the position's (GRADE_NOT_ABOVE_TARGET otherwise); every change is effective-dated.

import Access
import App
import HTTP
import Policy
import Postgres

package enum PositionRoutes {
    /// Positions on `as_of`, optionally of one unit; ones the caller may not read are left out.
    package static let list = FilteredList<(date: String, unit: String?), Position>(
        action: .positionRead,
        parameters: { context in
            let date = try OrgDate.asOf(context)
            let unit = try context.queryID("unit_id", "a unit id")
            return (date, unit)
        },
        fetch: { call, page, connection in
            try await PositionStore.list(connection, on: call.body.date, unit: call.body.unit, after: page.after, limit: page.limit + 1)
        },
        target: { caller, position in position.target(caller) }, cursor: \.id,
        extra: { call, json in json.field("as_of", call.body.date) },
        write: { _, position, json in position.write(to: &json) })

    /// The position on `as_of`.
    package static let read = Endpoint<NoBody, Position, Position>(
        action: .positionRead, resource: "position",
        load: { call, connection in
            let id = try call.pathID(resource: "position")
            let date = try OrgDate.asOf(call.context)
            guard let position = try await PositionStore.position(connection, id: id, on: date) else { throw Problem.notFound("position") }
            return position
        },
        target: { call, position in position.target(call.caller) },
        targetID: { _, position in position.id },
        perform: { _, position, _ in position },
        encode: { _, position in answer(position) })
        .cached(.shared, etag: false)

    /// A position's answer: its JSON with its revision as the ETag.
    static func answer(_ position: Position, status: Int = 200) -> HTTPResponse {
        ETag.response(status, revision: position.revision, body: position.json)
    }

    package struct CreateBody: Decodable {
        package var title: String
        package var unit_id: String
        package var grade: String?
        package var headcount: Headcount
        package var duties: [String]?
        package var forms: [String]?
        package var kind: String?
        package var reports_to: String?
        package var span_min: Int?
        package var span_max: Int?
        package var sort_order: Int?
        package var effective_date: String?
    }

    package static let kinds = ["regular", "head", "trainee"]

    package static func checkKind(_ kind: String) throws {
        guard kinds.contains(kind) else { throw Problem.invalid("kind", rule: "one_of", "kind must be regular, head or trainee") }
    }

    package static func checkSpan(_ low: Int?, _ high: Int?) throws {
        if let low, low < 0 { throw Problem.invalid("span_min", rule: "not_negative", "span_min must not be negative") }
        if let high, high < (low ?? 0) {
            throw Problem.invalid("span_max", rule: "not_below_min", "span_max (\(high)) must not be below span_min (\(low ?? 0))")
        }
    }

    /// The body's new position, checked against the rules that need no database (422 naming the field).
    static func draft(_ body: CreateBody, _ caller: Caller) throws -> (draft: PositionStore.Draft, grade: Grade?, date: String) {
        try OrgRules.name(body.title, field: "title")
        let grade = try body.grade.map { try caller.ladder.grade($0) }
        let headcount = try body.headcount.validated()
        try OrgRules.list(body.duties ?? [], field: "duties")
        try OrgRules.list(body.forms ?? [], field: "forms")
        try checkKind(body.kind ?? "regular")
        try checkSpan(body.span_min, body.span_max)
        try OrgRules.sortOrder(body.sort_order ?? 0)
        let date = try OrgDate.body(body.effective_date)
        let draft = PositionStore.Draft(
            unitID: body.unit_id.lowercased(), title: body.title.trimmingCharacters(in: .whitespacesAndNewlines), grade: body.grade,
            headcount: headcount, duties: body.duties ?? [], forms: body.forms ?? [], kind: body.kind ?? "regular",
            reportsTo: body.reports_to?.lowercased(), spanMin: body.span_min, spanMax: body.span_max, sortOrder: body.sort_order ?? 0)
        return (draft, grade, date)
    }

    /// A unit named in a body that must exist and not be archived on `date`.
    static func openUnit(_ connection: PGConnection, id: String, on date: String) async throws -> Unit {
        let unit = try await UnitStore.named(connection, id: id, field: "unit_id", on: date)
        guard !unit.archived else { throw Problem.invalid("unit_id", rule: "not_archived", "the unit is archived on \(date)") }
        return unit
    }

    package struct Creation: Sendable {
        var draft: PositionStore.Draft
        var date: String
        var target: Target
    }

    /// A new position in a unit, from `effective_date` on.
    package static let create = Endpoint<CreateBody, Creation, Position>(
        action: .positionCreate, resource: "position",
        check: { call in _ = try draft(call.body, call.caller) },
        load: { call, connection in
            let (draft, grade, date) = try draft(call.body, call.caller)
            let unit = try await openUnit(connection, id: call.body.unit_id, on: date)
            return Creation(draft: draft, date: date, target: Target(tenant: call.caller.tenant, location: unit.location, grade: grade))
        },
        target: { _, creation in creation.target },
        perform: { call, creation, connection in
            if let manager = call.body.reports_to {
                try await PositionStore.checkReportsTo(connection, position: nil, manager: manager, on: creation.date)
            }
            let id = try await PositionStore.create(connection, tenant: call.caller.tenantID!, creation.draft, from: creation.date)
            return try await PositionStore.required(connection, id: id, field: "id", on: creation.date)
        },
        audit: { _, creation, position in
            Audited("position.create", resource: "position", id: position.id, after: position.json, effective: creation.date)
        },
        writeAudit: OrgChangeAudit.writer,
        encode: { _, position in answer(position, status: 201).located("/v1/positions/\(position.id)") })

    package struct UpdateBody: Decodable {
        package var title: String?
        package var grade: String??
        package var headcount: Headcount?
        package var duties: [String]?
        package var forms: [String]?
        package var kind: String?
        package var reports_to: String??
        package var span_min: Int??
        package var span_max: Int??
        package var sort_order: Int?
        package var effective_date: String?

        package enum CodingKeys: String, CodingKey {
            case title, grade, headcount, duties, forms, kind, reports_to, span_min, span_max, sort_order, effective_date
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try container.decodeIfPresent(String.self, forKey: .title)
            grade = try container.patch(String.self, forKey: .grade)
            headcount = try container.decodeIfPresentNotNull(Headcount.self, forKey: .headcount)
            duties = try container.decodeIfPresent([String].self, forKey: .duties)
            forms = try container.decodeIfPresent([String].self, forKey: .forms)
            kind = try container.decodeIfPresent(String.self, forKey: .kind)
            reports_to = try container.patch(String.self, forKey: .reports_to)
            span_min = try container.patch(Int.self, forKey: .span_min)
            span_max = try container.patch(Int.self, forKey: .span_max)
            sort_order = try container.decodeIfPresent(Int.self, forKey: .sort_order)
            effective_date = try container.decodeIfPresent(String.self, forKey: .effective_date)
        }
    }

    /// A change of an existing position: its id, the effective day, the position that day before
    /// the change and the policy's view of the change.
    package struct Loaded: Sendable {
        var id: String
        var date: String
        var before: Position
        var target: Target
    }

    /// The position `{id}` on `date`, its version locked (If-Match checked); 404 when absent.
    static func locked(_ call: Call<some Sendable>, _ connection: PGConnection, on date: String) async throws -> (String, Position) {
        let id = try call.pathID(resource: "position")
        guard try await Versions.lock(connection, call.context, "positions", id: id) != nil,
              let before = try await PositionStore.position(connection, id: id, on: date) else {
            throw Problem.notFound("position")
        }
        return (id, before)
    }

    /// After a change: the position's revision raised and the position as it is now on `date`.
    static func changed(_ connection: PGConnection, id: String, on date: String) async throws -> Position {
        _ = try await Versions.bump(connection, "positions", id: id)
        return try await PositionStore.required(connection, id: id, field: "id", on: date)
    }

    /// The audit of a change `action` from `loaded.before` to `after`.
    static func audited(_ action: String, _ loaded: Loaded, _ after: Position) -> Audited {
        Audited(action, resource: "position", id: loaded.id, before: loaded.before.json, after: after.json, effective: loaded.date)
    }

    static func checkUpdate(_ body: UpdateBody, _ caller: Caller) throws -> (grade: Grade?, headcount: (kind: String, min: Int?, max: Int?)?, date: String) {
        if let title = body.title { try OrgRules.name(title, field: "title") }
        let newGrade = try body.grade.flatMap { $0 }.map { try caller.ladder.grade($0) }
        let headcount = try body.headcount?.validated()
        if let duties = body.duties { try OrgRules.list(duties, field: "duties") }
        if let forms = body.forms { try OrgRules.list(forms, field: "forms") }
        if let kind = body.kind { try checkKind(kind) }
        if let order = body.sort_order { try OrgRules.sortOrder(order) }
        try OrgRules.id(body.reports_to ?? nil, field: "reports_to")
        return (newGrade, headcount, try OrgDate.body(body.effective_date))
    }

    /// Changes the position from `effective_date` on; a regrade is decided with the accounts of
    /// its holders, whose grade it changes.
    package static let update = Endpoint<UpdateBody, Loaded, Position>(
        action: .positionUpdate, resource: "position",
        check: { call in _ = try checkUpdate(call.body, call.caller) },
        load: { call, connection in
            let body = call.body
            let (newGrade, _, date) = try checkUpdate(body, call.caller)
            if body.reports_to != nil { try await OrgChange.lockTree(connection, call.caller, "reports_to") }
            let (id, before) = try await locked(call, connection, on: date)
            try checkSpan(body.span_min ?? before.spanMin, body.span_max ?? before.spanMax)
            var target = before.target(call.caller)
            if body.grade != nil {
                target.newGrade = newGrade
                target.affected = LinkedAccounts.principals(try await LinkedAccounts.holding(id, from: date, connection), call.caller)
            }
            return Loaded(id: id, date: date, before: before, target: target)
        },
        target: { _, loaded in loaded.target },
        targetID: { _, loaded in loaded.id },
        perform: { call, loaded, connection in
            let body = call.body
            if !loaded.target.affected.isEmpty { try await AccessStore.notifyAccessChanged(connection) }   // their grade changes at commit
            if let manager = body.reports_to.flatMap({ $0 }) {
                try await PositionStore.checkReportsTo(connection, position: loaded.id, manager: manager, on: loaded.date)
            }
            try await Versions.prepare(connection, Versions.positions, id: loaded.id, on: loaded.date)
            let headcount = try checkUpdate(body, call.caller).headcount
            try await PositionStore.apply(PositionStore.Change(
                title: body.title?.trimmingCharacters(in: .whitespacesAndNewlines), grade: body.grade,
                headcount: headcount, duties: body.duties, forms: body.forms,
                kind: body.kind, reportsTo: body.reports_to, spanMin: body.span_min, spanMax: body.span_max,
                sortOrder: body.sort_order), to: loaded.id, from: loaded.date, connection)
            return try await changed(connection, id: loaded.id, on: loaded.date)
        },
        audit: { _, loaded, after in audited("position.update", loaded, after) },
        writeAudit: OrgChangeAudit.writer,
        encode: { _, position in answer(position) })

    package struct MoveBody: Decodable {
        package var unit_id: String
        package var effective_date: String?
    }

    /// Moves the position (and so its holders) to another unit from the effective date on.
    package static let move = Endpoint<MoveBody, Loaded, Position>(
        action: .positionMove, resource: "position",
        check: { call in
            try OrgRules.id(call.body.unit_id, field: "unit_id")
            _ = try OrgDate.body(call.body.effective_date)
        },
        load: { call, connection in
            let date = try OrgDate.body(call.body.effective_date)
            let (id, before) = try await locked(call, connection, on: date)
            let unit = try await openUnit(connection, id: call.body.unit_id, on: date)
            var target = before.target(call.caller)
            target.destination = unit.location
            return Loaded(id: id, date: date, before: before, target: target)
        },
        target: { _, loaded in loaded.target },
        targetID: { _, loaded in loaded.id },
        perform: { call, loaded, connection in
            try await Versions.prepare(connection, Versions.positions, id: loaded.id, on: loaded.date)
            try await PositionStore.move(connection, id: loaded.id, to: call.body.unit_id.lowercased(), from: loaded.date)
            return try await changed(connection, id: loaded.id, on: loaded.date)
        },
        audit: { _, loaded, after in audited("position.move", loaded, after) },
        writeAudit: OrgChangeAudit.writer,
        encode: { _, position in answer(position) })

    package struct ArchiveBody: Decodable {
        package var effective_date: String?
    }

    /// Archives the position from the effective date on; refused while anyone holds it then.
    package static let archive = Endpoint<NoBody, Loaded, Position>(
        action: .positionArchive, resource: "position",
        load: { call, connection in
            _ = try call.pathID(resource: "position")
            let date = try OrgDate.body(call.optionalBody(ArchiveBody()).effective_date)
            let (id, before) = try await locked(call, connection, on: date)
            return Loaded(id: id, date: date, before: before, target: before.target(call.caller))
        },
        target: { _, loaded in loaded.target },
        targetID: { _, loaded in loaded.id },
        perform: { _, loaded, connection in
            if try await AssignmentStore.isHeld(connection, position: loaded.id, onOrAfter: loaded.date) {
                throw Problem.conflict("POSITION_HELD", "someone holds the position on or after \(loaded.date); end their assignment first")
            }
            try await Versions.prepare(connection, Versions.positions, id: loaded.id, on: loaded.date)
            try await PositionStore.archive(connection, id: loaded.id, from: loaded.date)
            return try await changed(connection, id: loaded.id, on: loaded.date)
        },
        audit: { _, loaded, after in audited("position.archive", loaded, after) },
        writeAudit: OrgChangeAudit.writer,
        encode: { _, position in answer(position) })
}
