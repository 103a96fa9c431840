// The assignments table: every statement that reads or writes it, returning `Assignment`s and
// the holder facts the chart, the headcount check and the archives ask for.

import App
import HTTP
import Postgres

package enum AssignmentStore {
    /// `Assignment`'s columns, with the person's name from `pv` (see `from`), in `Assignment`'s
    /// decoding order.
    static let columns: StaticString = """
        a.id::text AS id, a.person_id::text AS person_id, pv.name AS person_name, a.position_id::text AS position_id,
        a.kind, lower(a.valid)::text AS start_date, upper(a.valid)::text AS end_after, a.region_id::text AS region_id, a.revision
        """

    /// `assignments a` with the person `pe` and their version `pv` on `day` (an SQL date expression).
    static func from(day: PGQuery) -> PGQuery {
        "assignments a JOIN people pe ON pe.tenant_id = a.tenant_id AND pe.id = a.person_id \(unescaped: PersonStore.versionOn(day: day))"
    }

    /// The assignment with the person's name today; nil for an unknown or another tenant's one.
    package static func assignment(_ connection: PGConnection, id: String) async throws -> Assignment? {
        try await connection.query(selectOne(id: id)).decodeFirst()
    }

    static func selectOne(id: String) -> PGQuery {
        "SELECT \(unescaped: columns) FROM \(unescaped: from(day: "orgd_today()")) WHERE a.id = \(id)::uuid"
    }

    /// An assignment of a list, with what the policy needs of its position (on its last day, or
    /// the list's day): the unit's path and the position's grade.
    package struct Listed: Sendable, PGRowDecodable {
        package var assignment: Assignment
        package var pathIDs: String?
        package var grade: String?

        package init(row: inout PGRowReader) throws {
            assignment = try Assignment(row: &row)
            pathIDs = try row.next()
            grade = try row.next()
        }
    }

    /// One page of the assignments of a person or a position (or both, or neither) held on `date`
    /// (or ever, with `all`), by first day then id, `limit` at most; the cursor is an assignment id.
    package static func list(_ connection: PGConnection, on date: String, person: String?, position: String?, all: Bool,
                             after: String?, limit: Int) async throws -> [Listed] {
        try await connection.query("""
            SELECT \(unescaped: columns), orgd_ltree_ids(uv.path)::text AS path_ids, v.grade
            FROM \(unescaped: from(day: "\(date)::date"))
            LEFT JOIN position_versions v ON v.position_id = a.position_id AND v.valid @> coalesce(upper(a.valid) - 1, greatest(lower(a.valid), \(date)::date))
            LEFT JOIN unit_versions uv ON uv.unit_id = v.unit_id AND uv.valid @> lower(v.valid)
            WHERE (\(person)::uuid IS NULL OR a.person_id = \(person)::uuid) AND (\(position)::uuid IS NULL OR a.position_id = \(position)::uuid)
              AND (\(all)::boolean OR a.valid @> \(date)::date)
              AND (\(after)::uuid IS NULL OR (lower(a.valid), a.id) > ((SELECT lower(valid) FROM assignments WHERE id = \(after)::uuid), \(after)::uuid))
            ORDER BY lower(a.valid), a.id LIMIT \(limit)
            """).decode()
    }

    /// Why an appointment was refused by the database's exclusion constraints.
    package enum Overlap: Error {
        case primaryPost            // the person has another primary post in the period
        case samePosition           // the person already holds this position in the period
    }

    /// Stores an appointment over `range` (a daterange literal); its id. Throws `Overlap`.
    package static func create(_ connection: PGConnection, tenant: String, person: String, position: String, kind: String,
                               range: String, region: String?) async throws -> String {
        do {
            return try await connection.query("""
                INSERT INTO assignments (tenant_id, person_id, position_id, kind, valid, region_id)
                VALUES (\(tenant)::uuid, \(person)::uuid, \(position)::uuid, \(kind), \(range)::daterange, \(region)::uuid)
                RETURNING id::text
                """ as PGQuery).returned()
        } catch let error as PGError where error.isExclusionViolation {
            throw error.constraint == "assignments_one_primary" ? Overlap.primaryPost : Overlap.samePosition
        }
    }

    /// Ends the assignment after `lastDay` and raises its revision.
    package static func end(_ connection: PGConnection, id: String, lastDay: String) async throws {
        _ = try await connection.query("""
            UPDATE assignments SET valid = daterange(lower(valid), \(OrgDate.dayAfter(lastDay))::date), revision = revision + 1, updated_at = now()
            WHERE id = \(id)::uuid
            """ as PGQuery)
    }

    /// Whether anyone holds the position on `date` or later.
    package static func isHeld(_ connection: PGConnection, position: String, onOrAfter date: String) async throws -> Bool {
        try await connection.query("""
            SELECT 1 FROM assignments WHERE position_id = \(position)::uuid AND (upper_inf(valid) OR upper(valid) > \(date)::date) LIMIT 1
            """ as PGQuery).count > 0
    }

    /// Whether the person holds any post on `date` or later.
    package static func holdsPost(_ connection: PGConnection, person: String, onOrAfter date: String) async throws -> Bool {
        try await connection.query("""
            SELECT 1 FROM assignments WHERE person_id = \(person)::uuid AND (upper_inf(valid) OR upper(valid) > \(date)::date) LIMIT 1
            """ as PGQuery).count > 0
    }

    /// The position of the person's post on `date`: the primary one, else the earliest.
    package static func post(_ connection: PGConnection, person: String, on date: String) async throws -> String? {
        try await connection.query("""
            SELECT position_id::text FROM assignments WHERE person_id = \(person)::uuid AND valid @> \(date)::date
            ORDER BY kind = 'primary' DESC, lower(valid) LIMIT 1
            """ as PGQuery).decodeFirst(String.self)
    }

    /// A holder of one of `positions` on `date`, without their name.
    package struct Seat: Sendable, PGRowDecodable {
        package var id: String
        package var positionID: String
        package var personID: String
        package var kind: String
        package var startDate: String
        package var regionID: String?

        package init(row: inout PGRowReader) throws {
            id = try row.next()
            positionID = try row.next()
            personID = try row.next()
            kind = try row.next()
            startDate = try row.next()
            regionID = try row.next()
        }
    }

    /// Who holds `positions` on `date`, in no order.
    package static func seats(_ connection: PGConnection, positions: [String], on date: String) async throws -> [Seat] {
        try await connection.query("""
            SELECT a.id::text, a.position_id::text, a.person_id::text, a.kind, lower(a.valid)::text, a.region_id::text
            FROM assignments a WHERE a.position_id = ANY (\(positions)::uuid[]) AND a.valid @> \(date)::date
            """ as PGQuery).decode()
    }

    /// For each of `positions` that anyone ever held: its holders on `date` and the days since
    /// the last holder left (nil when nobody left by then).
    package static func filling(_ connection: PGConnection, positions: [String],
                                on date: String) async throws -> [(id: String, holders: Int, daysSinceLeft: Int?)] {
        try await connection.query("""
            SELECT position_id::text, count(*) FILTER (WHERE valid @> \(date)::date),
                   \(date)::date - max(upper(valid)) FILTER (WHERE upper(valid) <= \(date)::date)
            FROM assignments WHERE position_id = ANY (\(positions)::uuid[]) GROUP BY position_id
            """ as PGQuery).decode(String.self, Int.self, Int?.self).map { (id: $0.0, holders: $0.1, daysSinceLeft: $0.2) }
    }

    /// The most holders of the position on any day of `range` (from `start` on), in one region
    /// when given: days when the count can rise are the start and every later holder's first day.
    package static func peakHolders(_ connection: PGConnection, position: String, start: String, range: String,
                                    region: String?) async throws -> Int {
        try await connection.query("""
            SELECT coalesce(max((SELECT count(*) FROM assignments a WHERE a.position_id = \(position)::uuid AND a.valid @> pts.day
                                   AND (\(region)::uuid IS NULL OR a.region_id = \(region)::uuid))), 0)
            FROM (SELECT \(start)::date AS day
                  UNION SELECT lower(a.valid) FROM assignments a
                  WHERE a.position_id = \(position)::uuid AND a.valid && \(range)::daterange AND lower(a.valid) > \(start)::date) pts
            """ as PGQuery).returned()
    }
}
