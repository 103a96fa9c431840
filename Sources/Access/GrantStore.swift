// The grants table: who holds which role over what, until when, granted by whom. One model
// (`StoredGrant`, joined with its role's name, permissions and minimum grade, which the policy
// needs with it) and its one JSON encoder; every statement on the table. Runs inside the
// caller's transaction, whose tenant row-level security has already set.

import App
import HTTP
import Policy
import Postgres
import Tenancy

/// A grant as stored, with its role as it is now and its scope's path as the scope sits today.
package struct StoredGrant: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var subjectKind: String             // user | api_key
    package var subjectID: String
    package var roleID: String
    package var roleName: String
    package var permissions: [String]
    package var minimumGrade: String?
    package var scopeKind: String               // tenant | unit | region
    package var scopeID: String?
    package var scopePath: [String]
    package var expiresAt: Int64?               // seconds since the epoch
    package var grantedBy: String?
    package var createdAt: String? = nil        // nil for a grant only previewed, never stored

    package init(id: String, subjectKind: String, subjectID: String, roleID: String, roleName: String, permissions: [String],
                 minimumGrade: String?, scopeKind: String, scopeID: String?, scopePath: [String], expiresAt: Int64?,
                 grantedBy: String?) {
        self.id = id
        self.subjectKind = subjectKind
        self.subjectID = subjectID
        self.roleID = roleID
        self.roleName = roleName
        self.permissions = permissions
        self.minimumGrade = minimumGrade
        self.scopeKind = scopeKind
        self.scopeID = scopeID
        self.scopePath = scopePath
        self.expiresAt = expiresAt
        self.grantedBy = grantedBy
    }

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        subjectKind = try row.next()
        subjectID = try row.next()
        roleID = try row.next()
        roleName = try row.next()
        permissions = StoredValues.array(try row.next(String?.self))
        minimumGrade = try row.next()
        scopeKind = try row.next()
        scopeID = try row.next()
        scopePath = StoredValues.array(try row.next(String?.self))
        expiresAt = try row.next()
        grantedBy = try row.next()
        createdAt = try row.next()
    }

    /// The grant as the policy sees it under `ladder`.
    package func policyGrant(ladder: GradeLadder) -> Grant {
        let role = Role(id: EntityID(uuid: roleID) ?? EntityID(0), name: roleName,
                        permissions: (try? PermissionSet(names: permissions)) ?? PermissionSet(),
                        minimumGrade: minimumGrade.flatMap { try? ladder.parse($0) })
        let path = TreePath(scopePath.compactMap { EntityID(uuid: $0) })
        let scope: Scope = switch scopeKind {
        case "unit": .unit(path)
        case "region": .region(path)
        default: .tenant
        }
        return Grant(id: EntityID(uuid: id) ?? EntityID(0), subject: EntityID(uuid: subjectID) ?? EntityID(0),
                     role: role, scope: scope, expiresAt: expiresAt.map { Timestamp(secondsSinceEpoch: $0) },
                     grantor: grantedBy.flatMap { EntityID(uuid: $0) })
    }

    /// The grant as read as it would be with its role edited to `role`.
    package func with(role: Role, ladder: GradeLadder) -> StoredGrant {
        var grant = self
        grant.roleName = role.name
        grant.permissions = role.permissions.names
        grant.minimumGrade = role.minimumGrade.map { ladder.name(of: $0) }
        return grant
    }

    /// The grant's JSON: who holds which role over what, until when, granted by whom.
    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.key("subject")
        json.beginObject()
        json.field("kind", subjectKind)
        json.field("id", subjectID)
        json.endObject()
        json.key("role")
        json.beginObject()
        json.field("id", roleID)
        json.field("name", roleName)
        json.endObject()
        json.key("scope")
        json.beginObject()
        json.field("kind", scopeKind)
        if let scopeID { json.field("id", scopeID) }
        if scopeKind != "tenant" { json.field("path", strings: scopePath) }
        json.endObject()
        json.field("expires_at", expiresAt.map(AccessJSON.rfc3339))
        json.field("granted_by", grantedBy)
        json.field("created_at", createdAt)
        json.endObject()
    }

}

package enum GrantStore {
    /// A grant's scope path as its unit or region sits today, not as stored when granted: a unit
    /// moved since (or by a move dated in the past, or one that took effect at midnight) keeps its
    /// grants' reach over its subtree. Falls back to the stored path for a scope that no longer
    /// resolves. Callers are cached at most 60 seconds, and moves NOTIFY orgd_access.
    static let liveScopePath: PGQuery = """
        CASE g.scope_kind WHEN 'unit' THEN coalesce(orgd_unit_path(g.scope_id)::text, g.scope_path::text)
                          WHEN 'region' THEN coalesce(orgd_region_path(g.scope_id)::text, g.scope_path::text)
                          ELSE g.scope_path::text END
        """

    /// `StoredGrant`'s columns, in its decoding order, over `grants g JOIN roles r` (see `from`).
    static let columns: PGQuery = """
        g.id::text, g.subject_kind, g.subject_id::text, g.role_id::text,
        r.name, r.permissions::text, r.minimum_grade, g.scope_kind,
        g.scope_id::text, \(unescaped: liveScopePath),
        extract(epoch FROM g.expires_at)::bigint, g.granted_by::text,
        to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        """

    static let from: PGQuery = "grants g JOIN roles r ON r.tenant_id = g.tenant_id AND r.id = g.role_id"

    /// The grants held by one user or API key, oldest first.
    package static func of(_ subject: String, _ connection: PGConnection) async throws -> [StoredGrant] {
        try await connection.query("""
            SELECT \(unescaped: columns) FROM \(unescaped: from) WHERE g.subject_id = \(subject)::uuid ORDER BY g.created_at, g.id
            """).decode()
    }

    /// Every grant of the tenant, oldest first.
    package static func all(_ connection: PGConnection) async throws -> [StoredGrant] {
        try await connection.query("SELECT \(unescaped: columns) FROM \(unescaped: from) ORDER BY g.created_at, g.id").decode()
    }

    package static func find(_ connection: PGConnection, id: String) async throws -> StoredGrant? {
        try await connection.query("SELECT \(unescaped: columns) FROM \(unescaped: from) WHERE g.id = \(id)::uuid").decodeFirst()
    }

    /// One page in id order, `limit + 1` at most: of `subject` and of `role` when given, and only
    /// grants whose scope lies inside one of `within` (every grant when it holds `.tenant`).
    package static func page(_ connection: PGConnection, after: String?, limit: Int, subject: String?, role: String?,
                             within scopes: [Scope]) async throws -> [StoredGrant] {
        var query: PGQuery = """
            SELECT \(unescaped: columns) FROM \(unescaped: from)
            WHERE (\(after)::uuid IS NULL OR g.id > \(after)::uuid)
              AND (\(subject)::uuid IS NULL OR g.subject_id = \(subject)::uuid)
              AND (\(role)::uuid IS NULL OR g.role_id = \(role)::uuid)
            """
        if !scopes.contains(.tenant) {
            query.append(" AND (false")
            for scope in scopes {
                switch scope {
                case .unit(let path), .region(let path):
                    query.append("""
                         OR (g.scope_kind = \(scope.isUnit ? "unit" : "region") AND g.scope_path[1:\(path.depth)::int] = \(path.ids.map(\.description))::text[])
                        """)
                case .tenant:
                    break
                }
            }
            query.append(")")
        }
        query.append(" ORDER BY g.id LIMIT \(limit)")
        return try await connection.query(query).decode()
    }

    /// Grants by id, each with its grantee's grades (the user's own text, founder flag and today's
    /// post grades; nil and empty for API keys).
    package static func withGrantees(_ connection: PGConnection, ids: [String])
        async throws -> [(grant: StoredGrant, grade: String?, founder: Bool, postGrades: [String])] {
        struct Row: PGRowDecodable {
            var grant: StoredGrant
            var grade: String?
            var founder: Bool?
            var postGrades: String?
            init(row: inout PGRowReader) throws {
                grant = try StoredGrant(row: &row)
                grade = try row.next()
                founder = try row.next()
                postGrades = try row.next()
            }
        }
        let rows: [Row] = try await connection.query("""
            SELECT \(unescaped: columns), u.grade, u.is_founder,
                   \(unescaped: PGQuery(unsafeSQL: EffectiveGrade.postGradesSQL(person: "u.person_id")))
            FROM \(unescaped: from)
            LEFT JOIN users u ON u.tenant_id = g.tenant_id AND u.id = g.subject_id
            WHERE g.id = ANY(\(ids)::uuid[])
            """).decode()
        return rows.map { ($0.grant, $0.grade, $0.founder ?? false, StoredValues.array($0.postGrades)) }
    }

    /// The grant of `role` to `subject` over that scope, if one exists.
    package static func duplicate(_ connection: PGConnection, subject: String, role: String, scopeKind: String,
                                  scopeID: String?) async throws -> String? {
        try await connection.query("""
            SELECT id::text FROM grants
            WHERE subject_id = \(subject)::uuid AND role_id = \(role)::uuid AND scope_kind = \(scopeKind)
              AND scope_id IS NOT DISTINCT FROM \(scopeID)::uuid
            """ as PGQuery).decodeFirst(String.self)
    }

    /// Stores a grant made by `grantor`; the grant as read back.
    package static func create(_ connection: PGConnection, subjectKind: String, subject: String, role: String, scopeKind: String,
                               scopeID: String?, scopePath: [String]?, expiresAt: String?, grantor: String) async throws -> StoredGrant {
        let id = try await connection.query("""
            INSERT INTO grants (tenant_id, subject_kind, subject_id, role_id, scope_kind, scope_id, scope_path, expires_at, granted_by)
            VALUES (orgd_current_tenant(), \(subjectKind), \(subject)::uuid, \(role)::uuid, \(scopeKind), \(scopeID)::uuid,
                    \(scopePath)::text[], \(expiresAt)::timestamptz, \(grantor)::uuid)
            RETURNING id::text
            """ as PGQuery).decodeFirst(String.self)!
        return try await find(connection, id: id)!
    }

    package static func delete(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("DELETE FROM grants WHERE id = \(id)::uuid" as PGQuery)
    }
}
