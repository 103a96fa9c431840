// The positions and position_versions tables: every statement that reads or writes them, returning
// `Position`s as of a day (with their unit's path for the policy, their establishment and how many
// hold them that day). Routes, chains, search and vacancies call these; none writes SQL for them.

import App
import HTTP
import Policy
import Postgres

package enum PositionStore {
    /// Columns of `positions p`, `position_versions v`, `unit_versions uv`, `regions r`, without
    /// the holder count, in `Position`'s decoding order.
    package static let baseColumns = """
        p.id::text AS id, p.revision, v.title, v.grade, v.headcount_kind, v.headcount_min, v.headcount_max,
        v.duties::text AS duties, v.forms::text AS forms, v.kind, v.reports_to::text AS reports_to, v.span_min, v.span_max,
        v.sort_order, v.archived, v.unit_id::text AS unit_id, uv.name AS unit_name, lower(v.valid)::text AS valid_from,
        upper(v.valid)::text AS valid_to, orgd_ltree_ids(uv.path)::text AS path_ids, orgd_ltree_ids(r.path)::text AS region_path,
        \(Headcount.establishmentSQL) AS establishment
        """

    /// `Position`'s columns on `day` (an SQL date expression): `baseColumns` and `filled`, the
    /// holders that day, or NULL for `filled` where the caller counts holders itself.
    static func columns(day: PGQuery, holders: Bool = true) -> PGQuery {
        guard holders else { return "\(unescaped: PGQuery(unsafeSQL: baseColumns)), NULL::bigint AS filled" }
        return """
            \(unescaped: PGQuery(unsafeSQL: baseColumns)),
            (SELECT count(*) FROM assignments a WHERE a.position_id = p.id AND a.valid @> \(unescaped: day)) AS filled
            """
    }

    /// The positions with a version on `day`, their unit's version and region that day.
    static func from(day: PGQuery) -> PGQuery {
        """
        positions p JOIN position_versions v ON v.tenant_id = p.tenant_id AND v.position_id = p.id AND v.valid @> \(unescaped: day)
        LEFT JOIN unit_versions uv ON uv.tenant_id = v.tenant_id AND uv.unit_id = v.unit_id AND uv.valid @> \(unescaped: day)
        LEFT JOIN regions r ON r.tenant_id = uv.tenant_id AND r.id = uv.region_id
        """
    }

    /// `SELECT <Position's columns> FROM <positions on date>`, for a WHERE clause to follow.
    package static func select(on date: String, holders: Bool = true) -> PGQuery {
        "SELECT \(unescaped: columns(day: "\(date)::date", holders: holders)) FROM \(unescaped: from(day: "\(date)::date"))"
    }

    /// The position on `date`; nil for an unknown or another tenant's position, or one that did
    /// not exist that day.
    package static func position(_ connection: PGConnection, id: String, on date: String) async throws -> Position? {
        try await connection.query(selectOne(id: id, on: date)).decodeFirst()
    }

    static func selectOne(id: String, on date: String) -> PGQuery {
        "\(unescaped: select(on: date)) WHERE p.id = \(id)::uuid"
    }

    /// One page of the positions on `date` in id order, `limit` at most, of one unit when given;
    /// archived ones are left out.
    package static func list(_ connection: PGConnection, on date: String, unit: String?, after: String?,
                             limit: Int) async throws -> [Position] {
        try await connection.query("""
            \(unescaped: select(on: date))
            WHERE (\(after)::uuid IS NULL OR p.id > \(after)::uuid) AND (\(unit)::uuid IS NULL OR v.unit_id = \(unit)::uuid) AND NOT v.archived
            ORDER BY p.id LIMIT \(limit)
            """).decode()
    }

    /// Up to 50 positions on `date` whose title contains `needle`, case-insensitively, by title.
    package static func search(_ connection: PGConnection, _ needle: String, on date: String) async throws -> [Position] {
        try await connection.query("""
            \(unescaped: select(on: date)) WHERE strpos(lower(v.title), lower(\(needle))) > 0 ORDER BY v.title LIMIT 50
            """).decode()
    }

    /// The positions `ids` on `date` (in no order), for a report that reads them with its own rows.
    package static func select(ids: [String], on date: String, holders: Bool = true) -> PGQuery {
        "\(unescaped: select(on: date, holders: holders)) WHERE p.id = ANY (\(ids)::uuid[])"
    }

    /// A position named in a request body that must exist on `date`; 422 naming the field otherwise.
    package static func required(_ connection: PGConnection, id: String?, field: String, on date: String) async throws -> Position {
        guard let id, EntityID(uuid: id) != nil,
              let position = try await position(connection, id: id.lowercased(), on: date) else {
            throw unknown(field, id, on: date)
        }
        return position
    }

    /// The 422 of a body field that names no position on `date`.
    static func unknown(_ field: String, _ id: String?, on date: String) -> Problem {
        Problem.invalid(field, rule: "exists", "\(field) \(id ?? "null") names no position of this tenant on \(date)")
    }

    /// What a new position is, checked (PositionRoutes.NewPosition).
    package struct Draft: Sendable {
        package var unitID: String
        package var title: String
        package var grade: String?
        package var headcount: (kind: String, min: Int?, max: Int?)
        package var duties: [String]
        package var forms: [String]
        package var kind: String
        package var reportsTo: String?
        package var spanMin: Int?
        package var spanMax: Int?
        package var sortOrder: Int
    }

    /// Inserts the position with its first version from `date` on; its id.
    package static func create(_ connection: PGConnection, tenant: String, _ draft: Draft, from date: String) async throws -> String {
        let query: PGQuery = """
            WITH p AS (INSERT INTO positions (tenant_id) VALUES (\(tenant)::uuid) RETURNING id)
            INSERT INTO position_versions (tenant_id, position_id, valid, unit_id, title, grade, headcount_kind, headcount_min,
                                           headcount_max, duties, forms, kind, reports_to, span_min, span_max, sort_order)
            SELECT \(tenant)::uuid, p.id, daterange(\(date)::date, NULL), \(draft.unitID)::uuid, \(draft.title), \(draft.grade),
                   \(draft.headcount.kind), \(draft.headcount.min)::integer, \(draft.headcount.max)::integer,
                   \(OrgRules.jsonList(draft.duties))::jsonb, \(OrgRules.jsonList(draft.forms))::jsonb, \(draft.kind),
                   \(draft.reportsTo)::uuid, \(draft.spanMin)::integer, \(draft.spanMax)::integer, \(draft.sortOrder)::integer
            FROM p RETURNING position_id::text
            """
        return try await connection.query(query).returned()
    }

    /// Moves the position's versions from `date` on (split there by the caller) to `unit`.
    package static func move(_ connection: PGConnection, id: String, to unit: String, from date: String) async throws {
        _ = try await connection.query("""
            UPDATE position_versions SET unit_id = \(unit)::uuid WHERE position_id = \(id)::uuid AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }

    /// Archives the position's versions from `date` on (split there by the caller).
    package static func archive(_ connection: PGConnection, id: String, from date: String) async throws {
        _ = try await connection.query("""
            UPDATE position_versions SET archived = true WHERE position_id = \(id)::uuid AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }

    /// The grades the position carries on any day of `range` (a daterange literal), as stored.
    package static func grades(_ connection: PGConnection, id: String, during range: String) async throws -> [String] {
        try await connection.query("""
            SELECT DISTINCT grade FROM position_versions
            WHERE position_id = \(id)::uuid AND valid && \(range)::daterange AND grade IS NOT NULL
            """ as PGQuery).decode(String.self)
    }

    /// Positions from `start` up its reports-to line on `date`, `start` first.
    package static func chain(_ connection: PGConnection, from start: String, on date: String) async throws -> [Position] {
        let day: PGQuery = "\(date)::date"
        return try await connection.query("""
            WITH RECURSIVE up (id, step) AS (
                SELECT \(start)::uuid, 0
                UNION ALL
                SELECT v.reports_to, up.step + 1 FROM up
                JOIN position_versions v ON v.position_id = up.id AND v.valid @> \(date)::date
                WHERE v.reports_to IS NOT NULL AND up.step < 1000)
            SELECT \(unescaped: columns(day: day)) FROM up JOIN \(unescaped: from(day: day)) ON p.id = up.id
            ORDER BY up.step
            """).decode()
    }

    /// The positions reporting to `manager` on `date`, directly or down to `levels` steps below
    /// it, nearest first, then by title; archived ones (and those below them) are left out.
    package static func reports(_ connection: PGConnection, to manager: String, on date: String, levels: Int) async throws -> [Position] {
        let day: PGQuery = "\(date)::date"
        return try await connection.query("""
            WITH RECURSIVE down (id, step) AS (
                SELECT \(manager)::uuid, 0
                UNION ALL
                SELECT v.position_id, down.step + 1 FROM down
                JOIN position_versions v ON v.reports_to = down.id AND v.valid @> \(date)::date AND NOT v.archived
                WHERE down.step < \(levels))
            SELECT \(unescaped: columns(day: day)) FROM down JOIN \(unescaped: from(day: day)) ON p.id = down.id
            WHERE down.step > 0 ORDER BY down.step, v.title
            """).decode()
    }

    /// Days from each position's first day to `date`, by id.
    package static func ages(_ connection: PGConnection, ids: [String], on date: String) async throws -> [(id: String, days: Int)] {
        try await connection.query("""
            SELECT position_id::text, \(date)::date - min(lower(valid)) FROM position_versions
            WHERE position_id = ANY (\(ids)::uuid[]) GROUP BY position_id
            """ as PGQuery).decode(String.self, Int.self).map { (id: $0.0, days: $0.1) }
    }

    /// Locks the position's identity row until the transaction ends (appointments to it queue);
    /// false when there is no such position.
    package static func lock(_ connection: PGConnection, id: String?) async throws -> Bool {
        try await connection.query("SELECT 1 FROM positions WHERE id = \(id)::uuid FOR UPDATE" as PGQuery).count > 0
    }

    /// Refuses a reporting line that would close a loop: walking up from `manager` on `date`
    /// must not reach `position`. Call under OrgChange.lockTree(…, "reports_to").
    package static func checkReportsTo(_ connection: PGConnection, position: String?, manager: String, on date: String) async throws {
        _ = try await required(connection, id: manager, field: "reports_to", on: date)
        guard let position else { return }
        let loops = try await connection.query("""
            WITH RECURSIVE up (id, depth) AS (
                SELECT \(manager.lowercased())::uuid, 1
                UNION ALL
                SELECT v.reports_to, up.depth + 1 FROM up
                JOIN position_versions v ON v.position_id = up.id AND v.valid @> \(date)::date
                WHERE v.reports_to IS NOT NULL AND up.depth < 10000)
            SELECT 1 FROM up WHERE id = \(position)::uuid LIMIT 1
            """ as PGQuery)
        if loops.count > 0 {
            throw Problem.invalid("reports_to", rule: "no_cycle",
                                  "position \(manager) reports (directly or through others) to this position; a reporting line cannot loop")
        }
    }
}
