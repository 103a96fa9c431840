// The reporting-line tree (reports-to), which can differ from the unit tree: the chain of
// command above a position or person, the direct or all reports below a position, and the
// positions whose span of control is outside their bounds.

import App
import HTTP
import Policy
import Postgres

package enum ReportingQueries {
    /// Positions from `start` up its reports-to line on `date`, `start` first.
    package static func chain(_ connection: PGConnection, from start: String, on date: String) async throws -> PGResult {
        try await connection.query("""
            WITH RECURSIVE up (id, step) AS (
                SELECT $2::uuid, 0
                UNION ALL
                SELECT v.reports_to, up.step + 1 FROM up
                JOIN position_versions v ON v.position_id = up.id AND v.valid @> $1::date
                WHERE v.reports_to IS NOT NULL AND up.step < 1000)
            SELECT \(PositionStore.columns(1)), up.step FROM up JOIN \(PositionStore.from(1)) ON p.id = up.id ORDER BY up.step
            """, [date, start])
    }

    package static func answer(_ caller: Caller, _ context: RequestContext, _ rows: PGResult, _ holders: [String: [Holder]],
                               date: String, key: String, checked: Bool = false) async throws -> HTTPResponse {
        if !checked {
            guard let first = rows.first else { throw Problem.notFound("position") }
            try await context.authorize(caller, .positionRead, PositionStore.target(caller, first), resource: "position", id: first.string("id"))
        }
        let now = caller.context(now: .now)
        return JSONResponse.make { json in
            json.beginObject()
            json.field("as_of", date)
            json.key(key)
            json.beginArray()
            for row in rows where decide(caller.principal, .positionRead, PositionStore.target(caller, row), now).isAllowed {
                Holders.writeSeat(row, holders[row.string("id")!] ?? [], to: &json)
            }
            json.endArray()
            json.endObject()
        }
    }

    package static func positionChain(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "position")
        let date = try OrgDate.asOf(context)
        let (rows, holders) = try await context.transaction(caller) { connection in
            let rows = try await chain(connection, from: id, on: date)
            return (rows, try await Holders.fetch(connection, positions: rows.map { $0.string("id")! }, on: date))
        }
        return try await answer(caller, context, rows, holders, date: date, key: "chain")
    }

    /// The chain above the person's primary post on `as_of`.
    package static func personChain(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "person")
        let date = try OrgDate.asOf(context)
        let (rows, holders) = try await context.transaction(caller) { connection in
            guard let post = try await connection.query("""
                SELECT position_id::text AS id FROM assignments WHERE person_id = $1::uuid AND valid @> $2::date
                ORDER BY kind = 'primary' DESC, lower(valid) LIMIT 1
                """, [id, date]).string(0, "id") else { throw Problem.notFound("person's post") }
            let rows = try await chain(connection, from: post, on: date)
            return (rows, try await Holders.fetch(connection, positions: rows.map { $0.string("id")! }, on: date))
        }
        return try await answer(caller, context, rows, holders, date: date, key: "chain")
    }

    /// `scope=direct` (default) or `scope=all`: the positions reporting to this one.
    package static func reports(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "position")
        let date = try OrgDate.asOf(context)
        let scope = context.query("scope") ?? "direct"
        guard scope == "direct" || scope == "all" else {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "scope must be direct or all", field: "scope", rule: "one_of")
        }
        let (rows, holders) = try await context.transaction(caller) { connection in
            let rows = try await connection.query("""
                WITH RECURSIVE down (id, step) AS (
                    SELECT $2::uuid, 0
                    UNION ALL
                    SELECT v.position_id, down.step + 1 FROM down
                    JOIN position_versions v ON v.reports_to = down.id AND v.valid @> $1::date AND NOT v.archived
                    WHERE down.step < $3)
                SELECT \(PositionStore.columns(1)), down.step FROM down JOIN \(PositionStore.from(1)) ON p.id = down.id
                WHERE down.step > 0 ORDER BY down.step, v.title
                """, [date, id, scope == "all" ? 1000 : 1])
            return (rows, try await Holders.fetch(connection, positions: rows.map { $0.string("id")! }, on: date))
        }
        guard let position = try await context.transaction(caller, { try await PositionStore.read($0, id: id, on: date) }) else {
            throw Problem.notFound("position")
        }
        try await context.authorize(caller, .positionRead, PositionStore.target(caller, position), resource: "position", id: id)
        return try await answer(caller, context, rows, holders, date: date, key: "reports", checked: true)
    }

    /// Positions with span bounds whose direct reports (people holding the positions that
    /// report to it) fall outside span_min…span_max per holder of the position.
    package static func spanViolations(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let date = try OrgDate.asOf(context)
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("""
                SELECT * FROM (
                    SELECT \(PositionStore.columns(1)),
                           (SELECT count(*) FROM position_versions r JOIN assignments a ON a.position_id = r.position_id AND a.valid @> $1::date
                            WHERE r.reports_to = p.id AND r.valid @> $1::date AND NOT r.archived) AS direct_reports
                    FROM \(PositionStore.from(1))
                    WHERE NOT v.archived AND (v.span_min IS NOT NULL OR v.span_max IS NOT NULL)
                ) spans
                WHERE direct_reports < coalesce(span_min, 0) * greatest(filled, 1)
                   OR direct_reports > coalesce(span_max, 2147483647)::bigint * greatest(filled, 1)
                ORDER BY title
                """, [date])
        }
        let now = caller.context(now: .now)
        return JSONResponse.make { json in
            json.beginObject()
            json.field("as_of", date)
            json.key("items")
            json.beginArray()
            for row in rows where decide(caller.principal, .positionRead, PositionStore.target(caller, row), now).isAllowed {
                let reports = row.int("direct_reports") ?? 0
                let holders = max(1, row.int("filled") ?? 0)
                json.beginObject()
                json.field("position_id", row.string("id"))
                json.field("title", row.string("title"))
                json.field("unit_id", row.string("unit_id"))
                json.field("holders", row.int("filled"))
                json.field("direct_reports", reports)
                json.field("span_min", row.int("span_min"))
                json.field("span_max", row.int("span_max"))
                json.field("problem", reports < (row.int("span_min") ?? 0) * holders ? "too_few" : "too_many")
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
    }
}
