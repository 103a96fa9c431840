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
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let date = try OrgDate.asOf(context)
        let page = try Page(context)
        let unit = context.query("unit_id")
        if let unit, EntityID(uuid: unit) == nil {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "unit_id must be a unit id", field: "unit_id", rule: "uuid")
        }
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT \(PositionStore.columns(1)) FROM \(PositionStore.from(1))
                WHERE ($2::uuid IS NULL OR p.id > $2::uuid) AND ($3::uuid IS NULL OR v.unit_id = $3::uuid) AND NOT v.archived
                ORDER BY p.id LIMIT $4
                """, [date, page.after, unit, page.limit + 1])
        }
        let now = caller.context(now: .now)
        return page.response(rows, include: { decide(caller.principal, .positionRead, PositionStore.target(caller, $0), now).isAllowed }, extra: { $0.field("as_of", date) }) { row, json in
            PositionStore.write(row, to: &json)
        }
    }

    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "position")
        let date = try OrgDate.asOf(context)
        let row = try await context.transaction(caller) { connection in
            try await PositionStore.read(connection, id: id, on: date)
        }
        guard let row else { throw Problem.notFound("position") }
        try await context.authorize(caller, .positionRead, PositionStore.target(caller, row), resource: "position", id: id)
        return ETag.response(revision: row.int("revision"), body: PositionStore.json(row))
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

    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
        try OrgRules.name(body.title, field: "title")
        let grade = try body.grade.map { try caller.ladder.grade($0) }
        let headcount = try body.headcount.validated()
        try OrgRules.list(body.duties ?? [], field: "duties")
        try OrgRules.list(body.forms ?? [], field: "forms")
        try checkKind(body.kind ?? "regular")
        try checkSpan(body.span_min, body.span_max)
        try OrgRules.sortOrder(body.sort_order ?? 0)
        let date = try OrgDate.body(body.effective_date)
        let row = try await context.transaction(caller) { connection in
            let unit = try await UnitStore.require(connection, id: body.unit_id, field: "unit_id", on: date)
            guard unit.bool("archived") == false else { throw Problem.invalid("unit_id", rule: "not_archived", "the unit is archived on \(date)") }
            let target = Target.position(caller.tenant, unit: OrgPath.tree(unit.string("path_ids")) ?? TreePath([]),
                                         region: OrgPath.tree(unit.string("region_path")), grade: grade)
            try await context.authorize(caller, .positionCreate, target, resource: "position", id: nil)
            if let manager = body.reports_to {
                try await PositionStore.checkReportsTo(connection, position: nil, manager: manager, on: date)
            }
            let id = try await connection.query("""
                WITH p AS (INSERT INTO positions (tenant_id) VALUES ($1::uuid) RETURNING id)
                INSERT INTO position_versions (tenant_id, position_id, valid, unit_id, title, grade, headcount_kind, headcount_min,
                                               headcount_max, duties, forms, kind, reports_to, span_min, span_max, sort_order)
                SELECT $1::uuid, p.id, daterange($2::date, NULL), $3::uuid, $4, $5, $6, $7::integer, $8::integer, $9::jsonb, $10::jsonb,
                       $11, $12::uuid, $13::integer, $14::integer, $15::integer
                FROM p RETURNING position_id::text AS id
                """, [caller.tenantID!, date, body.unit_id.lowercased(), body.title.trimmingCharacters(in: .whitespacesAndNewlines),
                      body.grade, headcount.kind, headcount.min, headcount.max, OrgRules.jsonList(body.duties ?? []),
                      OrgRules.jsonList(body.forms ?? []), body.kind ?? "regular", body.reports_to?.lowercased(),
                      body.span_min, body.span_max, body.sort_order ?? 0]).string(0, "id")!
            let row = try await PositionStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "position.create", resource: "position", id: id,
                                       effective: date, after: PositionStore.json(row))
            return row
        }
        var response = ETag.response(201, revision: row.int("revision"), body: PositionStore.json(row))
        response.headers.add("Location", "/v1/positions/\(row.string("id") ?? "")")
        return response
    }

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

    package static func update(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "position")
        let body = try context.body(UpdateBody.self)
        if let title = body.title { try OrgRules.name(title, field: "title") }
        let newGrade = try body.grade.flatMap { $0 }.map { try caller.ladder.grade($0) }
        let headcount = try body.headcount?.validated()
        if let duties = body.duties { try OrgRules.list(duties, field: "duties") }
        if let forms = body.forms { try OrgRules.list(forms, field: "forms") }
        if let kind = body.kind { try checkKind(kind) }
        if let order = body.sort_order { try OrgRules.sortOrder(order) }
        try OrgRules.id(body.reports_to ?? nil, field: "reports_to")
        let date = try OrgDate.body(body.effective_date)
        let row = try await context.transaction(caller) { connection in
            if body.reports_to != nil { try await OrgChange.lockTree(connection, caller, "reports_to") }
            guard try await Versions.lock(connection, context, "positions", id: id) != nil,
                  let before = try await PositionStore.read(connection, id: id, on: date) else {
                throw Problem.notFound("position")
            }
            try checkSpan(body.span_min ?? before.int("span_min"), body.span_max ?? before.int("span_max"))
            var target = PositionStore.target(caller, before)
            if body.grade != nil {
                target.newGrade = newGrade
                target.affected = LinkedAccounts.principals(try await LinkedAccounts.holding(id, from: date, connection), caller)
            }
            try await context.authorize(caller, .positionUpdate, target, resource: "position", id: id)
            if !target.affected.isEmpty { try await AccessStore.notifyAccessChanged(connection) }   // their grade changes at commit
            if let manager = body.reports_to.flatMap({ $0 }) {
                try await PositionStore.checkReportsTo(connection, position: id, manager: manager, on: date)
            }
            try await Versions.prepare(connection, Versions.positions, id: id, on: date)
            try await PositionStore.apply(PositionStore.Change(
                title: body.title?.trimmingCharacters(in: .whitespacesAndNewlines), grade: body.grade,
                headcount: headcount.map { ($0.kind, $0.min, $0.max) }, duties: body.duties, forms: body.forms,
                kind: body.kind, reportsTo: body.reports_to, spanMin: body.span_min, spanMax: body.span_max,
                sortOrder: body.sort_order), to: id, from: date, connection)
            _ = try await Versions.bump(connection, "positions", id: id)
            let after = try await PositionStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "position.update", resource: "position", id: id,
                                       effective: date, before: PositionStore.json(before), after: PositionStore.json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: PositionStore.json(row))
    }

    package struct MoveBody: Decodable {
        package var unit_id: String
        package var effective_date: String?
    }

    /// Moves the position (and so its holders) to another unit from the effective date on.
    package static func move(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "position")
        let body = try context.body(MoveBody.self)
        try OrgRules.id(body.unit_id, field: "unit_id")
        let date = try OrgDate.body(body.effective_date)
        let row = try await context.transaction(caller) { connection in
            guard try await Versions.lock(connection, context, "positions", id: id) != nil,
                  let before = try await PositionStore.read(connection, id: id, on: date) else {
                throw Problem.notFound("position")
            }
            let unit = try await UnitStore.require(connection, id: body.unit_id, field: "unit_id", on: date)
            guard unit.bool("archived") == false else { throw Problem.invalid("unit_id", rule: "not_archived", "the unit is archived on \(date)") }
            var target = PositionStore.target(caller, before)
            target.destination = UnitStore.location(unit)
            try await context.authorize(caller, .positionMove, target, resource: "position", id: id)
            try await Versions.prepare(connection, Versions.positions, id: id, on: date)
            _ = try await connection.query("UPDATE position_versions SET unit_id = $2::uuid WHERE position_id = $1::uuid AND lower(valid) >= $3::date",
                                           [id, body.unit_id.lowercased(), date])
            _ = try await Versions.bump(connection, "positions", id: id)
            let after = try await PositionStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "position.move", resource: "position", id: id,
                                       effective: date, before: PositionStore.json(before), after: PositionStore.json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: PositionStore.json(row))
    }

    package struct ArchiveBody: Decodable {
        package var effective_date: String?
    }

    /// Archives the position from the effective date on; refused while anyone holds it then.
    package static func archive(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "position")
        let body = context.request.body.isEmpty ? ArchiveBody() : try context.body(ArchiveBody.self)
        let date = try OrgDate.body(body.effective_date)
        let row = try await context.transaction(caller) { connection in
            guard try await Versions.lock(connection, context, "positions", id: id) != nil,
                  let before = try await PositionStore.read(connection, id: id, on: date) else {
                throw Problem.notFound("position")
            }
            try await context.authorize(caller, .positionArchive, PositionStore.target(caller, before), resource: "position", id: id)
            let held = try await connection.query("""
                SELECT 1 FROM assignments WHERE position_id = $1::uuid AND (upper_inf(valid) OR upper(valid) > $2::date) LIMIT 1
                """, [id, date]).count > 0
            if held { throw Problem.conflict("POSITION_HELD", "someone holds the position on or after \(date); end their assignment first") }
            try await Versions.prepare(connection, Versions.positions, id: id, on: date)
            _ = try await connection.query("UPDATE position_versions SET archived = true WHERE position_id = $1::uuid AND lower(valid) >= $2::date", [id, date])
            _ = try await Versions.bump(connection, "positions", id: id)
            let after = try await PositionStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "position.archive", resource: "position", id: id,
                                       effective: date, before: PositionStore.json(before), after: PositionStore.json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: PositionStore.json(row))
    }
}
