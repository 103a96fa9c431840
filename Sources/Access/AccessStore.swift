// Reading and writing the tenant's ladder, roles and grants. Every function runs inside the
// caller's transaction, whose tenant row-level security has already set.

import App
import Foundation
import Policy
import Postgres

package enum AccessStore {
    package struct GrantRow: Sendable {
        package var id: String
        package var subjectKind: String
        package var subjectID: String
        package var roleID: String
        package var roleName: String
        package var permissions: [String]
        package var minimumGrade: String?
        package var scopeKind: String
        package var scopeID: String?
        package var scopePath: [String]
        package var expiresAt: Int64?
        package var grantedBy: String?
        package var createdAt: String? = nil

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
    }

    /// A grant's scope path as its unit or region sits today, not as stored when granted: a unit
    /// moved since (or by a move dated in the past, or one that took effect at midnight) keeps its
    /// grants' reach over its subtree. Falls back to the stored path for a scope that no longer
    /// resolves. Callers are cached at most 60 seconds, and moves NOTIFY orgd_access.
    package static let liveScopePath = """
        CASE g.scope_kind WHEN 'unit' THEN coalesce(orgd_unit_path(g.scope_id)::text, g.scope_path::text)
                          WHEN 'region' THEN coalesce(orgd_region_path(g.scope_id)::text, g.scope_path::text)
                          ELSE g.scope_path::text END
        """

    package static let grantColumns = """
        g.id::text AS id, g.subject_kind, g.subject_id::text AS subject_id, g.role_id::text AS role_id,
        r.name AS role_name, r.permissions::text AS permissions, r.minimum_grade, g.scope_kind,
        g.scope_id::text AS scope_id, \(liveScopePath) AS scope_path,
        extract(epoch FROM g.expires_at)::bigint AS expires, g.granted_by::text AS granted_by,
        to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at
        """

    package static func grantRow(_ row: PGRow) -> GrantRow {
        GrantRow(id: row.string("id") ?? "", subjectKind: row.string("subject_kind") ?? "user",
                 subjectID: row.string("subject_id") ?? "", roleID: row.string("role_id") ?? "",
                 roleName: row.string("role_name") ?? "", permissions: StoredValues.array(row.string("permissions")),
                 minimumGrade: row.string("minimum_grade"), scopeKind: row.string("scope_kind") ?? "tenant",
                 scopeID: row.string("scope_id"), scopePath: StoredValues.array(row.string("scope_path")),
                 expiresAt: row.string("expires").flatMap { Int64($0) }, grantedBy: row.string("granted_by"),
                 createdAt: row.string("created_at"))
    }

    /// The grants held by one user or API key.
    package static func grants(of subject: String, _ connection: PGConnection) async throws -> [GrantRow] {
        let rows = try await connection.query("""
            SELECT \(grantColumns)
            FROM grants g JOIN roles r ON r.tenant_id = g.tenant_id AND r.id = g.role_id
            WHERE g.subject_id = $1::uuid ORDER BY g.created_at, g.id
            """, [subject])
        return rows.map(grantRow)
    }

    /// The tenant's ladder and restructuring rule; the standard ladder if none is stored.
    package static func ladder(_ connection: PGConnection) async throws -> (GradeLadder, RestructureRule) {
        let rows = try await connection.query("SELECT tiers::text AS tiers, restructure_tier FROM grade_ladders")
        guard let row = rows.first, let json = row.string("tiers") else {
            return (.standard, RestructureRule(ladder: .standard))
        }
        let ladder = (try? decodeLadder(json)) ?? .standard
        let tier = row.string("restructure_tier") ?? "A+"
        let rule = (try? RestructureRule(ladder: ladder, actorTier: tier, unitTier: ladder.tierName(min(1, ladder.tiers.count - 1))))
            ?? RestructureRule(ladder: ladder)
        return (ladder, rule)
    }

    package struct TierJSON: Codable { var tier: String; var levels: Int }

    package static func decodeLadder(_ json: String) throws -> GradeLadder {
        let tiers = try JSONDecoder().decode([TierJSON].self, from: Data(json.utf8))
        return try GradeLadder(tiers: tiers.map { GradeLadder.Tier($0.tier, levels: $0.levels) })
    }

}

import HTTP
