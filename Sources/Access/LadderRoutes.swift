// /v1/access/ladder: the tenant's grade ladder. Replacing it re-ranks everyone at once, so it is
// decided by the policy's strictest rule (ladder.replace) and refused while any grade or tier in
// use — a user's grade, a role's minimum, a position's grade, a unit's tier, the restructuring
// tier — would become undefined; the refusal lists every holder.

import App
import HTTP
import Policy
import Postgres
import Tenancy

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

    package static let read = Endpoint<NoBody, Void, StoredLadder?>(
        action: .ladderRead, resource: "ladder",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, _, connection in try await LadderStore.read(connection) },
        encode: { call, stored in
            let ladder = call.caller.ladder
            return JSONResponse.make { json in
                write(ladder, restructureTier: stored?.restructureTier ?? ladder.tierName(0), updatedAt: stored?.updatedAt, to: &json)
            }
        })

    package struct Body: Decodable, Sendable {
        package struct Tier: Decodable, Sendable {
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

    /// Replaces the ladder, unless a grade or tier in use would become undefined (409 listing them).
    package static let replace = Endpoint<Body, (ladder: GradeLadder, restructureTier: String?), (before: [UInt8], after: [UInt8])>(
        action: .ladderReplace, resource: "ladder",
        load: { call, _ in try parse(call.body) },
        target: { call, asked in target(call.caller, asked.ladder) },
        perform: { _, asked, connection in
            let ladder = asked.ladder
            try await AccessStore.lockTenantAccess(connection)
            let current = try await LadderStore.read(connection, forUpdate: true)
            let keptTier = asked.restructureTier ?? current?.restructureTier ?? ladder.tierName(0)
            let undefined = ladder.undefinedGrades(in: try await gradeUses(connection, restructureTier: keptTier))
            guard undefined.isEmpty else { throw gradesInUse(undefined) }
            var before = JSONWriter()
            let stored = current?.ladder ?? .standard
            write(stored, restructureTier: current?.restructureTier ?? stored.tierName(0), updatedAt: nil, to: &before)
            let saved = try await LadderStore.save(connection, ladder, restructureTier: keptTier)
            try await AccessStore.notifyAccessChanged(connection)
            var after = JSONWriter()
            write(ladder, restructureTier: keptTier, updatedAt: saved.updatedAt, to: &after)
            return (before.bytes, after.bytes)
        },
        audit: { _, _, saved in Audited(Action.ladderReplace.rawValue, resource: "ladder", id: nil, before: saved.before, after: saved.after) },
        committed: { call, _ in call.context.resources.callers.invalidate(tenant: call.caller.tenantID!) },
        encode: { _, saved in HTTPResponse(status: 200, contentType: "application/json", body: saved.after) })

    /// Who gains or loses which permission if the ladder were replaced (roles whose minimum grade
    /// holders newly meet or miss), what would become undefined, and whether the caller may do it.
    package static let preview = Endpoint<Body, (ladder: GradeLadder, restructureTier: String?), HTTPResponse>(
        action: .grantRead, resource: "ladder",
        load: { call, _ in try parse(call.body) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, asked, connection in
            let caller = call.caller
            let ladder = asked.ladder
            let decision = decide(caller.principal, .ladderReplace, target(caller, ladder), caller.context(now: .now))
            let current = try await LadderStore.read(connection)
            let keptTier = asked.restructureTier ?? current?.restructureTier ?? ladder.tierName(0)
            let undefined = ladder.undefinedGrades(in: try await gradeUses(connection, restructureTier: keptTier))
            let subjects = try await AccessStore.subjects(connection)
            let changes = AccessPreview.changes(subjects, before: { $0.principal(tenant: caller.tenant, ladder: caller.ladder) },
                                                after: { $0.principal(tenant: caller.tenant, ladder: ladder) }, now: .now)
            return JSONResponse.make { json in
                json.beginObject()
                json.key("decision")
                AccessJSON.write(decision, action: .ladderReplace, to: &json)
                json.field("undefined", undefinedValue(undefined))
                json.key("changes")
                AccessPreview.write(changes, to: &json)
                json.endObject()
            }
        },
        encode: { _, response in response })

    // MARK: Grades in use

    /// Every stored grade and tier text: users' grades, roles' minimum grades, the restructuring
    /// tier, and — once the org chart's tables exist — positions' grades and units' tiers.
    package static func gradeUses(_ connection: PGConnection, restructureTier: String) async throws -> [GradeUse] {
        var uses: [GradeUse] = []
        for (id, login, grade) in try await UserStore.grades(connection) {
            uses.append(GradeUse(grade: grade, holder: holder(.user, id, login)))
        }
        for (id, name, grade) in try await RoleStore.minimumGrades(connection) {
            uses.append(GradeUse(grade: grade, holder: holder(.role, id, name)))
        }
        // The org chart's versioned tables, once its migrations exist: grades of positions and
        // tiers of units in the versions in force today or later (history keeps its text).
        if try await AccessStore.relationExists("position_versions", connection) {
            for (id, grade, title) in try await connection.query("""
                SELECT DISTINCT position_id::text, grade, title FROM position_versions
                WHERE grade IS NOT NULL AND (upper_inf(valid) OR upper(valid) > current_date) ORDER BY title, 1
                """ as PGQuery).decode(String.self, String.self, String.self) {
                uses.append(GradeUse(grade: grade, holder: holder(.position, id, title)))
            }
        }
        if try await AccessStore.relationExists("unit_versions", connection) {
            for (id, tier, name) in try await connection.query("""
                SELECT DISTINCT unit_id::text, tier, name FROM unit_versions
                WHERE tier IS NOT NULL AND (upper_inf(valid) OR upper(valid) > current_date) ORDER BY name, 1
                """ as PGQuery).decode(String.self, String.self, String.self) {
                uses.append(GradeUse(tier: tier, holder: holder(.unit, id, name)))
            }
        }
        uses.append(GradeUse(tier: restructureTier, holder: GradeHolder(.setting, id: EntityID(0), label: "restructure_tier")))
        return uses
    }

    private static func holder(_ kind: GradeHolder.Kind, _ id: String, _ label: String) -> GradeHolder {
        GradeHolder(kind, id: EntityID(uuid: id) ?? EntityID(0), label: label)
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
