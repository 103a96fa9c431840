// The people and person_versions tables: every statement that reads or writes them, returning
// `Person`s as of a day. The name and the archived flag are dated (person_versions); the employee
// number, contact and home unit are current-state, on `people`, which also mirrors the latest
// name and flag for current-state writers.

import App
import HTTP
import Postgres

package enum PersonStore {
    package static let versions = Versions.Table(name: "person_versions", key: "person_id", split: "orgd_split_person_versions",
                                                 resource: "person")

    /// `CROSS JOIN LATERAL (…) pv`: the version of person `pe` on `day` (an SQL date expression):
    /// the one covering it, or the first when the person's record starts later (an appointment may
    /// be dated before the record was made). One index probe per person: for reads of one person
    /// or a page; chart reads of many holders use `names`. (An SQL function doing this was not
    /// inlined and made the 50-unit tree go from 70 to 340 ms in bench/org.sh.)
    static func versionOn(day: PGQuery) -> PGQuery {
        """
        CROSS JOIN LATERAL (SELECT x.name, x.archived, x.valid FROM person_versions x
                            WHERE x.tenant_id = pe.tenant_id AND x.person_id = pe.id
                            ORDER BY lower(x.valid) <= \(unescaped: day) DESC, abs(lower(x.valid) - \(unescaped: day)) LIMIT 1) pv
        """
    }

    /// `Person`'s columns, of `people pe` and its version `pv` on `day` (see `versionOn`; a join
    /// on `person_versions pv` covering the day does as well): the name and archived flag of that
    /// day, the primary unit path (else the home unit's) and the grades of the posts that day: the
    /// facts the policy decides with, in `Person`'s decoding order.
    static func columns(day: PGQuery) -> PGQuery {
        """
        pe.id::text AS id, pe.employee_no, pe.contact::text AS contact, pe.revision, pe.home_unit_id::text AS unit_id,
        pv.name, pv.archived, lower(pv.valid)::text AS valid_from,
        coalesce((SELECT orgd_ltree_ids(uv.path)::text FROM assignments a
           JOIN position_versions v ON v.position_id = a.position_id AND v.valid @> \(unescaped: day)
           JOIN unit_versions uv ON uv.unit_id = v.unit_id AND uv.valid @> \(unescaped: day)
         WHERE a.person_id = pe.id AND a.kind = 'primary' AND a.valid @> \(unescaped: day) LIMIT 1),
         coalesce(orgd_unit_path_on(pe.home_unit_id, \(unescaped: day)), orgd_unit_path(pe.home_unit_id))::text) AS path_ids,
        (SELECT array_agg(v.grade)::text FROM assignments a
           JOIN position_versions v ON v.position_id = a.position_id AND v.valid @> \(unescaped: day)
         WHERE a.person_id = pe.id AND a.valid @> \(unescaped: day) AND v.grade IS NOT NULL) AS grades
        """
    }

    /// People with their version on `date`, also when their record starts later.
    static func select(on date: String) -> PGQuery {
        "SELECT \(unescaped: columns(day: "\(date)::date")) FROM people pe \(unescaped: versionOn(day: "\(date)::date"))"
    }

    /// People who existed on `date`, with that day's version.
    static func selectExisting(on date: String) -> PGQuery {
        """
        SELECT \(unescaped: columns(day: "\(date)::date")) FROM people pe
        JOIN person_versions pv ON pv.tenant_id = pe.tenant_id AND pv.person_id = pe.id AND pv.valid @> \(date)::date
        """
    }

    /// The person as on `date`, also when their record starts later (appointments may be dated
    /// before it); nil for an unknown or another tenant's person.
    package static func person(_ connection: PGConnection, id: String, on date: String) async throws -> Person? {
        try await connection.query(selectOne(id: id, on: date)).decodeFirst()
    }

    static func selectOne(id: String, on date: String) -> PGQuery {
        "\(unescaped: select(on: date)) WHERE pe.id = \(id)::uuid"
    }

    /// The person as on `date` only if they existed that day: what `GET /v1/people/{id}` answers.
    package static func existing(_ connection: PGConnection, id: String, on date: String) async throws -> Person? {
        try await connection.query("\(unescaped: selectExisting(on: date)) WHERE pe.id = \(id)::uuid").decodeFirst()
    }

    /// One page of the people who existed on `date`, by id; archived ones (that day) only with
    /// `archived`.
    package static func list(_ connection: PGConnection, on date: String, archived: Bool, after: String?,
                             limit: Int) async throws -> [Person] {
        try await connection.query("""
            \(unescaped: selectExisting(on: date))
            WHERE (\(after)::uuid IS NULL OR pe.id > \(after)::uuid) AND (\(archived)::boolean OR NOT pv.archived)
            ORDER BY pe.id LIMIT \(limit)
            """).decode()
    }

    /// Up to 50 people of `date` whose name or employee number contains `needle`, by name.
    package static func search(_ connection: PGConnection, _ needle: String, on date: String) async throws -> [Person] {
        try await connection.query("""
            \(unescaped: selectExisting(on: date))
            WHERE strpos(lower(pv.name), lower(\(needle))) > 0 OR strpos(lower(pe.employee_no), lower(\(needle))) > 0
            ORDER BY pv.name LIMIT 50
            """).decode()
    }

    /// The names of the people `ids` on `date`: the version covering it, else the first (the record
    /// may start after the appointment). For chart reads of many holders: one `person_id = ANY`
    /// scan of the b-tree person_versions_by_start, where a probe per holder cost 0.14 ms. The
    /// caller joins the names to its holders: joined in SQL, the planner could not tell how many
    /// holders there were, planned for one, and read every name once per holder (1.4 s for the
    /// 4,004 holders of a 1,001-unit chart).
    package static func names(_ connection: PGConnection, ids: Set<String>, on date: String) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT DISTINCT ON (x.person_id) x.person_id::text, x.name FROM person_versions x
            WHERE x.person_id = ANY (\(Array(ids))::uuid[])
            ORDER BY x.person_id, lower(x.valid) <= \(date)::date DESC, abs(lower(x.valid) - \(date)::date)
            """ as PGQuery).decode(String.self, String.self)
        var names: [String: String] = [:]
        names.reserveCapacity(rows.count)
        for (id, name) in rows { names[id] = name }
        return names
    }

    /// Stores a new person whose record starts on `date`; their id, or nil when the employee
    /// number is taken in this tenant.
    package static func create(_ connection: PGConnection, tenant: String, employeeNo: String, name: String, contact: PGJSON,
                               homeUnit: String?, from date: String) async throws -> String? {
        let id: String
        do {
            id = try await connection.query("""
                INSERT INTO people (tenant_id, employee_no, name, contact, home_unit_id)
                VALUES (\(tenant)::uuid, \(employeeNo), \(name), \(contact)::jsonb, \(homeUnit)::uuid)
                RETURNING id::text
                """ as PGQuery).returned()
        } catch let error as PGError where error.isUniqueViolation {
            return nil
        }
        _ = try await connection.query("UPDATE person_versions SET valid = daterange(\(date)::date, NULL) WHERE person_id = \(id)::uuid"
                                       as PGQuery)
        return id
    }

    /// Renames the person from `date` on: the version covering it is cut there (409
    /// LATER_CHANGE_SCHEDULED when a change is already dated later). Call `syncMirror` after.
    package static func rename(_ connection: PGConnection, id: String, to name: String, on date: String) async throws {
        try await Versions.prepare(connection, versions, id: id, on: date)
        _ = try await connection.query("""
            UPDATE person_versions SET name = \(name) WHERE person_id = \(id)::uuid AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }

    /// Archives the person from `date` on (the day they left). Call `syncMirror` after.
    package static func archive(_ connection: PGConnection, id: String, from date: String) async throws {
        try await Versions.prepare(connection, versions, id: id, on: date)
        _ = try await connection.query("""
            UPDATE person_versions SET archived = true WHERE person_id = \(id)::uuid AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }

    /// Copies the latest version's name and archived flag into `people` (the mirror kept for
    /// current-state writers) and raises the revision, with the current-state fields of this
    /// change (nil: unchanged; `homeUnit` `.some(nil)`: no home unit). Throws the unique violation
    /// of a taken employee number.
    package static func syncMirror(_ connection: PGConnection, id: String, employeeNo: String? = nil, contact: PGJSON? = nil,
                                   homeUnit: String?? = nil) async throws {
        _ = try await connection.query("""
            UPDATE people pe SET name = v.name, archived = v.archived, employee_no = coalesce(\(employeeNo), pe.employee_no),
                contact = coalesce(\(contact)::jsonb, pe.contact),
                home_unit_id = CASE WHEN \(homeUnit != nil)::boolean THEN \(homeUnit ?? nil)::uuid ELSE pe.home_unit_id END,
                revision = pe.revision + 1, updated_at = now()
            FROM person_versions v
            WHERE pe.id = \(id)::uuid AND v.tenant_id = pe.tenant_id AND v.person_id = pe.id AND upper_inf(v.valid)
            """ as PGQuery)
    }
}
