// /v1/access/ladder: the tenant's grade ladder. Replacing it re-ranks everyone at once, so it is
// decided by the policy's strictest rule (ladder.replace) and refused while any grade or tier in
// use — a user's grade, a role's minimum, a position's grade, a unit's tier, the restructuring
// tier — would become undefined; the refusal lists every holder.

import App
import HTTP
import Policy
import Postgres

package enum LadderRoutes {
    package static func write(_ ladder: GradeLadder, restructureTier: String, updatedAt: String?, to json: inout JSONWriter) {
        json.beginObject()
        json.key("tiers")
        json.beginArray()
        for tier in ladder.tiers {
            json.beginObject()
            json.field("tier", tier.name)
            json.field("levels", tier.levels)
            json.endObject()
        }
        json.endArray()
        json.field("restructure_tier", restructureTier)
        json.field("grades", strings: ladder.grades.map { ladder.name(of: $0) })
        if let updatedAt { json.field("updated_at", updatedAt) }
        json.endObject()
    }

    package static func read(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        try await context.authorize(caller, .ladderRead, .tenantWide(caller.tenant), resource: "ladder", id: nil)
        let row = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT restructure_tier, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at
                FROM grade_ladders
                """).first
        }
        return JSONResponse.make { json in
            write(caller.ladder, restructureTier: row?.string("restructure_tier") ?? caller.ladder.tierName(0),
                  updatedAt: row?.string("updated_at"), to: &json)
        }
    }

    package struct Body: Decodable {
        package struct Tier: Decodable {
            package var tier: String
            package var levels: Int
        }
        package var tiers: [Tier]
        package var restructure_tier: String?
    }

    /// The validated new ladder and the restructuring tier asked for, or a 422 naming the fault.
    package static func parse(_ body: Body) throws -> (GradeLadder, String?) {
        let ladder: GradeLadder
        do {
            ladder = try GradeLadder(tiers: body.tiers.map { GradeLadder.Tier($0.tier, levels: $0.levels) })
        } catch {
            throw Problem.policy(error, field: "tiers")
        }
        if let tier = body.restructure_tier, ladder.tierIndex(named: tier) == nil {
            throw Problem.policy(.tierUnknown(tier), field: "restructure_tier")
        }
        return (ladder, body.restructure_tier)
    }

    package static func target(_ caller: Caller, _ ladder: GradeLadder) -> Target {
        var target = Target.tenantWide(caller.tenant)
        target.newLadder = ladder
        return target
    }

    package static func replace(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let (ladder, restructureTier) = try parse(try context.body(Body.self))
        try await context.authorize(caller, .ladderReplace, target(caller, ladder), resource: "ladder", id: nil)
        let response = try await context.transaction(caller) { connection in
            try await AccessStore.lockTenantAccess(connection)
            let current = try await connection.query("SELECT tiers::text AS tiers, restructure_tier FROM grade_ladders FOR UPDATE").first
            let keptTier = restructureTier ?? current?.string("restructure_tier") ?? ladder.tierName(0)
            let undefined = ladder.undefinedGrades(in: try await gradeUses(connection, restructureTier: keptTier))
            guard undefined.isEmpty else { throw gradesInUse(undefined) }
            var before = JSONWriter()
            let stored = current?.string("tiers").flatMap { try? AccessStore.decodeLadder($0) } ?? .standard
            write(stored, restructureTier: current?.string("restructure_tier") ?? stored.tierName(0), updatedAt: nil, to: &before)
            let saved = try await connection.query("""
                INSERT INTO grade_ladders (tenant_id, tiers, restructure_tier) VALUES (orgd_current_tenant(), $1::jsonb, $2)
                ON CONFLICT (tenant_id) DO UPDATE SET tiers = EXCLUDED.tiers, restructure_tier = EXCLUDED.restructure_tier,
                                                      updated_at = now()
                RETURNING to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at
                """, [StoredValues.ladderJSON(ladder), keptTier])
            try await AccessStore.notifyAccessChanged(connection)
            var after = JSONWriter()
            write(ladder, restructureTier: keptTier, updatedAt: saved.string(0, "updated_at"), to: &after)
            try await Audit.record(connection, context, caller, action: Action.ladderReplace.rawValue, resource: "ladder",
                                   id: nil, before: before.bytes, after: after.bytes)
            return HTTPResponse(status: 200, contentType: "application/json", body: after.bytes)
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return response
    }

    /// Who gains or loses which permission if the ladder were replaced (roles whose minimum grade
    /// holders newly meet or miss), what would become undefined, and whether the caller may do it.
    package static func preview(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let (ladder, restructureTier) = try parse(try context.body(Body.self))
        try await context.authorize(caller, .grantRead, .tenantWide(caller.tenant), resource: "ladder", id: nil)
        let decision = decide(caller.principal, .ladderReplace, target(caller, ladder), caller.context(now: .now))
        let (undefined, subjects) = try await context.transaction(caller) { connection in
            let current = try await connection.query("SELECT restructure_tier FROM grade_ladders").first
            let keptTier = restructureTier ?? current?.string("restructure_tier") ?? ladder.tierName(0)
            return (ladder.undefinedGrades(in: try await gradeUses(connection, restructureTier: keptTier)),
                    try await AccessStore.subjects(connection))
        }
        let now = Timestamp.now
        let changes = AccessPreview.changes(subjects, before: { $0.principal(tenant: caller.tenant, ladder: caller.ladder) },
                                            after: { $0.principal(tenant: caller.tenant, ladder: ladder) }, now: now)
        return JSONResponse.make { json in
            json.beginObject()
            json.key("decision")
            AccessJSON.write(decision, action: .ladderReplace, to: &json)
            json.field("undefined", undefinedValue(undefined))
            json.key("changes")
            AccessPreview.write(changes, to: &json)
            json.endObject()
        }
    }

    // MARK: Grades in use

    /// Every stored grade and tier text: users' grades, roles' minimum grades, the restructuring
    /// tier, and — once the org chart's tables exist — positions' grades and units' tiers.
    package static func gradeUses(_ connection: PGConnection, restructureTier: String) async throws -> [GradeUse] {
        var uses: [GradeUse] = []
        for row in try await connection.query("SELECT id::text AS id, login, grade FROM users WHERE grade IS NOT NULL ORDER BY login") {
            uses.append(GradeUse(grade: row.string("grade") ?? "", holder: holder(.user, row, label: "login")))
        }
        for row in try await connection.query("SELECT id::text AS id, name, minimum_grade FROM roles WHERE minimum_grade IS NOT NULL ORDER BY name") {
            uses.append(GradeUse(grade: row.string("minimum_grade") ?? "", holder: holder(.role, row, label: "name")))
        }
        // The org chart's versioned tables, once its migrations exist: grades of positions and
        // tiers of units in the versions in force today or later (history keeps its text).
        if try await AccessStore.relationExists("position_versions", connection) {
            for row in try await connection.query("""
                SELECT DISTINCT position_id::text AS id, grade, title FROM position_versions
                WHERE grade IS NOT NULL AND (upper_inf(valid) OR upper(valid) > current_date) ORDER BY title, id
                """) {
                uses.append(GradeUse(grade: row.string("grade") ?? "", holder: holder(.position, row, label: "title")))
            }
        }
        if try await AccessStore.relationExists("unit_versions", connection) {
            for row in try await connection.query("""
                SELECT DISTINCT unit_id::text AS id, tier, name FROM unit_versions
                WHERE tier IS NOT NULL AND (upper_inf(valid) OR upper(valid) > current_date) ORDER BY name, id
                """) {
                uses.append(GradeUse(tier: row.string("tier") ?? "", holder: holder(.unit, row, label: "name")))
            }
        }
        uses.append(GradeUse(tier: restructureTier, holder: GradeHolder(.setting, id: EntityID(0), label: "restructure_tier")))
        return uses
    }

    private static func holder(_ kind: GradeHolder.Kind, _ row: PGRow, label: String) -> GradeHolder {
        GradeHolder(kind, id: EntityID(uuid: row.string("id") ?? "") ?? EntityID(0), label: row.string(label) ?? "")
    }

    /// Each undefined grade or tier, why, and everything that uses it.
    package static func undefinedValue(_ undefined: [UndefinedGrade]) -> JSONValue {
        .array(undefined.map { item in
            .object([
                ("grade", .string(item.text)),
                ("code", .string(item.reason.code)),
                ("reason", .string(item.reason.message)),
                ("used_by", .array(item.holders.map { holder in
                    .object([
                        ("kind", .string(holder.kind.rawValue)),
                        ("id", holder.kind == .setting ? .null : .string(holder.id.description)),
                        ("label", .string(holder.label)),
                    ])
                })),
            ])
        })
    }

    /// 409 LADDER_GRADES_IN_USE with `undefined`: each grade and everything that uses it.
    package static func gradesInUse(_ undefined: [UndefinedGrade]) -> Problem {
        let error = PolicyError.gradesInUseUndefined(undefined)
        var problem = Problem(status: 409, code: error.code, title: "Conflict", detail: error.message)
        problem.extra = [("undefined", undefinedValue(undefined))]
        return problem
    }
}
