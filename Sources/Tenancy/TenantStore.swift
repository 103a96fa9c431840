// Creating a tenant: the company row, the standard grade ladder, the default roles, and a first
// administrator with a one-time setup secret as its password. Used by `orgd tenant create` and
// by the platform API; one transaction, so a tenant is either complete or absent.

import App
import Foundation
import HTTP
import Policy
import Postgres

package enum TenantStore {
    package struct Created: Sendable {
        package var id: String
        package var slug: String
        package var name: String
        package var adminLogin: String
        package var setupSecret: String
    }

    package static let slugRule = "lower-case letters, digits and hyphens, 2 to 63 characters, starting with a letter or digit"

    package static func validate(slug: String, name: String) throws {
        let ok = slug.utf8.count >= 2 && slug.utf8.count <= 63
            && slug.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
            && slug.utf8.first != 45
        guard ok else { throw Problem.invalid("slug", rule: "format", "slug must be \(slugRule)") }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw Problem.invalid("name", rule: "length", "name must be 1 to 200 characters")
        }
    }

    /// Creates the tenant inside `connection`'s open transaction (platform mode is set here).
    package static func create(slug: String, name: String, adminLogin: String = "admin",
                               on connection: PGConnection) async throws -> Created {
        try validate(slug: slug, name: name)
        _ = try await connection.query("SELECT set_config('orgd.platform', 'on', true)")
        let inserted: PGResult
        do {
            inserted = try await connection.query(
                "INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING id::text AS id", [slug, name.trimmingCharacters(in: .whitespacesAndNewlines)])
        } catch {
            guard error.isUniqueViolation else { throw error }
            throw Problem.conflict("TENANT_SLUG_TAKEN", "a tenant with slug \(slug) already exists")
        }
        let id = inserted.string(0, "id")!
        _ = try await connection.query("SELECT set_config('orgd.tenant_id', $1, true)", [id])
        _ = try await connection.query("INSERT INTO grade_ladders (tenant_id, tiers) VALUES ($1::uuid, $2::jsonb)",
                                       [id, StoredValues.ladderJSON(.standard)])
        var administratorRole = ""
        for template in DefaultRoles.all {
            let role = try await connection.query("""
                INSERT INTO roles (tenant_id, name, permissions, builtin, description)
                VALUES ($1::uuid, $2, $3::text[], true, $4) RETURNING id::text AS id
                """, [id, template.name, template.permissions.names, "default role: \(template.key)"])
            if template.key == DefaultRoles.administrator.key { administratorRole = role.string(0, "id")! }
        }
        let secret = Base64URL.encode(Crypto.randomBytes(18))
        let hash = await HashingPool.shared.run { PasswordHasher().hash(secret) }
        let user = try await connection.query("""
            INSERT INTO users (tenant_id, login, display_name, password_hash, is_founder)
            VALUES ($1::uuid, $2, 'Administrator', $3, true) RETURNING id::text AS id
            """, [id, adminLogin, hash])
        let userID = user.string(0, "id")!
        _ = try await connection.query("""
            INSERT INTO grants (tenant_id, subject_kind, subject_id, role_id, scope_kind)
            VALUES ($1::uuid, 'user', $2::uuid, $3::uuid, 'tenant')
            """, [id, userID, administratorRole])
        return Created(id: id, slug: slug, name: name, adminLogin: adminLogin, setupSecret: secret)
    }

    /// A login: 1 to 64 characters, no spaces or colons (the tenant admin's and every user's).
    package static func validateLogin(_ login: String) throws {
        // Lengths count Unicode scalars, as JSON Schema's maxLength does.
        guard (1...64).contains(login.unicodeScalars.count), !login.contains(where: { $0.isWhitespace || $0 == ":" }) else {
            throw Problem.invalid("login", rule: "format", "login must be 1 to 64 characters without spaces or colons")
        }
    }
}
