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
    /// Columns of `unit_kinds k`, with the units that have the kind today.
    package static let columns = """
        k.name, k.label, k.retired_at IS NOT NULL AS retired, k.revision,
        (SELECT count(*) FROM unit_versions v WHERE v.kind = k.name AND v.valid @> current_date AND NOT v.archived) AS units
        """

    package static func write(_ row: PGRow, to json: inout JSONWriter) {
        json.beginObject()
        json.field("name", row.string("name"))
        json.field("label", row.string("label"))
        json.field("built_in", false)
        json.field("retired", row.bool("retired") ?? false)
        json.field("units", row.int("units") ?? 0)
        json.field("revision", row.int("revision"))
        json.endObject()
    }

    package static func json(_ row: PGRow) -> [UInt8] {
        var json = JSONWriter()
        write(row, to: &json)
        return json.bytes
    }

    /// Built-in kinds first (in their fixed order, never retired), then the tenant's by name.
    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        try await context.authorize(caller, .ladderRead, .tenantWide(caller.tenant), resource: "unit_kind", id: nil)
        let (builtIn, added) = try await context.transaction(caller) { connection in
            let counts = try await connection.query("""
                SELECT kind, count(*) AS units FROM unit_versions WHERE kind = ANY ($1::text[]) AND valid @> current_date AND NOT archived
                GROUP BY kind
                """, [OrgRules.defaultKinds])
            let added = try await connection.query("SELECT \(columns) FROM unit_kinds k ORDER BY k.name")
            return (counts, added)
        }
        var inUse: [String: Int] = [:]
        for row in builtIn { inUse[row.string("kind")!] = row.int("units") ?? 0 }
        return JSONResponse.make { json in
            json.beginObject()
            json.key("items")
            json.beginArray()
            for name in OrgRules.defaultKinds {
                json.beginObject()
                json.field("name", name)
                json.field("label", OrgRules.defaultKindLabels[name])
                json.field("built_in", true)
                json.field("retired", false)
                json.field("units", inUse[name] ?? 0)
                json.endObject()
            }
            for row in added { write(row, to: &json) }
            json.endArray()
            json.endObject()
        }
    }

    package struct CreateBody: Decodable {
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

    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(CreateBody.self)
        try checkName(body.name)
        try checkLabel(body.label ?? "")
        let row = try await context.transaction(caller) { connection in
            try await authorizeChange(context, caller, id: nil)
            if OrgRules.defaultKinds.contains(body.name) { throw builtIn(body.name) }
            let inserted = try await connection.query("""
                INSERT INTO unit_kinds (tenant_id, name, label) VALUES ($1::uuid, $2, $3)
                ON CONFLICT (tenant_id, name) DO NOTHING RETURNING name
                """, [caller.tenantID!, body.name, body.label ?? ""])
            guard inserted.count == 1 else {
                var problem = Problem.conflict("UNIT_KIND_EXISTS", "the tenant already has a unit kind \(body.name)")
                problem.field = "name"
                problem.rule = "unique"
                throw problem
            }
            let row = try await read(connection, body.name)!
            try await Audit.record(connection, context, caller, action: "unit_kind.create", resource: "unit_kind", id: body.name,
                                   after: json(row))
            return row
        }
        var response = ETag.response(201, revision: row.int("revision"), body: json(row))
        response.headers.add("Location", "/v1/unit-kinds/\(body.name)")
        return response
    }

    /// Absent fields are kept; null is refused (neither can be cleared).
    package struct UpdateBody: Decodable {
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
    package static func update(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let name = context.request.pathParameters["name"] ?? ""
        let body = try context.body(UpdateBody.self)
        if let label = body.label { try checkLabel(label) }
        let row = try await context.transaction(caller) { connection in
            try await authorizeChange(context, caller, id: name)
            let before = try await lock(connection, context, name)
            _ = try await connection.query("""
                UPDATE unit_kinds SET label = coalesce($2, label),
                    retired_at = CASE WHEN $3::boolean IS NULL THEN retired_at WHEN $3 THEN coalesce(retired_at, now()) END,
                    revision = revision + 1, updated_at = now()
                WHERE name = $1
                """, [name, body.label, body.retired])
            let after = try await read(connection, name)!
            let action = body.retired == true ? "unit_kind.retire" : body.retired == false ? "unit_kind.restore" : "unit_kind.update"
            try await Audit.record(connection, context, caller, action: action, resource: "unit_kind", id: name,
                                   before: json(before), after: json(after))
            return after
        }
        return ETag.response(revision: row.int("revision"), body: json(row))
    }

    /// Deletes a kind no unit has had on any day; 409 UNIT_KIND_IN_USE otherwise (retire it).
    package static func delete(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let name = context.request.pathParameters["name"] ?? ""
        try await context.transaction(caller) { connection in
            try await authorizeChange(context, caller, id: name)
            let before = try await lock(connection, context, name)
            let units = try await connection.query("SELECT count(DISTINCT unit_id) AS n FROM unit_versions WHERE kind = $1", [name]).int(0, "n") ?? 0
            if units > 0 {
                var problem = Problem.conflict("UNIT_KIND_IN_USE",
                    "\(units) unit(s) have or had kind \(name); a kind in use cannot be deleted — retire it instead (PATCH {\"retired\": true})")
                problem.field = "name"
                problem.rule = "unused"
                throw problem
            }
            _ = try await connection.query("DELETE FROM unit_kinds WHERE name = $1", [name])
            try await Audit.record(connection, context, caller, action: "unit_kind.delete", resource: "unit_kind", id: name,
                                   before: json(before))
        }
        return JSONResponse.noContent
    }

    package static func read(_ connection: PGConnection, _ name: String) async throws -> PGRow? {
        try await connection.query("SELECT \(columns) FROM unit_kinds k WHERE k.name = $1", [name]).first
    }

    /// The kind's row under a row lock, after If-Match; 409 for a built-in kind, 404 for none.
    package static func lock(_ connection: PGConnection, _ context: RequestContext, _ name: String) async throws -> PGRow {
        if OrgRules.defaultKinds.contains(name) { throw builtIn(name) }
        guard let revision = try await connection.query("SELECT revision FROM unit_kinds WHERE name = $1 FOR UPDATE", [name])
            .int(0, "revision") else { throw Problem.notFound("unit kind") }
        try await ETag.check(context, revision: revision, connection)
        return try await read(connection, name)!
    }

    /// Changing the vocabulary is decided as creating a top-level unit.
    package static func authorizeChange(_ context: RequestContext, _ caller: Caller, id: String?) async throws {
        try await context.authorize(caller, .unitCreate, .newUnit(caller.tenant, parent: TreePath([])), resource: "unit_kind", id: id)
    }

    package static func builtIn(_ name: String) -> Problem {
        var problem = Problem.conflict("UNIT_KIND_BUILT_IN", "\(name) is a built-in unit kind every tenant has; it cannot be added, changed or deleted")
        problem.field = "name"
        problem.rule = "not_built_in"
        return problem
    }
}
