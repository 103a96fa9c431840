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
    package static let list = FilteredList<(date: String, parent: String?, archived: Bool), Unit>(
        action: .unitRead,
        parameters: { context in
            let date = try OrgDate.asOf(context)
            return (date, try context.queryID("parent_id", "a unit id"), try context.flag("include_archived"))
        },
        fetch: { call, page, connection in
            let query = call.body
            return try await UnitStore.list(connection, on: query.date, after: page.after, parent: query.parent,
                                            archived: query.archived, limit: page.limit + 1)
        },
        target: { caller, unit in unit.target(caller) }, cursor: \.id,
        extra: { call, json in json.field("as_of", call.body.date) },
        write: { _, unit, json in unit.write(to: &json) })

    /// The unit on `as_of`; 404 when it did not exist that day.
    package static let read = DatedRead.endpoint(
        .unitRead, resource: "unit", read: { try await UnitStore.unit($0, id: $1, on: $2) },
        target: { caller, unit in unit.target(caller) }, id: \.id, answer: \.response)
        .cached(.shared, etag: false)

    package struct CreateBody: Decodable, Sendable {
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

    /// A new unit from `effective_date` (default today) on, under a parent existing that day.
    package static let create = Endpoint<CreateBody, (date: String, parent: TreePath, region: TreePath?), Unit>(
        action: .unitCreate, resource: "unit",
        check: { call in
            let body = call.body
            try OrgRules.name(body.name)
            try OrgRules.code(body.code)
            _ = try body.tier.map { try OrgRules.tier($0, call.caller.ladder) }
            if let label = body.role_label { try OrgRules.roleLabel(label) }
            try OrgRules.list(body.functions ?? [], field: "functions")
            try OrgRules.sortOrder(body.sort_order ?? 0)
            try OrgRules.plannedEstablishment(body.planned_establishment)
            _ = try OrgDate.body(body.effective_date)
        },
        load: { call, connection in
            let body = call.body
            let date = try OrgDate.body(body.effective_date)
            try await OrgRules.kind(body.kind, connection)
            var parentPath = TreePath([])
            if body.parent_id != nil {
                let parent = try await UnitStore.named(connection, id: body.parent_id, field: "parent_id", on: date)
                guard !parent.archived else {
                    throw Problem.invalid("parent_id", rule: "not_archived", "the parent unit is archived on \(date)")
                }
                parentPath = parent.path
            }
            let regionPath = try await body.region_id.asyncMap { try await UnitStore.regionPath(connection, id: $0) }
            return (date, parentPath, OrgPath.tree(regionPath))
        },
        target: { call, new in
            .newUnit(call.caller.tenant, parent: new.parent, tier: call.body.tier.flatMap { call.caller.ladder.tierIndex(named: $0) },
                     region: new.region)
        },
        perform: { call, new, connection in
            let body = call.body
            let fields = UnitStore.Fields(name: body.name, code: body.code, kind: body.kind, tier: body.tier, roleLabel: body.role_label,
                                          functions: body.functions ?? [], parentID: body.parent_id, regionID: body.region_id,
                                          sortOrder: body.sort_order ?? 0, plannedEstablishment: body.planned_establishment)
            let id = try await UnitStore.create(connection, tenant: call.caller.tenantID!, fields, from: new.date)
            return try await UnitStore.unit(connection, id: id, on: new.date)!
        },
        audit: { _, new, unit in Audited("unit.create", resource: "unit", id: unit.id, after: unit.json(), effective: new.date) },
        writeAudit: OrgChange.writer,
        encode: { _, unit in
            var response = ETag.response(201, revision: unit.revision, body: unit.json())
            response.headers.add("Location", "/v1/units/\(unit.id)")
            return response
        })

    package static func codeTaken(_ code: String, _ date: String) -> Problem {
        var problem = Problem.conflict("UNIT_CODE_TAKEN", "unit code \(code) is already used by another unit of this tenant on or after \(date)")
        problem.field = "code"
        problem.rule = "unique"
        return problem
    }

    package struct UpdateBody: Decodable, Sendable {
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
    package static let update = Endpoint<UpdateBody, (date: String, before: Unit), UnitChange>(
        action: .unitUpdate, resource: "unit",
        check: { call in
            _ = try call.pathID(resource: "unit")
            let body = call.body
            if let name = body.name { try OrgRules.name(name) }
            if let code = body.code { try OrgRules.code(code) }
            _ = try body.tier.flatMap { $0 }.map { try OrgRules.tier($0, call.caller.ladder) }
            if let label = body.role_label.flatMap({ $0 }) { try OrgRules.roleLabel(label) }
            if let functions = body.functions { try OrgRules.list(functions, field: "functions") }
            if let order = body.sort_order { try OrgRules.sortOrder(order) }
            try OrgRules.plannedEstablishment(body.planned_establishment ?? nil)
            try OrgRules.id(body.region_id ?? nil, field: "region_id")
            _ = try OrgDate.body(body.effective_date)
        },
        load: { call, connection in
            let body = call.body
            let (date, before) = try await lockedUnit(call, connection, on: OrgDate.body(body.effective_date))
            if let kind = body.kind { try await OrgRules.kind(kind, connection, current: before.kind) }
            if let region = body.region_id.flatMap({ $0 }) { _ = try await UnitStore.regionPath(connection, id: region) }
            return (date, before)
        },
        target: { call, loaded in
            var target = loaded.before.target(call.caller)
            if let tier = call.body.tier { target.newUnitTier = tier.flatMap { call.caller.ladder.tierIndex(named: $0) } }
            return target
        },
        targetID: { _, loaded in loaded.before.id },
        perform: { call, loaded, connection in
            let body = call.body, id = loaded.before.id
            try await Versions.prepare(connection, Versions.units, id: id, on: loaded.date)
            let change = UnitStore.Change(name: body.name, code: body.code, kind: body.kind, tier: body.tier, roleLabel: body.role_label,
                                          functions: body.functions, regionID: body.region_id, sortOrder: body.sort_order,
                                          plannedEstablishment: body.planned_establishment)
            try await UnitStore.update(connection, id: id, change, from: loaded.date)
            return try await bumped(connection, loaded)
        },
        audit: { _, _, changed in changed.audited("unit.update") },
        writeAudit: OrgChange.writer,
        encode: { _, changed in changed.after.response })

    /// The unit of the path's `id` under a row lock, after If-Match, as it is on `date`; 404
    /// when there is no such unit or it does not exist on `date`.
    package static func lockedUnit(_ call: Call<some Sendable>, _ connection: PGConnection,
                                   on date: String) async throws -> (date: String, before: Unit) {
        let id = try call.pathID(resource: "unit")
        guard try await Versions.lock(connection, call.context, "units", id: id) != nil,
              let unit = try await UnitStore.unit(connection, id: id, on: date) else {
            throw Problem.notFound("unit")
        }
        return (date, unit)
    }

    /// After a change of the unit's versions: its revision raised and the unit re-read.
    package static func bumped(_ connection: PGConnection,
                               _ loaded: (date: String, before: Unit)) async throws -> UnitChange {
        _ = try await Versions.bump(connection, "units", id: loaded.before.id)
        return UnitChange(date: loaded.date, before: loaded.before,
                          after: try await UnitStore.unit(connection, id: loaded.before.id, on: loaded.date)!)
    }
}

extension Unit {
    /// The unit's answer to a read or a change: its JSON with its revision as the ETag.
    package var response: HTTPResponse { ETag.response(revision: revision, body: json()) }
}

/// A unit before and after a change effective on `date`.
package struct UnitChange: Sendable {
    package var date: String
    package var before: Unit
    package var after: Unit

    /// The change's audit and org_changes row (OrgChange.writer).
    package func audited(_ action: String) -> Audited {
        Audited(action, resource: "unit", id: before.id, before: before.json(), after: after.json(), effective: date)
    }
}

extension Optional {
    /// `map` with an async transform.
    package func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

