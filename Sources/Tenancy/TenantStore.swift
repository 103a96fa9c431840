// The tenants table: its model (`Tenant`, with its one JSON encoder), the tenant's own settings,
// and creating a tenant — the company row, the standard grade ladder, the default roles, and a
// first administrator with a one-time setup secret as its password. Creation is used by
// `orgd tenant create`, the demo seed and the platform API; one transaction, so a tenant is
// either complete or absent.
//
// The tenants table is visible in platform mode only (sql/0003), which `platformMode` sets for
// the rest of the transaction; a tenant reads its own settings through orgd_current_tenant().

import App
import Foundation
import HTTP
import Policy
import Postgres

/// One tenant as the platform API shows it.
package struct Tenant: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var slug: String
    package var name: String
    package var status: String                  // active | suspended
    package var createdAt: String               // RFC 3339, UTC, whole seconds
    package var updatedAt: String

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        slug = try row.next()
        name = try row.next()
        status = try row.next()
        createdAt = try row.next()
        updatedAt = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("slug", slug)
        json.field("name", name)
        json.field("status", status)
        json.field("created_at", createdAt)
        json.field("updated_at", updatedAt)
        json.endObject()
    }

}

/// A tenant's own switches (`/v1/tenant/settings`).
package struct TenantSettings: Sendable, PGRowDecodable, JSONResource {
    package var requireIfMatch: Bool

    package init(row: inout PGRowReader) throws {
        requireIfMatch = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("require_if_match", requireIfMatch)
        json.endObject()
    }
}

package enum TenantStore: TableStore {
    package typealias Row = Tenant
    package static let table: StaticString = "tenants"

    package struct Created: Sendable {
        package var id: String
        package var slug: String
        package var name: String
        package var adminLogin: String
        package var setupSecret: String
    }

    /// `Tenant`'s columns, in its decoding order.
    package static let columns: PGQuery = """
        id::text, slug, name, status,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        """

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

    /// A login: 1 to 64 characters, no spaces or colons (the tenant admin's and every user's).
    package static func validateLogin(_ login: String) throws {
        // Lengths count Unicode scalars, as JSON Schema's maxLength does.
        guard (1...64).contains(login.unicodeScalars.count), !login.contains(where: { $0.isWhitespace || $0 == ":" }) else {
            throw Problem.invalid("login", rule: "format", "login must be 1 to 64 characters without spaces or colons")
        }
    }

    // MARK: Platform mode

    /// Makes the tenants table visible for the rest of `connection`'s transaction (and no tenant's data).
    package static func platformMode(_ connection: PGConnection) async throws {
        _ = try await connection.query("SELECT set_config('orgd.platform', 'on', true)" as PGQuery)
    }

    /// Renames the tenant. Platform mode.
    package static func rename(_ connection: PGConnection, id: String, to name: String) async throws -> Tenant? {
        try await connection.query("""
            UPDATE tenants SET name = \(name), updated_at = now() WHERE id = \(id)::uuid RETURNING \(unescaped: columns)
            """).decodeFirst()
    }

    /// Suspends (`suspended`) or reactivates (`active`) the tenant. Platform mode.
    package static func setStatus(_ connection: PGConnection, id: String, to status: String) async throws -> Tenant? {
        try await connection.query("""
            UPDATE tenants SET status = \(status), updated_at = now() WHERE id = \(id)::uuid RETURNING \(unescaped: columns)
            """).decodeFirst()
    }

    // MARK: The caller's own tenant

    /// The caller's tenant's settings.
    package static func settings(_ connection: PGConnection) async throws -> TenantSettings {
        try await connection.query("SELECT require_if_match FROM tenants WHERE id = orgd_current_tenant()" as PGQuery)
            .decodeFirst()!
    }

    /// Sets require_if_match. Tenants' rows are written in platform mode only; this function
    /// (sql) changes this one setting of the current tenant.
    package static func setRequireIfMatch(_ connection: PGConnection, _ value: Bool) async throws -> TenantSettings {
        try await connection.query("SELECT orgd_set_require_if_match(\(value)::boolean)" as PGQuery).decodeFirst()!
    }

    /// Sign-in: the tenant's id and status from its slug, whoever asks (a SECURITY DEFINER function).
    package static func bySlug(_ pool: PGPool, _ slug: String) async throws -> (id: String, status: String)? {
        try await pool.query("SELECT id::text, status FROM orgd_tenant_by_slug(\(slug))" as PGQuery).decodeFirst(String.self, String.self)
    }

    /// Token checks: the tenant's status, nil when it does not exist.
    package static func status(_ connection: PGConnection, id: String) async throws -> String? {
        try await connection.query("SELECT orgd_tenant_status(\(id)::uuid)" as PGQuery).decodeFirst(String?.self) ?? nil
    }

    // MARK: Creating a tenant

    /// Creates the tenant inside `connection`'s open transaction (platform mode is set here).
    ///
    /// A new tenant's first ladder, roles and grant are written here, not through the Access
    /// area's stores: Tenancy sits below Access (a target imports only those below it), and these
    /// three statements are the tenant's bootstrap, run once per tenant.
    package static func create(slug: String, name: String, adminLogin: String = "admin",
                               on connection: PGConnection) async throws -> Created {
        try validate(slug: slug, name: name)
        try await platformMode(connection)
        let id: String
        do {
            id = try await connection.query("""
                INSERT INTO tenants (slug, name) VALUES (\(slug), \(name.trimmingCharacters(in: .whitespacesAndNewlines)))
                RETURNING id::text
                """ as PGQuery).decodeFirst(String.self)!
        } catch let error as PGError where error.isUniqueViolation {
            throw Problem.conflict("TENANT_SLUG_TAKEN", "a tenant with slug \(slug) already exists")
        }
        _ = try await connection.query("SELECT set_config('orgd.tenant_id', \(id), true)" as PGQuery)
        _ = try await connection.query("""
            INSERT INTO grade_ladders (tenant_id, tiers) VALUES (\(id)::uuid, \(StoredValues.ladderJSON(.standard))::jsonb)
            """ as PGQuery)
        var administratorRole = ""
        for template in DefaultRoles.all {
            let role = try await connection.query("""
                INSERT INTO roles (tenant_id, name, permissions, builtin, description)
                VALUES (\(id)::uuid, \(template.name), \(template.permissions.names)::text[], true, \("default role: \(template.key)"))
                RETURNING id::text
                """ as PGQuery).decodeFirst(String.self)!
            if template.key == DefaultRoles.administrator.key { administratorRole = role }
        }
        let secret = Base64URL.encode(Crypto.randomBytes(18))
        let hash = await HashingPool.shared.run { PasswordHasher().hash(secret) }
        let userID = try await UserStore.createFounder(connection, tenant: id, login: adminLogin, passwordHash: hash)
        _ = try await connection.query("""
            INSERT INTO grants (tenant_id, subject_kind, subject_id, role_id, scope_kind)
            VALUES (\(id)::uuid, 'user', \(userID)::uuid, \(administratorRole)::uuid, 'tenant')
            """ as PGQuery)
        return Created(id: id, slug: slug, name: name, adminLogin: adminLogin, setupSecret: secret)
    }
}
