// The units and unit_versions tables: reading units as of a day and writing their versions.
// Every read joins the identity row (revision, the ETag) with the version covering the day and
// decodes it as a `Unit` (Unit.swift, which also writes its JSON). Restructuring statements
// (move, merge, archive, delete) are in UnitStore+Restructuring.swift.

import App
import HTTP
import Policy
import Postgres

package enum UnitStore {
    /// Columns of `units u` joined with `unit_versions v` and `regions r` (region may be NULL),
    /// in `Unit`'s decoding order (rows are decoded by position; the aliases only name the columns
    /// for a reader of the SQL).
    package static let columns = """
        u.id::text AS id, u.revision, v.name, v.code, v.kind, v.tier, v.role_label, v.functions::text AS functions,
        v.parent_id::text AS parent_id, v.region_id::text AS region_id, v.sort_order, v.archived, v.planned_establishment,
        v.merged_into::text AS merged_into, orgd_ltree_ids(v.path)::text AS path_ids, nlevel(v.path) AS depth,
        lower(v.valid)::text AS valid_from, upper(v.valid)::text AS valid_to, orgd_ltree_ids(r.path)::text AS region_path
        """

    /// `columns` as a statement fragment: `SELECT \(unescaped: UnitStore.unitColumns) FROM …`
    /// decodes as `Unit` (with `joined(on:)`, or any FROM naming `u`, `v` and `r` the same way).
    package static let unitColumns = PGQuery(unsafeSQL: columns)

    /// FROM clause of `columns` for the units existing on `date`.
    package static func joined(on date: String) -> PGQuery {
        """
        units u JOIN unit_versions v ON v.tenant_id = u.tenant_id AND v.unit_id = u.id AND v.valid @> \(date)::date
        LEFT JOIN regions r ON r.tenant_id = v.tenant_id AND r.id = v.region_id
        """
    }

    /// The unit on `date`; nil when it does not exist that day (or at all).
    package static func unit(_ connection: PGConnection, id: String, on date: String) async throws -> Unit? {
        try await connection.query("""
            SELECT \(unescaped: unitColumns) FROM \(unescaped: joined(on: date)) WHERE u.id = \(id)::uuid
            """).decodeFirst()
    }

    /// A page of the units on `date` in id order (`limit` at most), optionally only the children
    /// of `parent`, archived ones only when asked.
    package static func list(_ connection: PGConnection, on date: String, after: String?, parent: String?,
                             archived: Bool, limit: Int) async throws -> [Unit] {
        try await connection.query("""
            SELECT \(unescaped: unitColumns) FROM \(unescaped: joined(on: date))
            WHERE (\(after)::uuid IS NULL OR u.id > \(after)::uuid) AND (\(parent)::uuid IS NULL OR v.parent_id = \(parent)::uuid)
              AND (\(archived)::boolean OR NOT v.archived)
            ORDER BY u.id LIMIT \(limit)
            """).decode()
    }

    /// Up to 50 units on `date` whose name or code contains `needle`, case-insensitively, by name
    /// (archived ones included, as the search always showed them).
    package static func search(_ connection: PGConnection, _ needle: String, on date: String) async throws -> [Unit] {
        try await connection.query("""
            SELECT \(unescaped: unitColumns) FROM \(unescaped: joined(on: date))
            WHERE strpos(lower(v.name), lower(\(needle))) > 0 OR strpos(lower(v.code), lower(\(needle))) > 0 ORDER BY v.name LIMIT 50
            """).decode()
    }

    /// A unit named in a request body that must exist on `date`; 422 naming the field otherwise.
    package static func named(_ connection: PGConnection, id: String?, field: String, on date: String) async throws -> Unit {
        guard let id, EntityID(uuid: id) != nil,
              let unit = try await unit(connection, id: id.lowercased(), on: date) else {
            throw Problem.invalid(field, rule: "exists", "\(field) \(id ?? "null") names no unit of this tenant on \(date)")
        }
        return unit
    }

    /// The policy's view of a unit (`Unit.target`), for callers converting from the row version.
    package static func target(_ caller: Caller, _ unit: Unit) -> Target { unit.target(caller) }

    /// The unit's location (`Unit.location`), for callers converting from the row version.
    package static func location(_ unit: Unit) -> Location { unit.location }

    /// A region named in a request body; its path as uuid-array text.
    package static func regionPath(_ connection: PGConnection, id: String, field: String = "region_id") async throws -> String {
        guard EntityID(uuid: id) != nil,
              let found = try await connection.query("SELECT orgd_region_path(\(id)::uuid)::text" as PGQuery).decodeFirst(String?.self),
              let path = found else {
            throw Problem.invalid(field, rule: "exists", "\(field) \(id) names no region of this tenant")
        }
        return path
    }

    /// What a new unit is made of; `name` is stored trimmed.
    package struct Fields: Sendable {
        package var name: String
        package var code: String
        package var kind: String
        package var tier: String?
        package var roleLabel: String?
        package var functions: [String]
        package var parentID: String?
        package var regionID: String?
        package var sortOrder: Int
        package var plannedEstablishment: Int?
    }

    /// Inserts a unit existing from `date` on, under its parent's path that day; its id. Throws
    /// UNIT_CODE_TAKEN when another unit has the code on or after `date`.
    package static func create(_ connection: PGConnection, tenant: String, _ unit: Fields, from date: String) async throws -> String {
        let parent = unit.parentID?.lowercased()
        do {
            let inserted: PGQuery = """
                WITH u AS (INSERT INTO units (tenant_id) VALUES (\(tenant)::uuid) RETURNING id)
                INSERT INTO unit_versions (tenant_id, unit_id, valid, parent_id, path, name, code, kind, tier, role_label,
                                           functions, region_id, sort_order, planned_establishment)
                SELECT \(tenant)::uuid, u.id, daterange(\(date)::date, NULL), \(parent)::uuid,
                       coalesce((SELECT path FROM unit_versions WHERE unit_id = \(parent)::uuid AND valid @> \(date)::date), ''::ltree)
                         || orgd_uuid_label(u.id),
                       \(unit.name.trimmingCharacters(in: .whitespacesAndNewlines)), \(unit.code), \(unit.kind), \(unit.tier),
                       \(unit.roleLabel), \(OrgRules.jsonList(unit.functions))::jsonb, \(unit.regionID?.lowercased())::uuid,
                       \(unit.sortOrder), \(unit.plannedEstablishment)::integer
                FROM u RETURNING unit_id::text
                """
            return try await connection.query(inserted).decodeFirst(String.self)!
        } catch let error as PGError where error.isExclusionViolation {
            throw UnitRoutes.codeTaken(unit.code, date)
        }
    }

    /// A change of fields from a day on: nil keeps a field, `.some(nil)` clears a nullable one.
    package struct Change: Sendable {
        package var name: String?
        package var code: String?
        package var kind: String?
        package var tier: String??
        package var roleLabel: String??
        package var functions: [String]?
        package var regionID: String??
        package var sortOrder: Int?
        package var plannedEstablishment: Int??
    }

    /// Applies `change` to every version of the unit from `date` on (Versions.prepare cut the
    /// one covering `date` first). Throws UNIT_CODE_TAKEN like `create`.
    package static func update(_ connection: PGConnection, id: String, _ change: Change, from date: String) async throws {
        do {
            _ = try await connection.query("""
                UPDATE unit_versions SET name = coalesce(\(change.name?.trimmingCharacters(in: .whitespacesAndNewlines)), name),
                    code = coalesce(\(change.code), code), kind = coalesce(\(change.kind), kind),
                    tier = CASE WHEN \(change.tier != nil)::boolean THEN \(change.tier ?? nil) ELSE tier END,
                    role_label = CASE WHEN \(change.roleLabel != nil)::boolean THEN \(change.roleLabel ?? nil) ELSE role_label END,
                    functions = coalesce(\(change.functions.map(OrgRules.jsonList))::jsonb, functions),
                    region_id = CASE WHEN \(change.regionID != nil)::boolean THEN \((change.regionID ?? nil)?.lowercased())::uuid
                                     ELSE region_id END,
                    sort_order = coalesce(\(change.sortOrder)::integer, sort_order),
                    planned_establishment = CASE WHEN \(change.plannedEstablishment != nil)::boolean
                                                 THEN \(change.plannedEstablishment ?? nil)::integer ELSE planned_establishment END
                WHERE unit_id = \(id)::uuid AND lower(valid) >= \(date)::date
                """ as PGQuery)
        } catch {
            // (typed: PGError; `catch let … as PGError where` crashes the 6.3 compiler here)
            if error.isExclusionViolation { throw UnitRoutes.codeTaken(change.code ?? "", date) }
            throw error
        }
    }
}
