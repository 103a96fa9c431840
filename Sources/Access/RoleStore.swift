// The roles table: named sets of catalog permissions with an optional minimum grade. One model
// (`StoredRole`, with how many grants hold it) read as JSON for the API and as a `Role` for the
// policy; every statement on the table.

import App
import HTTP
import Policy
import Postgres
import Tenancy

package struct StoredRole: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var name: String
    package var description: String?
    package var permissions: [String]
    package var minimumGrade: String?
    package var builtin: Bool
    package var grantCount: Int
    package var createdAt: String               // RFC 3339, UTC, whole seconds
    package var updatedAt: String

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        name = try row.next()
        description = try row.next()
        permissions = StoredValues.array(try row.next(String?.self))
        minimumGrade = try row.next()
        builtin = try row.next()
        grantCount = try row.next()
        createdAt = try row.next()
        updatedAt = try row.next()
    }

    /// The role as the policy sees it under `ladder`. Unknown permission names (none can be
    /// stored through the API) and a minimum grade the ladder lacks are dropped.
    package func policyRole(ladder: GradeLadder) -> Role {
        Role(id: EntityID(uuid: id) ?? EntityID(0), name: name,
             permissions: PermissionSet(permissions.compactMap { Permission(rawValue: $0) }),
             minimumGrade: minimumGrade.flatMap { try? ladder.parse($0) })
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("name", name)
        json.field("description", description)
        json.field("permissions", strings: permissions)
        json.field("minimum_grade", minimumGrade)
        json.field("builtin", builtin)
        json.field("grant_count", grantCount)
        json.field("created_at", createdAt)
        json.field("updated_at", updatedAt)
        json.endObject()
    }

}

package enum RoleStore: TableStore {
    package typealias Row = StoredRole
    package static let table: StaticString = "roles"

    /// `StoredRole`'s columns, in its decoding order.
    package static let columns: PGQuery = """
        id::text, name, description, permissions::text, minimum_grade, builtin,
        (SELECT count(*) FROM grants g WHERE g.tenant_id = roles.tenant_id AND g.role_id = roles.id),
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        """

    package static func find(_ connection: PGConnection, ids: [String]) async throws -> [StoredRole] {
        try await connection.query("SELECT \(unescaped: columns) FROM roles WHERE id = ANY(\(ids)::uuid[])").decode()
    }

    /// A new role; nil when the tenant already has a role of that name.
    package static func create(_ connection: PGConnection, name: String, description: String, permissions: [String],
                               minimumGrade: String?) async throws -> StoredRole? {
        do {
            return try await connection.query("""
                INSERT INTO roles (tenant_id, name, description, permissions, minimum_grade)
                VALUES (orgd_current_tenant(), \(name), \(description), \(permissions)::text[], \(minimumGrade))
                RETURNING \(unescaped: columns)
                """).decodeFirst()
        } catch let error as PGError where error.isUniqueViolation {
            return nil
        }
    }

    /// Changes what is given (the minimum grade when `setMinimumGrade`); nil when the new name is taken.
    package static func update(_ connection: PGConnection, id: String, name: String?, description: String?, permissions: [String]?,
                               setMinimumGrade: Bool, minimumGrade: String?) async throws -> StoredRole? {
        do {
            return try await connection.query("""
                UPDATE roles SET name = coalesce(\(name), name), description = coalesce(\(description), description),
                                 permissions = coalesce(\(permissions)::text[], permissions),
                                 minimum_grade = CASE WHEN \(setMinimumGrade) THEN \(minimumGrade) ELSE minimum_grade END,
                                 updated_at = now()
                WHERE id = \(id)::uuid RETURNING \(unescaped: columns)
                """).decodeFirst()
        } catch let error as PGError where error.isUniqueViolation {
            return nil
        }
    }

    package static func delete(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("DELETE FROM roles WHERE id = \(id)::uuid" as PGQuery)
    }

    /// Roles with a minimum grade, by name: (id, name, minimum grade).
    package static func minimumGrades(_ connection: PGConnection) async throws -> [(String, String, String)] {
        try await connection.query("""
            SELECT id::text, name, minimum_grade FROM roles WHERE minimum_grade IS NOT NULL ORDER BY name
            """ as PGQuery).decode(String.self, String.self, String.self)
    }
}
