// /v1/unit-kinds: the tenant's vocabulary of unit kinds — the built-in ones (OrgRules.defaultKinds,
// read-only) and the ones the tenant adds (unit_kinds): list, add, rename (the label), retire or
// restore, and delete a kind no unit has ever had. A retired kind keeps its units but refuses new
// ones (OrgRules.kind). Reading is decided like reading the ladder (org.read anywhere); changing
// like creating a top-level unit (the vocabulary shapes the whole tree). Every change is audited.

import App
import HTTP
import Policy
import Postgres

package enum UnitKindRoutes {
    /// Built-in kinds first (in their fixed order, never retired), then the tenant's by name.
    package static let list = Endpoint<NoBody, Void, [UnitKind]>(
        action: .ladderRead, resource: "unit_kind",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, _, connection in try await UnitKindStore.all(connection) },
        encode: { _, kinds in
            JSONResponse.make { json in
                json.beginObject()
                json.key("items")
                json.beginArray()
                for kind in kinds { kind.write(to: &json) }
                json.endArray()
                json.endObject()
            }
        })

    package struct CreateBody: Decodable, Sendable {
        package var name: String
        package var label: String?
    }

    /// A kind's key: lower-case ASCII letters, digits and "_", starting with a letter, at most 40.
    package static func checkName(_ name: String) throws {
        let bytes = Array(name.utf8)
        let ok = (1...40).contains(bytes.count) && (97...122).contains(bytes[0])
            && bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
        guard ok else {
            throw Problem.invalid("name", rule: "format", "name must be 1 to 40 lower-case letters, digits or '_', starting with a letter (the label carries the tenant's own words)")
        }
    }

    package static func checkLabel(_ label: String) throws {
        guard label.count <= 100 else { throw Problem.invalid("label", rule: "length", "label must be at most 100 characters") }
    }

    /// Changing the vocabulary is decided as creating a top-level unit, before the kind is looked
    /// up (a caller who may not change it learns nothing about it).
    static func vocabulary(_ caller: Caller) -> Target { .newUnit(caller.tenant, parent: TreePath([])) }

    package static let create = Endpoint<CreateBody, Void, UnitKind>(
        action: .unitCreate, resource: "unit_kind",
        check: { call in
            try checkName(call.body.name)
            try checkLabel(call.body.label ?? "")
        },
        load: { _, _ in },
        target: { call, _ in vocabulary(call.caller) },
        perform: { call, _, connection in
            let name = call.body.name
            if OrgRules.defaultKinds.contains(name) { throw builtIn(name) }
            guard let kind = try await UnitKindStore.create(connection, tenant: call.caller.tenantID!, name: name,
                                                            label: call.body.label ?? "") else {
                var problem = Problem.conflict("UNIT_KIND_EXISTS", "the tenant already has a unit kind \(name)")
                problem.field = "name"
                problem.rule = "unique"
                throw problem
            }
            return kind
        },
        audit: { _, _, kind in Audited("unit_kind.create", resource: "unit_kind", id: kind.name, after: kind.json) },
        encode: { _, kind in
            var response = ETag.response(201, revision: kind.revision, body: kind.json)
            response.headers.add("Location", "/v1/unit-kinds/\(kind.name)")
            return response
        })

    /// Absent fields are kept; null is refused (neither can be cleared).
    package struct UpdateBody: Decodable, Sendable {
        package var label: String?
        package var retired: Bool?

        package enum CodingKeys: String, CodingKey { case label, retired }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            label = try container.decodeIfPresentNotNull(String.self, forKey: .label)
            retired = try container.decodeIfPresentNotNull(Bool.self, forKey: .retired)
        }
    }

    /// Renames (label) and retires or restores (retired) a kind the tenant added; honours If-Match.
    package static let update = Endpoint<UpdateBody, String, (before: UnitKind, after: UnitKind)>(
        action: .unitCreate, resource: "unit_kind",
        check: { call in
            if let label = call.body.label { try checkLabel(label) }
        },
        load: { call, _ in call.request.pathParameters["name"] ?? "" },
        target: { call, _ in vocabulary(call.caller) },
        targetID: { _, name in name },
        perform: { call, name, connection in
            let before = try await lock(connection, call.context, name)
            return (before, try await UnitKindStore.update(connection, name, label: call.body.label, retired: call.body.retired))
        },
        audit: { call, name, changed in
            let retired = call.body.retired
            let action = retired == true ? "unit_kind.retire" : retired == false ? "unit_kind.restore" : "unit_kind.update"
            return Audited(action, resource: "unit_kind", id: name, before: changed.before.json, after: changed.after.json)
        },
        encode: { _, changed in ETag.response(revision: changed.after.revision, body: changed.after.json) })

    /// Deletes a kind no unit has had on any day; 409 UNIT_KIND_IN_USE otherwise (retire it).
    package static let delete = Endpoint<NoBody, String, UnitKind>(
        action: .unitCreate, resource: "unit_kind",
        load: { call, _ in call.request.pathParameters["name"] ?? "" },
        target: { call, _ in vocabulary(call.caller) },
        targetID: { _, name in name },
        perform: { call, name, connection in
            let before = try await lock(connection, call.context, name)
            let units = try await UnitKindStore.unitsEver(connection, name)
            if units > 0 {
                var problem = Problem.conflict("UNIT_KIND_IN_USE",
                    "\(units) unit(s) have or had kind \(name); a kind in use cannot be deleted — retire it instead (PATCH {\"retired\": true})")
                problem.field = "name"
                problem.rule = "unused"
                throw problem
            }
            try await UnitKindStore.delete(connection, name)
            return before
        },
        audit: { _, name, before in Audited("unit_kind.delete", resource: "unit_kind", id: name, before: before.json) },
        encode: { _, _ in JSONResponse.noContent })

    /// The kind under a row lock, after If-Match; 409 for a built-in kind, 404 for none.
    static func lock(_ connection: PGConnection, _ context: RequestContext, _ name: String) async throws -> UnitKind {
        if OrgRules.defaultKinds.contains(name) { throw builtIn(name) }
        guard let revision = try await UnitKindStore.lock(connection, name) else { throw Problem.notFound("unit kind") }
        try await ETag.check(context, revision: revision, connection)
        return try await UnitKindStore.kind(connection, name)!
    }

    package static func builtIn(_ name: String) -> Problem {
        var problem = Problem.conflict("UNIT_KIND_BUILT_IN", "\(name) is a built-in unit kind every tenant has; it cannot be added, changed or deleted")
        problem.field = "name"
        problem.rule = "not_built_in"
        return problem
    }
}
