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
        let before = try await connection.query("SELECT \(UnitStore.columns) FROM \(UnitStore.from(1)) WHERE v.code = $2",
                                                [date, unit.code]).first
        if let kind = unit.kind { try await OrgRules.kind(kind, connection, current: before?.string("kind")) }
        let tier = try (unit.tier ?? nil).map { try OrgRules.tier($0, caller.ladder) }
        guard let before else {
            guard let name = unit.name, let kind = unit.kind else {
                throw Problem.invalid(unit.name == nil ? "name" : "kind", rule: "required", "a new unit needs a name and a kind")
            }
            var parentPath = TreePath([])
            if let parentID = parentID ?? nil {
                let parent = try await UnitStore.require(connection, id: parentID, field: "parent_code", on: date)
                parentPath = OrgPath.tree(parent.string("path_ids")) ?? TreePath([])
            }
            try await context.authorize(caller, .unitCreate, .newUnit(caller.tenant, parent: parentPath, tier: tier, region: nil),
                                        resource: "unit", id: nil)
            let id: String
            do {
                id = try await connection.query("""
                    WITH u AS (INSERT INTO units (tenant_id) VALUES ($1::uuid) RETURNING id)
                    INSERT INTO unit_versions (tenant_id, unit_id, valid, parent_id, path, name, code, kind, tier, role_label, functions, sort_order,
                                               planned_establishment)
                    SELECT $1::uuid, u.id, daterange($2::date, NULL), $3::uuid,
                           coalesce((SELECT path FROM unit_versions WHERE unit_id = $3::uuid AND valid @> $2::date), ''::ltree) || orgd_uuid_label(u.id),
                           $4, $5, $6, $7, $8, $9::jsonb, $10, $11::integer
                    FROM u RETURNING unit_id::text AS id
                    """, [caller.tenantID!, date, parentID ?? nil, name, unit.code, kind, unit.tier ?? nil, unit.roleLabel ?? nil,
                          OrgRules.jsonList(unit.functions ?? []), unit.sortOrder ?? 0, unit.plannedEstablishment ?? nil]).string(0, "id")!
            } catch {
                // `query` throws PGError only (typed), so no cast is needed.
                if error.isExclusionViolation { throw UnitRoutes.codeTaken(unit.code, date) }
                throw error
            }
            unitIDs[unit.code.lowercased()] = id
            let row = try await UnitStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "unit.create", resource: "unit", id: id,
                                       effective: date, after: UnitStore.json(row))
            count("units", created: true)
            return
        }
        let id = before.string("id")!
        if let parentID, parentID != before.string("parent_id") {
            throw Problem.invalid("parent_code", rule: "no_move", "unit \(unit.code) exists under another parent; import does not move units — use POST /v1/units/\(id)/move")
        }
        let functions = ExportLoader.jsonStrings(before.string("functions"))
        let same = (unit.name.map { $0 == before.string("name") } ?? true)
            && (unit.kind.map { $0 == before.string("kind") } ?? true)
            && (unit.tier.map { $0 == before.string("tier") } ?? true)
            && (unit.roleLabel.map { $0 == before.string("role_label") } ?? true)
            && (unit.functions.map { $0 == functions } ?? true)
            && (unit.sortOrder.map { $0 == before.int("sort_order") } ?? true)
            && (unit.plannedEstablishment.map { $0 == before.int("planned_establishment") } ?? true)
        guard !same else { count("units", created: false, changed: false); return }
        guard try await Versions.lock(connection, nil, "units", id: id) != nil else { throw Problem.notFound("unit") }
        var target = UnitStore.target(caller, before)
        if unit.tier != nil { target.newUnitTier = tier }
        try await context.authorize(caller, .unitUpdate, target, resource: "unit", id: id)
        try await Versions.prepare(connection, Versions.units, id: id, on: date)
        _ = try await connection.query("""
            UPDATE unit_versions SET name = coalesce($2, name), kind = coalesce($3, kind),
                tier = CASE WHEN $4::boolean THEN $5 ELSE tier END,
                role_label = CASE WHEN $6::boolean THEN $7 ELSE role_label END,
                functions = coalesce($8::jsonb, functions), sort_order = coalesce($9::integer, sort_order),
                planned_establishment = CASE WHEN $11::boolean THEN $12::integer ELSE planned_establishment END
            WHERE unit_id = $1::uuid AND lower(valid) >= $10::date
            """, [id, unit.name, unit.kind, unit.tier != nil, unit.tier ?? nil, unit.roleLabel != nil, unit.roleLabel ?? nil,
                  unit.functions.map(OrgRules.jsonList), unit.sortOrder, date,
                  unit.plannedEstablishment != nil, unit.plannedEstablishment ?? nil])
        _ = try await Versions.bump(connection, "units", id: id)
        let after = try await UnitStore.read(connection, id: id, on: date)!
        try await OrgChange.record(connection, context, caller, action: "unit.update", resource: "unit", id: id,
                                   effective: date, before: UnitStore.json(before), after: UnitStore.json(after))
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
            let id = try await connection.query("""
                INSERT INTO people (tenant_id, employee_no, name, contact, home_unit_id) VALUES ($1::uuid, $2, $3, $4::jsonb, $5::uuid)
                RETURNING id::text AS id
                """, [caller.tenantID!, person.employeeNo, name, contact ?? PGJSON(Array("{}".utf8)), home]).string(0, "id")!
            _ = try await connection.query("UPDATE person_versions SET valid = daterange($2::date, NULL) WHERE person_id = $1::uuid", [id, date])
            personIDs[person.employeeNo] = id
            let row = try await PersonRoutes.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "person.create", resource: "person", id: id,
                                       effective: date, after: PersonRoutes.json(row))
            count("people", created: true)
            return
        }
        guard let before = try await PersonRoutes.read(connection, id: id, on: date) else {
            throw Problem.invalid("employee_no", rule: "exists_on_date",
                                  "person \(person.employeeNo) is on record only from a day after effective_date \(date); import with a later effective_date")
        }
        let storedContact = Dictionary(ExportLoader.contactPairs(before.string("contact")), uniquingKeysWith: { first, _ in first })
        let same = (person.name.map { $0 == before.string("name") } ?? true) && (person.contact.map { $0 == storedContact } ?? true)
        guard !same else { count("people", created: false, changed: false); return }
        guard try await Versions.lock(connection, nil, "people", id: id) != nil else { throw Problem.notFound("person") }
        try await context.authorize(caller, .personUpdate, PersonRoutes.target(caller, before), resource: "person", id: id)
        if let name = person.name, name != before.string("name") {
            try await PersonRoutes.rename(connection, id: id, to: name, on: date)
        }
        try await PersonRoutes.syncMirror(connection, id: id, contact: contact)
        let after = try await PersonRoutes.read(connection, id: id, on: date)!
        try await OrgChange.record(connection, context, caller, action: "person.update", resource: "person", id: id,
                                   effective: date, before: PersonRoutes.json(before), after: PersonRoutes.json(after))
        count("people", created: false, changed: true)
    }

    private mutating func apply(_ position: ImportBatch.Position) async throws {
        let unitID = try resolveUnit(position.unitCode, field: "unit_code")
        let manager = try position.reportsTo.map { ref in try ref.map { try resolvePosition($0, field: "reports_to_title") } }
        let existing = try stored(position.ref, field: "title")
        let grade = try (position.grade ?? nil).map { try caller.ladder.grade($0) }
        guard let id = existing, let before = try await PositionStore.read(connection, id: id, on: date) else {
            let unit = try await UnitStore.require(connection, id: unitID, field: "unit_code", on: date)
            guard unit.bool("archived") == false else { throw Problem.invalid("unit_code", rule: "not_archived", "the unit is archived on \(date)") }
            guard let headcount = position.headcount else {
                throw Problem.invalid("headcount", rule: "required", "a new position needs a headcount (n, min-max, N or n/region)")
            }
            let target = Target.position(caller.tenant, unit: OrgPath.tree(unit.string("path_ids")) ?? TreePath([]),
                                         region: OrgPath.tree(unit.string("region_path")), grade: grade)
            try await context.authorize(caller, .positionCreate, target, resource: "position", id: nil)
            let id = try await connection.query("""
                WITH p AS (INSERT INTO positions (tenant_id) VALUES ($1::uuid) RETURNING id)
                INSERT INTO position_versions (tenant_id, position_id, valid, unit_id, title, grade, headcount_kind, headcount_min,
                                               headcount_max, duties, forms, kind, reports_to, span_min, span_max, sort_order)
                SELECT $1::uuid, p.id, daterange($2::date, NULL), $3::uuid, $4, $5, $6, $7::integer, $8::integer, $9::jsonb, $10::jsonb,
                       $11, $12::uuid, $13::integer, $14::integer, $15::integer
                FROM p RETURNING position_id::text AS id
                """, [caller.tenantID!, date, unitID, position.title, position.grade ?? nil, headcount.kind, headcount.min, headcount.max,
                      OrgRules.jsonList(position.duties ?? []), OrgRules.jsonList(position.forms ?? []), position.kind ?? "regular",
                      manager ?? nil, position.spanMin ?? nil, position.spanMax ?? nil, position.sortOrder ?? 0]).string(0, "id")!
            positionIDs[Self.key(position.ref), default: []].append(id)      // the next of its title
            let row = try await PositionStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "position.create", resource: "position", id: id,
                                       effective: date, after: PositionStore.json(row))
            count("positions", created: true)
            return
        }
        let headcount = position.headcount
        let same = (position.grade.map { $0 == before.string("grade") } ?? true)
            && (headcount.map { $0.kind == before.string("headcount_kind") && $0.min == before.int("headcount_min") && $0.max == before.int("headcount_max") } ?? true)
            && (position.kind.map { $0 == before.string("kind") } ?? true)
            && (manager.map { $0 == before.string("reports_to") } ?? true)
            && (position.duties.map { $0 == ExportLoader.jsonStrings(before.string("duties")) } ?? true)
            && (position.forms.map { $0 == ExportLoader.jsonStrings(before.string("forms")) } ?? true)
            && (position.spanMin.map { $0 == before.int("span_min") } ?? true)
            && (position.spanMax.map { $0 == before.int("span_max") } ?? true)
            && (position.sortOrder.map { $0 == before.int("sort_order") } ?? true)
        guard !same else { count("positions", created: false, changed: false); return }
        if manager != nil { try await OrgChange.lockTree(connection, caller, "reports_to") }
        guard try await Versions.lock(connection, nil, "positions", id: id) != nil else { throw Problem.notFound("position") }
        try PositionRoutes.checkSpan(position.spanMin ?? before.int("span_min"), position.spanMax ?? before.int("span_max"))
        var target = PositionStore.target(caller, before)
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
        let after = try await PositionStore.read(connection, id: id, on: date)!
        try await OrgChange.record(connection, context, caller, action: "position.update", resource: "position", id: id,
                                   effective: date, before: PositionStore.json(before), after: PositionStore.json(after))
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
        if let stored = try await connection.query("""
            SELECT id::text AS id, kind, lower(valid)::text AS start_date, upper(valid)::text AS end_after FROM assignments
            WHERE person_id = $1::uuid AND position_id = $2::uuid AND valid && $3::daterange FOR UPDATE
            """, [personID, positionID, range]).first {
            if stored.string("kind") != assignment.kind {
                throw Problem.invalid("kind", rule: "unchanged_kind",
                                      "the person already holds this position as \(stored.string("kind") ?? "?") from \(stored.string("start_date") ?? "?"); end that assignment and import a new one")
            }
            if let given = assignment.start, given != stored.string("start_date") {
                throw Problem.invalid("start_date", rule: "unchanged_start",
                                      "the person already holds this position from \(stored.string("start_date") ?? "?"); end that assignment and import a new one")
            }
            guard let end = assignment.end, end.map(OrgDate.dayAfter) != stored.string("end_after") else {
                count("assignments", created: false, changed: false)
                return
            }
            let id = stored.string("id")!
            let before = try await AssignmentRoutes.read(connection, id: id)!
            if let storedEnd = stored.string("end_after"), end.map({ OrgDate.dayAfter($0) > storedEnd }) ?? true {
                // A later or no end extends the post: decided as an appointment for the days added.
                try await authorizeExtension(positionID: positionID, personID: personID, from: storedEnd,
                                             endAfter: end.map(OrgDate.dayAfter), id: id)
            } else {
                try await authorizeAssignment(.assignmentEnd, positionID: positionID, personID: personID, on: stored.string("start_date")!, id: id)
            }
            _ = try await connection.query("""
                UPDATE assignments SET valid = daterange(lower(valid), $2::date), revision = revision + 1, updated_at = now() WHERE id = $1::uuid
                """, [id, end.map(OrgDate.dayAfter)])
            let after = try await AssignmentRoutes.read(connection, id: id)!
            try await OrgChange.record(connection, context, caller, action: end == nil ? "assignment.update" : "assignment.end",
                                       resource: "assignment", id: id, effective: end ?? start,
                                       before: AssignmentRoutes.json(before), after: AssignmentRoutes.json(after))
            count("assignments", created: false, changed: true)
            return
        }
        _ = try await connection.query("SELECT 1 FROM positions WHERE id = $1::uuid FOR UPDATE", [positionID])
        let position = try await PositionStore.require(connection, id: positionID, field: "position_title", on: start)
        guard position.bool("archived") == false else {
            throw Problem.invalid("position_title", rule: "not_archived", "the position is archived on \(start)")
        }
        guard let person = try await PersonRoutes.read(connection, id: personID, on: start) else {
            throw Problem.invalid("employee_no", rule: "exists", "employee_no \(assignment.employeeNo) names no person of this tenant")
        }
        try await context.authorize(caller, .assignmentCreate, try await AssignmentRoutes.appointment(
            caller, position: position, person: person, range: range, connection), resource: "assignment", id: nil)
        var region: String?
        if let code = assignment.regionCode { region = try await resolveRegion(code) }
        try await HeadcountCheck.admit(connection, position: position, start: start, range: range, region: region, field: "position_title")
        let id: String
        do {
            id = try await connection.query("""
                INSERT INTO assignments (tenant_id, person_id, position_id, kind, valid, region_id)
                VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::daterange, $6::uuid) RETURNING id::text AS id
                """, [caller.tenantID!, personID, positionID, assignment.kind, range, region]).string(0, "id")!
        } catch {
            guard error.isExclusionViolation && error.constraint == "assignments_one_primary" else { throw error }
            throw Problem.invalid("kind", rule: "one_primary_post",
                                  "the person already has a primary post overlapping \(start); make this one concurrent or end the other first")
        }
        let row = try await AssignmentRoutes.read(connection, id: id)!
        try await OrgChange.record(connection, context, caller, action: "assignment.create", resource: "assignment", id: id,
                                   effective: start, after: AssignmentRoutes.json(row))
        count("assignments", created: true)
    }

    private func authorizeAssignment(_ action: Action, positionID: String, personID: String, on day: String, id: String?) async throws {
        guard let position = try await PositionStore.read(connection, id: positionID, on: day) else { return }
        let person = try await PersonRoutes.read(connection, id: personID, on: day)
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
        guard let position = try await PositionStore.read(connection, id: positionID, on: from),
              let person = try await PersonRoutes.read(connection, id: personID, on: from) else {
            throw Problem.invalid("end_date", rule: "position_in_force", "the position is not in force on \(from), so the assignment cannot be extended")
        }
        try await context.authorize(caller, .assignmentUpdate, try await AssignmentRoutes.appointment(
            caller, position: position, person: person, range: added, connection), resource: "assignment", id: id)
    }

    // MARK: keys

    /// Loads the stored ids of every natural key the batch names, in three queries.
    private mutating func loadKeys(_ batch: ImportBatch) async throws {
        var unitCodes = Set(batch.units.map(\.code))
        batch.units.forEach { if let parent = $0.parentCode ?? nil { unitCodes.insert(parent) } }
        batch.positions.forEach { unitCodes.insert($0.unitCode); if let ref = $0.reportsTo ?? nil { unitCodes.insert(ref.unitCode) } }
        batch.assignments.forEach { unitCodes.insert($0.position.unitCode) }
        for row in try await connection.query("SELECT u.id::text AS id, v.code FROM \(UnitStore.from(1)) WHERE v.code = ANY ($2::text[])",
                                              [date, Array(unitCodes)]) {
            unitIDs[row.string("code")!.lowercased()] = row.string("id")!
        }
        for row in try await connection.query("""
            SELECT v.position_id::text AS id, v.title, uv.code FROM position_versions v
            JOIN positions p ON p.id = v.position_id
            JOIN unit_versions uv ON uv.unit_id = v.unit_id AND uv.valid @> $1::date
            WHERE v.valid @> $1::date AND NOT v.archived AND uv.code = ANY ($2::text[])
            ORDER BY v.sort_order, p.seq
            """, [date, Array(unitCodes)]) {
            positionIDs[Self.key(ChartPositionRef(unitCode: row.string("code")!, title: row.string("title")!)), default: []].append(row.string("id")!)
        }
        let numbers = Set(batch.people.map(\.employeeNo) + batch.assignments.map(\.employeeNo))
        for row in try await connection.query("SELECT id::text AS id, employee_no FROM people WHERE employee_no = ANY ($1::text[])",
                                              [Array(numbers)]) {
            personIDs[row.string("employee_no")!] = row.string("id")!
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
        guard let id = try await connection.query("SELECT id::text AS id FROM regions WHERE code = $1", [code]).string(0, "id") else {
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
