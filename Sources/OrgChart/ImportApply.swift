// Applying a checked ImportBatch inside one transaction: units (parents first), people,
// positions (managers first), then assignments, each upserted by its natural key and compared
// field by field, so a record equal to what is stored is left alone (importing a file twice
// changes nothing the second time). Each record runs under a savepoint: a refused record (a
// rule, a database constraint, a later scheduled change) is rolled back to its savepoint and
// reported with its row, and the rest are still checked so one answer lists every error; the
// caller rolls the whole transaction back when any error was found. A policy refusal stops the
// import at once (403/404), as on the single-resource endpoints.
//
// Moving an existing unit (a different parent_code) is refused: moves rewrite subtrees and have
// their own endpoint (POST /v1/units/{id}/move).

import Access
import App
import ChartRender
import HTTP
import Policy
import Postgres

package struct ImportApply {
    package struct Tally: Sendable {
        package var created = 0
        package var changed = 0
        package var unchanged = 0
    }

    package let connection: PGConnection
    package let context: RequestContext
    package let caller: Caller
    package let date: String
    package var errors: [ImportError] = []
    package var tallies: [String: Tally] = [:]

    private var unitIDs: [String: String] = [:]                     // code → id, stored or created
    private var positionIDs: [ChartPositionRef: [String]] = [:]     // (unit code, title) → ids
    private var personIDs: [String: String] = [:]                   // employee number → id
    private var appointedIn: [String: String] = [:]                 // employee number → unit code of a post appointed to

    package init(connection: PGConnection, context: RequestContext, caller: Caller, date: String) {
        self.connection = connection
        self.context = context
        self.caller = caller
        self.date = date
    }

    /// Applies the batch; errors and tallies are left in `self`.
    package mutating func run(_ batch: ImportBatch) async throws {
        duplicates(batch)
        guard errors.isEmpty else { return }
        try await loadKeys(batch)
        // A primary post's unit wins over a concurrent one's, as for a person's location.
        for assignment in batch.assignments where assignment.kind == "primary" || appointedIn[assignment.employeeNo] == nil {
            appointedIn[assignment.employeeNo] = assignment.position.unitCode
        }
        for unit in ordered(batch.units, key: \.code, parent: { $0.parentCode ?? nil }, row: \.row, resource: "units") {
            try await step("units", unit.row) { run in try await run.apply(unit) }
        }
        for person in batch.people { try await step("people", person.row) { run in try await run.apply(person) } }
        for position in ordered(batch.positions, key: { Self.fileKey($0.ref) },
                                parent: { ($0.reportsTo ?? nil).map(Self.fileKey) }, row: \.row, resource: "positions") {
            try await step("positions", position.row) { run in try await run.apply(position) }
        }
        for assignment in batch.assignments {
            try await step("assignments", assignment.row) { run in try await run.apply(assignment) }
        }
        // Posts and grades changed: linked accounts' effective grades may too (one NOTIFY, at commit).
        if !batch.positions.isEmpty || !batch.assignments.isEmpty { try await AccessStore.notifyAccessChanged(connection) }
    }

    // MARK: records

    private mutating func apply(_ unit: ImportBatch.Unit) async throws {
        let parentID = try unit.parentCode.map { code in try code.map { try resolveUnit($0, field: "parent_code") } }
        let before = try await UnitStore.unit(connection, code: unit.code, on: date)
        if let kind = unit.kind { try await OrgRules.kind(kind, connection, current: before?.kind) }
        let tier = try (unit.tier ?? nil).map { try OrgRules.tier($0, caller.ladder) }
        guard let before else {
            guard let name = unit.name, let kind = unit.kind else {
                throw Problem.invalid(unit.name == nil ? "name" : "kind", rule: "required", "a new unit needs a name and a kind")
            }
            var parentPath = TreePath([])
            if let parentID = parentID ?? nil {
                parentPath = try await UnitStore.named(connection, id: parentID, field: "parent_code", on: date).path
            }
            try await context.authorize(caller, .unitCreate, .newUnit(caller.tenant, parent: parentPath, tier: tier, region: nil),
                                        resource: "unit", id: nil)
            let id = try await UnitStore.create(connection, tenant: caller.tenantID!, UnitStore.Fields(
                name: name, code: unit.code, kind: kind, tier: unit.tier ?? nil, roleLabel: unit.roleLabel ?? nil,
                functions: unit.functions ?? [], parentID: parentID ?? nil, regionID: nil, sortOrder: unit.sortOrder ?? 0,
                plannedEstablishment: unit.plannedEstablishment ?? nil), from: date)
            unitIDs[unit.code.lowercased()] = id
            let after = try await storedUnit(id)
            try await OrgChange.record(connection, context, caller, action: "unit.create", resource: "unit", id: id,
                                       effective: date, after: after.json())
            count("units", created: true)
            return
        }
        let id = before.id
        if let parentID, parentID != before.parentID {
            throw Problem.invalid("parent_code", rule: "no_move", "unit \(unit.code) exists under another parent; import does not move units — use POST /v1/units/\(id)/move")
        }
        let functions = ExportLoader.jsonStrings(before.functions)
        let same = (unit.name.map { $0 == before.name } ?? true)
            && (unit.kind.map { $0 == before.kind } ?? true)
            && (unit.tier.map { $0 == before.tier } ?? true)
            && (unit.roleLabel.map { $0 == before.roleLabel } ?? true)
            && (unit.functions.map { $0 == functions } ?? true)
            && (unit.sortOrder.map { $0 == before.sortOrder } ?? true)
            && (unit.plannedEstablishment.map { $0 == before.plannedEstablishment } ?? true)
        guard !same else { count("units", created: false, changed: false); return }
        guard try await Versions.lock(connection, nil, "units", id: id) != nil else { throw Problem.notFound("unit") }
        var target = before.target(caller)
        if unit.tier != nil { target.newUnitTier = tier }
        try await context.authorize(caller, .unitUpdate, target, resource: "unit", id: id)
        try await Versions.prepare(connection, Versions.units, id: id, on: date)
        try await UnitStore.update(connection, id: id, UnitStore.Change(
            name: unit.name, kind: unit.kind, tier: unit.tier, roleLabel: unit.roleLabel, functions: unit.functions,
            sortOrder: unit.sortOrder, plannedEstablishment: unit.plannedEstablishment), from: date)
        _ = try await Versions.bump(connection, "units", id: id)
        let after = try await storedUnit(id)
        try await OrgChange.record(connection, context, caller, action: "unit.update", resource: "unit", id: id,
                                   effective: date, before: before.json(), after: after.json())
        count("units", created: false, changed: true)
    }

    /// A person: created from the import's effective date, or renamed from it (name is dated;
    /// contact is current-state, see sql/0015). A new person's home unit is the unit of the post the
    /// import appoints them to (a primary one first; tenant-wide when none), so that person.create is
    /// decided there and an HR user scoped to a unit can import the people of its unit, as with
    /// `unit_id` on POST /v1/people.
    private mutating func apply(_ person: ImportBatch.Person) async throws {
        let contact = try person.contact.map(PersonRoutes.contactJSON)
        guard let id = personIDs[person.employeeNo] else {
            guard let name = person.name else { throw Problem.invalid("name", rule: "required", "a new person needs a name") }
            let home = appointedIn[person.employeeNo].flatMap { unitIDs[$0.lowercased()] }
            let path = try await home.asyncMap { try await PersonRoutes.homeUnitPath(connection, id: $0, on: date) }
            try await context.authorize(caller, .personCreate, .person(caller.tenant, unit: path, grade: nil), resource: "person", id: nil)
            guard let id = try await PersonStore.create(connection, tenant: caller.tenantID!, employeeNo: person.employeeNo, name: name,
                                                        contact: contact ?? PGJSON(Array("{}".utf8)), homeUnit: home, from: date) else {
                // Taken since loadKeys read the numbers: another import or POST /v1/people committed it.
                throw Problem(status: 422, code: "VALIDATION_FAILED", detail: "employee_no \(person.employeeNo) is already taken in this tenant",
                              field: nil, rule: "people_employee_no_unique")
            }
            personIDs[person.employeeNo] = id
            let after = try await storedPerson(id, on: date)
            try await OrgChange.record(connection, context, caller, action: "person.create", resource: "person", id: id,
                                       effective: date, after: after.json)
            count("people", created: true)
            return
        }
        guard let before = try await PersonStore.person(connection, id: id, on: date) else {
            throw Problem.invalid("employee_no", rule: "exists_on_date",
                                  "person \(person.employeeNo) is on record only from a day after effective_date \(date); import with a later effective_date")
        }
        let storedContact = Dictionary(ExportLoader.contactPairs(before.contact), uniquingKeysWith: { first, _ in first })
        let same = (person.name.map { $0 == before.name } ?? true) && (person.contact.map { $0 == storedContact } ?? true)
        guard !same else { count("people", created: false, changed: false); return }
        guard try await Versions.lock(connection, nil, "people", id: id) != nil else { throw Problem.notFound("person") }
        try await context.authorize(caller, .personUpdate, before.target(caller), resource: "person", id: id)
        if let name = person.name, name != before.name {
            try await PersonStore.rename(connection, id: id, to: name, on: date)
        }
        try await PersonStore.syncMirror(connection, id: id, contact: contact)
        let after = try await storedPerson(id, on: date)
        try await OrgChange.record(connection, context, caller, action: "person.update", resource: "person", id: id,
                                   effective: date, before: before.json, after: after.json)
        count("people", created: false, changed: true)
    }

    private mutating func apply(_ position: ImportBatch.Position) async throws {
        let unitID = try resolveUnit(position.unitCode, field: "unit_code")
        let manager = try position.reportsTo.map { ref in try ref.map { try resolvePosition($0, field: "reports_to_title") } }
        let existing = try stored(position.ref, field: "title")
        let grade = try (position.grade ?? nil).map { try caller.ladder.grade($0) }
        guard let id = existing, let before = try await PositionStore.position(connection, id: id, on: date) else {
            let unit = try await UnitStore.named(connection, id: unitID, field: "unit_code", on: date)
            guard !unit.archived else { throw Problem.invalid("unit_code", rule: "not_archived", "the unit is archived on \(date)") }
            guard let headcount = position.headcount else {
                throw Problem.invalid("headcount", rule: "required", "a new position needs a headcount (n, min-max, N or n/region)")
            }
            let target = Target.position(caller.tenant, unit: unit.path, region: OrgPath.tree(unit.regionPath), grade: grade)
            try await context.authorize(caller, .positionCreate, target, resource: "position", id: nil)
            let id = try await PositionStore.create(connection, tenant: caller.tenantID!, PositionStore.Draft(
                unitID: unitID, title: position.title, grade: position.grade ?? nil, headcount: headcount,
                duties: position.duties ?? [], forms: position.forms ?? [], kind: position.kind ?? "regular", reportsTo: manager ?? nil,
                spanMin: position.spanMin ?? nil, spanMax: position.spanMax ?? nil, sortOrder: position.sortOrder ?? 0), from: date)
            positionIDs[Self.key(position.ref), default: []].append(id)      // the next of its title
            let after = try await storedPosition(id, on: date)
            try await OrgChange.record(connection, context, caller, action: "position.create", resource: "position", id: id,
                                       effective: date, after: after.json)
            count("positions", created: true)
            return
        }
        let headcount = position.headcount
        let same = (position.grade.map { $0 == before.grade } ?? true)
            && (headcount.map { $0.kind == before.headcount.kind && $0.min == before.headcount.min && $0.max == before.headcount.max } ?? true)
            && (position.kind.map { $0 == before.kind } ?? true)
            && (manager.map { $0 == before.reportsTo } ?? true)
            && (position.duties.map { $0 == ExportLoader.jsonStrings(before.duties) } ?? true)
            && (position.forms.map { $0 == ExportLoader.jsonStrings(before.forms) } ?? true)
            && (position.spanMin.map { $0 == before.spanMin } ?? true)
            && (position.spanMax.map { $0 == before.spanMax } ?? true)
            && (position.sortOrder.map { $0 == before.sortOrder } ?? true)
        guard !same else { count("positions", created: false, changed: false); return }
        if manager != nil { try await OrgChange.lockTree(connection, caller, "reports_to") }
        guard try await Versions.lock(connection, nil, "positions", id: id) != nil else { throw Problem.notFound("position") }
        try PositionRoutes.checkSpan(position.spanMin ?? before.spanMin, position.spanMax ?? before.spanMax)
        var target = before.target(caller)
        if position.grade != nil {
            target.newGrade = grade
            target.affected = LinkedAccounts.principals(try await LinkedAccounts.holding(id, from: date, connection), caller)
        }
        try await context.authorize(caller, .positionUpdate, target, resource: "position", id: id)
        if let manager = manager ?? nil {
            try await PositionStore.checkReportsTo(connection, position: id, manager: manager, on: date)
        }
        try await Versions.prepare(connection, Versions.positions, id: id, on: date)
        try await PositionStore.apply(PositionStore.Change(
            grade: position.grade, headcount: headcount.map { ($0.kind, $0.min, $0.max) },
            duties: position.duties, forms: position.forms, kind: position.kind, reportsTo: manager,
            spanMin: position.spanMin, spanMax: position.spanMax, sortOrder: position.sortOrder),
            to: id, from: date, connection)
        _ = try await Versions.bump(connection, "positions", id: id)
        let after = try await storedPosition(id, on: date)
        try await OrgChange.record(connection, context, caller, action: "position.update", resource: "position", id: id,
                                   effective: date, before: before.json, after: after.json)
        count("positions", created: false, changed: true)
    }

    private mutating func apply(_ assignment: ImportBatch.Assignment) async throws {
        guard let personID = personIDs[assignment.employeeNo] else {
            throw Problem.invalid("employee_no", rule: "exists", "employee_no \(assignment.employeeNo) names no person of this tenant or of this import")
        }
        let positionID = try resolvePosition(assignment.position, field: "position_title")
        let start = assignment.start ?? date
        let endAfter = (assignment.end ?? nil).map(OrgDate.dayAfter)
        let range = "[\(start),\(endAfter ?? ""))"
        // The same person in the same position over an overlapping period is this assignment.
        if let stored = try await AssignmentStore.overlapping(connection, person: personID, position: positionID, range: range) {
            if stored.kind != assignment.kind {
                throw Problem.invalid("kind", rule: "unchanged_kind",
                                      "the person already holds this position as \(stored.kind) from \(stored.startDate); end that assignment and import a new one")
            }
            if let given = assignment.start, given != stored.startDate {
                throw Problem.invalid("start_date", rule: "unchanged_start",
                                      "the person already holds this position from \(stored.startDate); end that assignment and import a new one")
            }
            guard let end = assignment.end, end.map(OrgDate.dayAfter) != stored.endAfter else {
                count("assignments", created: false, changed: false)
                return
            }
            let id = stored.id
            let before = try await storedAssignment(id)
            if let storedEnd = stored.endAfter, end.map({ OrgDate.dayAfter($0) > storedEnd }) ?? true {
                // A later or no end extends the post: decided as an appointment for the days added.
                try await authorizeExtension(positionID: positionID, personID: personID, from: storedEnd,
                                             endAfter: end.map(OrgDate.dayAfter), id: id)
            } else {
                try await authorizeAssignment(.assignmentEnd, positionID: positionID, personID: personID, on: stored.startDate, id: id)
            }
            if let end {
                try await AssignmentStore.end(connection, id: id, lastDay: end)
            } else {
                try await AssignmentStore.reopen(connection, id: id)
            }
            let after = try await storedAssignment(id)
            try await OrgChange.record(connection, context, caller, action: end == nil ? "assignment.update" : "assignment.end",
                                       resource: "assignment", id: id, effective: end ?? start,
                                       before: before.json, after: after.json)
            count("assignments", created: false, changed: true)
            return
        }
        _ = try await PositionStore.lock(connection, id: positionID)
        let position = try await PositionStore.required(connection, id: positionID, field: "position_title", on: start)
        guard !position.archived else {
            throw Problem.invalid("position_title", rule: "not_archived", "the position is archived on \(start)")
        }
        guard let person = try await PersonStore.person(connection, id: personID, on: start) else {
            throw Problem.invalid("employee_no", rule: "exists", "employee_no \(assignment.employeeNo) names no person of this tenant")
        }
        try await context.authorize(caller, .assignmentCreate, try await AssignmentRoutes.appointment(
            caller, position: position, person: person, range: range, connection), resource: "assignment", id: nil)
        var region: String?
        if let code = assignment.regionCode { region = try await resolveRegion(code) }
        try await HeadcountCheck.admit(connection, position: position, start: start, range: range, region: region, field: "position_title")
        let id: String
        do {
            id = try await AssignmentStore.create(connection, tenant: caller.tenantID!, person: personID, position: positionID,
                                                  kind: assignment.kind, range: range, region: region)
        } catch AssignmentStore.Overlap.primaryPost {
            throw Problem.invalid("kind", rule: "one_primary_post",
                                  "the person already has a primary post overlapping \(start); make this one concurrent or end the other first")
        } catch AssignmentStore.Overlap.samePosition {
            // Held since the overlap was looked up above: another import or appointment committed it.
            throw Problem(status: 422, code: "VALIDATION_FAILED", detail: "the person already holds this position in that period",
                          field: nil, rule: "assignments_seat_once")
        }
        let after = try await storedAssignment(id)
        try await OrgChange.record(connection, context, caller, action: "assignment.create", resource: "assignment", id: id,
                                   effective: start, after: after.json)
        count("assignments", created: true)
    }

    private func authorizeAssignment(_ action: Action, positionID: String, personID: String, on day: String, id: String?) async throws {
        guard let position = try await PositionStore.position(connection, id: positionID, on: day) else { return }
        let person = try await PersonStore.person(connection, id: personID, on: day)
        try await context.authorize(caller, action, AssignmentRoutes.target(caller, position: position, person: person),
                                    resource: "assignment", id: id)
    }

    /// Decides extending assignment `id` by the days from `from` until before `endAfter` (nil: for
    /// good) as assignment.update, ranked like an appointment for those days
    /// (AssignmentRoutes.appointment): holding the post longer can lift its holder through a
    /// regrade scheduled in them.
    private func authorizeExtension(positionID: String, personID: String, from: String, endAfter: String?,
                                    id: String) async throws {
        let added = "[\(from),\(endAfter ?? ""))"
        guard let position = try await PositionStore.position(connection, id: positionID, on: from),
              let person = try await PersonStore.person(connection, id: personID, on: from) else {
            throw Problem.invalid("end_date", rule: "position_in_force", "the position is not in force on \(from), so the assignment cannot be extended")
        }
        try await context.authorize(caller, .assignmentUpdate, try await AssignmentRoutes.appointment(
            caller, position: position, person: person, range: added, connection), resource: "assignment", id: id)
    }

    // MARK: written records

    /// A record just written, as the audit keeps it; it exists, as the statement that wrote it
    /// returned its id in this transaction.
    private func storedUnit(_ id: String) async throws -> Unit {
        guard let unit = try await UnitStore.unit(connection, id: id, on: date) else { throw Problem.notFound("unit") }
        return unit
    }

    private func storedPerson(_ id: String, on day: String) async throws -> Person {
        guard let person = try await PersonStore.person(connection, id: id, on: day) else { throw Problem.notFound("person") }
        return person
    }

    private func storedPosition(_ id: String, on day: String) async throws -> Position {
        guard let position = try await PositionStore.position(connection, id: id, on: day) else { throw Problem.notFound("position") }
        return position
    }

    private func storedAssignment(_ id: String) async throws -> Assignment {
        guard let assignment = try await AssignmentStore.assignment(connection, id: id) else { throw Problem.notFound("assignment") }
        return assignment
    }

    // MARK: keys

    /// Loads the stored ids of every natural key the batch names, in three queries.
    private mutating func loadKeys(_ batch: ImportBatch) async throws {
        var unitCodes = Set(batch.units.map(\.code))
        batch.units.forEach { if let parent = $0.parentCode ?? nil { unitCodes.insert(parent) } }
        batch.positions.forEach { unitCodes.insert($0.unitCode); if let ref = $0.reportsTo ?? nil { unitCodes.insert(ref.unitCode) } }
        batch.assignments.forEach { unitCodes.insert($0.position.unitCode) }
        for (code, id) in try await UnitStore.ids(connection, codes: Array(unitCodes), on: date) {
            unitIDs[code.lowercased()] = id
        }
        for (id, title, code) in try await PositionStore.titled(connection, unitCodes: Array(unitCodes), on: date) {
            positionIDs[Self.key(ChartPositionRef(unitCode: code, title: title)), default: []].append(id)
        }
        let numbers = Set(batch.people.map(\.employeeNo) + batch.assignments.map(\.employeeNo))
        for (number, id) in try await PersonStore.ids(connection, employeeNumbers: Array(numbers)) {
            personIDs[number] = id
        }
    }

    private func resolveUnit(_ code: String, field: String) throws -> String {
        guard let id = unitIDs[code.lowercased()] else {
            throw Problem.invalid(field, rule: "exists", "\(field) \(code) names no unit of this tenant on \(date) or of this import")
        }
        return id
    }

    /// A region named by its code in an assignment's `region_code` (per-region posts).
    private func resolveRegion(_ code: String) async throws -> String {
        guard let id = try await RegionStore.id(connection, code: code) else {
            throw Problem.invalid("region_code", rule: "exists", "region_code \(code) names no region of this tenant")
        }
        return id
    }

    /// The stored (or already imported) position a reference names: the `titleNo`-th of its
    /// title in its unit (in sort order, then creation order, as the exports number them), or
    /// the only one; nil when there is none yet. Several without a number is ambiguous.
    private func stored(_ ref: ChartPositionRef, field: String) throws -> String? {
        let ids = positionIDs[Self.key(ref)] ?? []
        if let number = ref.titleNo { return number <= ids.count ? ids[number - 1] : nil }
        guard ids.count <= 1 else { throw ambiguous(ref, field: field) }
        return ids.first
    }

    private func resolvePosition(_ ref: ChartPositionRef, field: String) throws -> String {
        guard let id = try stored(ref, field: field) else {
            throw Problem.invalid(field, rule: "exists", "no position \(ref.title)\(ref.titleNo.map { " (no. \($0))" } ?? "") in unit \(ref.unitCode) on \(date), stored or in this import")
        }
        return id
    }

    /// A position reference as one string, for ordering a file's positions managers first.
    private static func fileKey(_ ref: ChartPositionRef) -> String {
        "\(ref.unitCode)\u{1}\(ref.title)\u{1}\(ref.titleNo ?? 1)"
    }

    /// Unit codes compare without case, as the database's code lookups do not: one spelling per key.
    private static func key(_ ref: ChartPositionRef) -> ChartPositionRef {
        ChartPositionRef(unitCode: ref.unitCode.lowercased(), title: ref.title)
    }

    private func ambiguous(_ ref: ChartPositionRef, field: String) -> Problem {
        Problem.invalid(field, rule: "unambiguous", "unit \(ref.unitCode) has several positions titled \(ref.title); say which with its number (title_no, as the export writes it)")
    }

    // MARK: bookkeeping

    /// Runs one record under a savepoint; a refused record is rolled back and reported, a policy
    /// refusal (403/404) ends the import.
    private mutating func step(_ resource: String, _ row: Int, _ body: (inout ImportApply) async throws -> Void) async throws {
        _ = try await connection.query("SAVEPOINT import_record")
        do {
            try await body(&self)
            _ = try await connection.query("RELEASE SAVEPOINT import_record")
        } catch var problem as Problem where problem.status != 403 && problem.status != 404 {
            _ = try await connection.query("ROLLBACK TO SAVEPOINT import_record")
            if problem.field == nil && problem.status == 409 { problem.field = "effective_date" }
            errors.append(ImportError(resource: resource, row: row, field: problem.field, rule: problem.rule ?? problem.code.lowercased(),
                                      message: problem.detail))
        } catch let error as PGError where error.sqlState != nil && !connection.isBroken {
            _ = try await connection.query("ROLLBACK TO SAVEPOINT import_record")
            errors.append(ImportError(resource: resource, row: row, field: nil, rule: error.constraint ?? "database", message: error.message))
        } catch var problem as Problem {
            problem.extra.append(("import_row", .object([("resource", .string(resource)), ("row", .number(Double(row)))])))
            throw problem
        }
    }

    private mutating func count(_ resource: String, created: Bool, changed: Bool = false) {
        if created { tallies[resource, default: Tally()].created += 1 } else if changed { tallies[resource, default: Tally()].changed += 1 } else {
            tallies[resource, default: Tally()].unchanged += 1
        }
    }

    /// Refuses the same natural key twice in one file.
    private mutating func duplicates(_ batch: ImportBatch) {
        func check<T>(_ items: [T], _ resource: String, field: String, key: (T) -> String, row: (T) -> Int) {
            var seen: [String: Int] = [:]
            for item in items {
                if let first = seen[key(item)] {
                    errors.append(ImportError(resource: resource, row: row(item), field: field, rule: "unique_in_file",
                                              message: "\(key(item)) already appears in row \(first)"))
                } else {
                    seen[key(item)] = row(item)
                }
            }
        }
        check(batch.units, "units", field: "code", key: { $0.code.lowercased() }, row: \.row)
        check(batch.positions, "positions", field: "title", key: { "\($0.unitCode.lowercased()) / \($0.title)\($0.titleNo.map { " #\($0)" } ?? "")" }, row: \.row)
        check(batch.people, "people", field: "employee_no", key: \.employeeNo, row: \.row)
    }

    /// Records in an order where each one's parent (in the same file) comes first; a loop
    /// inside the file is reported and its records left out.
    private mutating func ordered<T>(_ items: [T], key: (T) -> String, parent: (T) -> String?, row: (T) -> Int, resource: String) -> [T] {
        var byKey: [String: Int] = [:]
        for (index, item) in items.enumerated() { byKey[key(item).lowercased()] = index }
        var state = [Int](repeating: 0, count: items.count)        // 0 new, 1 visiting, 2 done
        var out: [T] = []
        var loops: [Int] = []
        func visit(_ index: Int) {
            if state[index] == 2 { return }
            if state[index] == 1 { loops.append(index); return }
            state[index] = 1
            if let up = parent(items[index]).flatMap({ byKey[$0.lowercased()] }) { visit(up) }
            state[index] = 2
            out.append(items[index])
        }
        for index in items.indices { visit(index) }
        for index in loops {
            errors.append(ImportError(resource: resource, row: row(items[index]),
                                      field: resource == "units" ? "parent_code" : "reports_to_title", rule: "no_cycle",
                                      message: "the file's \(resource) form a loop through this record"))
        }
        return out
    }
}
