// /v1/units: list, create, read and update units, effective-dated. Restructuring (move, merge,
// archive, delete) is in UnitRestructuring.swift. Every change is authorised with the unit's
// path and tier, audited with before/after, and recorded in org_changes at its effective date.

import App
import HTTP
import Policy
import Postgres

package enum UnitRoutes {
    /// Units on `as_of`, ordered by id, optionally only the children of `parent_id`; units the
    /// caller may not read are left out.
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let date = try OrgDate.asOf(context)
        let page = try Page(context)
        let parent = context.query("parent_id")
        if let parent, EntityID(uuid: parent) == nil {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "parent_id must be a unit id",
                          field: "parent_id", rule: "uuid")
        }
        let archived = try context.flag("include_archived")
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT \(UnitStore.columns) FROM \(UnitStore.from(1))
                WHERE ($2::uuid IS NULL OR u.id > $2::uuid) AND ($3::uuid IS NULL OR v.parent_id = $3::uuid)
                  AND ($4::boolean OR NOT v.archived)
                ORDER BY u.id LIMIT $5
                """, [date, page.after, parent, archived, page.limit + 1])
        }
        let now = caller.context(now: .now)
        return page.response(rows, include: { decide(caller.principal, .unitRead, UnitStore.target(caller, $0), now).isAllowed }, extra: { $0.field("as_of", date) }) { row, json in
            UnitStore.write(row, to: &json)
        }
    }

    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let date = try OrgDate.asOf(context)
        let row = try await context.transaction(caller) { connection in
            try await UnitStore.read(connection, id: id, on: date)
        }
        guard let row else { throw Problem.notFound("unit") }
        try await context.authorize(caller, .unitRead, UnitStore.target(caller, row), resource: "unit", id: id)
        return ETag.response(revision: row.int("revision"), body: UnitStore.json(row))
    }

    package struct CreateBody: Decodable {
        package var name: String
        package var code: String
        package var kind: String
        package var tier: String?
        package var role_label: String?
        package var functions: [String]?
        package var parent_id: String?
        package var region_id: String?
        package var sort_order: Int?
        package var planned_establishment: Int?
        package var effective_date: String?
    }

    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
        try OrgRules.name(body.name)
        try OrgRules.code(body.code)
        let tier = try body.tier.map { try OrgRules.tier($0, caller.ladder) }
        if let label = body.role_label { try OrgRules.roleLabel(label) }
        try OrgRules.list(body.functions ?? [], field: "functions")
        try OrgRules.sortOrder(body.sort_order ?? 0)
        try OrgRules.plannedEstablishment(body.planned_establishment)
        let date = try OrgDate.body(body.effective_date)
        let row = try await context.transaction(caller) { connection in
            try await OrgRules.kind(body.kind, connection)
            var parentPath = TreePath([])
            if body.parent_id != nil {
                let parent = try await UnitStore.require(connection, id: body.parent_id, field: "parent_id", on: date)
                guard parent.bool("archived") == false else {
                    throw Problem.invalid("parent_id", rule: "not_archived", "the parent unit is archived on \(date)")
                }
                parentPath = OrgPath.tree(parent.string("path_ids")) ?? TreePath([])
            }
            let regionPath = try await body.region_id.asyncMap { try await UnitStore.regionPath(connection, id: $0) }
            let target = Target.newUnit(caller.tenant, parent: parentPath, tier: tier, region: OrgPath.tree(regionPath))
            try await context.authorize(caller, .unitCreate, target, resource: "unit", id: nil)
            let inserted: PGResult
            do {
                inserted = try await connection.query("""
                    WITH u AS (INSERT INTO units (tenant_id) VALUES ($1::uuid) RETURNING id)
                    INSERT INTO unit_versions (tenant_id, unit_id, valid, parent_id, path, name, code, kind, tier, role_label,
                                               functions, region_id, sort_order, planned_establishment)
                    SELECT $1::uuid, u.id, daterange($2::date, NULL), $3::uuid,
                           coalesce((SELECT path FROM unit_versions WHERE unit_id = $3::uuid AND valid @> $2::date), ''::ltree) || orgd_uuid_label(u.id),
                           $4, $5, $6, $7, $8, $9::jsonb, $10::uuid, $11, $12::integer
                    FROM u RETURNING unit_id::text AS id
                    """, [caller.tenantID!, date, body.parent_id?.lowercased(), body.name.trimmingCharacters(in: .whitespacesAndNewlines),
                          body.code, body.kind, body.tier, body.role_label, OrgRules.jsonList(body.functions ?? []),
                          body.region_id?.lowercased(), body.sort_order ?? 0, body.planned_establishment])
            } catch let error as PGError where error.isExclusionViolation {
                throw codeTaken(body.code, date)
            }
            let id = inserted.string(0, "id")!
            let row = try await UnitStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "unit.create", resource: "unit", id: id,
                                       effective: date, after: UnitStore.json(row))
            return row
        }
        var response = ETag.response(201, revision: row.int("revision"), body: UnitStore.json(row))
        response.headers.add("Location", "/v1/units/\(row.string("id") ?? "")")
        return response
    }

    package static func codeTaken(_ code: String, _ date: String) -> Problem {
        var problem = Problem.conflict("UNIT_CODE_TAKEN", "unit code \(code) is already used by another unit of this tenant on or after \(date)")
        problem.field = "code"
        problem.rule = "unique"
        return problem
    }

    package struct UpdateBody: Decodable {
        package var name: String?
        package var code: String?
        package var kind: String?
        package var tier: String??
        package var role_label: String??
        package var functions: [String]?
        package var region_id: String??
        package var sort_order: Int?
        package var planned_establishment: Int??
        package var effective_date: String?

        package enum CodingKeys: String, CodingKey {
            case name, code, kind, tier, role_label, functions, region_id, sort_order, planned_establishment, effective_date
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            code = try container.decodeIfPresent(String.self, forKey: .code)
            kind = try container.decodeIfPresent(String.self, forKey: .kind)
            tier = try container.patch(String.self, forKey: .tier)
            role_label = try container.patch(String.self, forKey: .role_label)
            functions = try container.decodeIfPresent([String].self, forKey: .functions)
            region_id = try container.patch(String.self, forKey: .region_id)
            sort_order = try container.decodeIfPresent(Int.self, forKey: .sort_order)
            planned_establishment = try container.patch(Int.self, forKey: .planned_establishment)
            effective_date = try container.decodeIfPresent(String.self, forKey: .effective_date)
        }
    }

    /// Changes fields from the effective date on (default today). Moving is `POST .../move`.
    package static func update(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let body = try context.body(UpdateBody.self)
        if let name = body.name { try OrgRules.name(name) }
        if let code = body.code { try OrgRules.code(code) }
        let newTier = try body.tier.flatMap { $0 }.map { try OrgRules.tier($0, caller.ladder) }
        if let label = body.role_label.flatMap({ $0 }) { try OrgRules.roleLabel(label) }
        if let functions = body.functions { try OrgRules.list(functions, field: "functions") }
        if let order = body.sort_order { try OrgRules.sortOrder(order) }
        try OrgRules.plannedEstablishment(body.planned_establishment ?? nil)
        try OrgRules.id(body.region_id ?? nil, field: "region_id")
        let date = try OrgDate.body(body.effective_date)
        let row = try await context.transaction(caller) { connection in
            guard try await Versions.lock(connection, context, "units", id: id) != nil,
                  let before = try await UnitStore.read(connection, id: id, on: date) else {
                throw Problem.notFound("unit")
            }
            if let kind = body.kind { try await OrgRules.kind(kind, connection, current: before.string("kind")) }
            if let region = body.region_id.flatMap({ $0 }) { _ = try await UnitStore.regionPath(connection, id: region) }
            var target = UnitStore.target(caller, before)
            if body.tier != nil { target.newUnitTier = newTier }
            try await context.authorize(caller, .unitUpdate, target, resource: "unit", id: id)
            try await Versions.prepare(connection, Versions.units, id: id, on: date)
            do {
                _ = try await connection.query("""
                    UPDATE unit_versions SET name = coalesce($2, name), code = coalesce($3, code), kind = coalesce($4, kind),
                        tier = CASE WHEN $5::boolean THEN $6 ELSE tier END,
                        role_label = CASE WHEN $7::boolean THEN $8 ELSE role_label END,
                        functions = coalesce($9::jsonb, functions),
                        region_id = CASE WHEN $10::boolean THEN $11::uuid ELSE region_id END,
                        sort_order = coalesce($12::integer, sort_order),
                        planned_establishment = CASE WHEN $14::boolean THEN $15::integer ELSE planned_establishment END
                    WHERE unit_id = $1::uuid AND lower(valid) >= $13::date
                    """, [id, body.name?.trimmingCharacters(in: .whitespacesAndNewlines), body.code, body.kind,
                          body.tier != nil, body.tier.flatMap { $0 }, body.role_label != nil, body.role_label.flatMap { $0 },
                          body.functions.map(OrgRules.jsonList), body.region_id != nil, body.region_id.flatMap { $0 }?.lowercased(),
                          body.sort_order, date, body.planned_establishment != nil, body.planned_establishment ?? nil])
            } catch let error as PGError where error.isExclusionViolation {
                throw codeTaken(body.code ?? "", date)
            }
            _ = try await Versions.bump(connection, "units", id: id)
            let after = try await UnitStore.read(connection, id: id, on: date)!
            try await OrgChange.record(connection, context, caller, action: "unit.update", resource: "unit", id: id,
                                       effective: date, before: UnitStore.json(before), after: UnitStore.json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: UnitStore.json(row))
    }
}

extension Optional {
    /// `map` with an async transform.
    package func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

