// Roles as stored: named permission sets with an optional minimum grade, read as rows for the API
// and as `Role` values for the policy.

import App
import HTTP
import Policy
import Postgres

extension AccessStore {
    package static let roleColumns = """
        id::text AS id, name, description, permissions::text AS permissions, minimum_grade, builtin,
        (SELECT count(*) FROM grants g WHERE g.tenant_id = roles.tenant_id AND g.role_id = roles.id) AS grant_count,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
        to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at
        """

    /// The role as the policy sees it under `ladder`. Unknown permission names (none can be
    /// stored through the API) and a minimum grade the ladder lacks are dropped.
    package static func policyRole(_ row: PGRow, ladder: GradeLadder) -> Role {
        let names = StoredValues.array(row.string("permissions"))
        return Role(id: EntityID(uuid: row.string("id") ?? "") ?? EntityID(0), name: row.string("name") ?? "",
                    permissions: PermissionSet(names.compactMap { Permission(rawValue: $0) }),
                    minimumGrade: row.string("minimum_grade").flatMap { try? ladder.parse($0) })
    }

    package static func role(_ id: String, _ connection: PGConnection, forUpdate: Bool = false) async throws -> PGRow? {
        try await connection.query("SELECT \(roleColumns) FROM roles WHERE id = $1::uuid\(forUpdate ? " FOR UPDATE" : "")", [id]).first
    }

    package static func writeRole(_ row: PGRow, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("name", row.string("name"))
        json.field("description", row.string("description"))
        json.field("permissions", strings: StoredValues.array(row.string("permissions")))
        json.field("minimum_grade", row.string("minimum_grade"))
        json.field("builtin", row.bool("builtin") ?? false)
        json.field("grant_count", row.int("grant_count") ?? 0)
        json.field("created_at", row.string("created_at"))
        json.field("updated_at", row.string("updated_at"))
        json.endObject()
    }

    package static func roleJSON(_ row: PGRow) -> [UInt8] {
        var json = JSONWriter()
        writeRole(row, to: &json)
        return json.bytes
    }
}
