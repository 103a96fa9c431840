// /v1/api-keys: keys for integrations. The secret is returned once, at creation; only its
// SHA-256 digest is stored. Revoking takes effect on every orgd instance within a second.

import App
import Foundation
import HTTP
import Policy
import Postgres

package enum APIKeyRoutes {
    package static let columns = """
        id::text AS id, name, created_by::text AS created_by,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
        to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires_at,
        to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS revoked_at
        """

    package static func write(_ row: PGRow, secret: String? = nil, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("name", row.string("name"))
        if let secret { json.field("key", secret) }
        json.field("created_by", row.string("created_by"))
        json.field("created_at", row.string("created_at"))
        json.field("expires_at", row.string("expires_at"))
        json.field("revoked_at", row.string("revoked_at"))
        json.endObject()
    }

    package static func list(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        try await context.authorize(caller, .apiKeyRead, .tenantWide(caller.tenant), resource: "api_key", id: nil)
        let page = try Page(context)
        let rows = try await context.transaction(caller) { connection in
            try await connection.query("SELECT \(columns) FROM api_keys WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY api_keys.id LIMIT $2",
                                       [page.after, page.limit + 1])
        }
        return page.response(rows) { row, json in write(row, to: &json) }
    }

    package struct CreateBody: Decodable {
        package var name: String
        package var expires_at: String?
    }

    package static func create(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        guard caller.kind == .user else {
            throw Problem(status: 403, code: "USER_REQUIRED", title: "Forbidden", detail: "API keys are created by users, not by other keys")
        }
        let body = try context.body(CreateBody.self)
        guard (1...100).contains(body.name.trimmingCharacters(in: .whitespaces).count) else {
            throw Problem.invalid("name", rule: "length", "name must be 1 to 100 characters")
        }
        if let expires = body.expires_at, Timestamps.dateTime(expires) == nil {
            throw Problem.invalid("expires_at", rule: "format", "expires_at must be an RFC 3339 time such as 2027-01-31T00:00:00Z")
        }
        if let expires = body.expires_at, let seconds = Timestamps.dateTime(expires), seconds <= Int64(UTCClock.seconds()) {
            throw Problem.invalid("expires_at", rule: "future", "expires_at must be in the future")
        }
        try await context.authorize(caller, .apiKeyCreate, .tenantWide(caller.tenant), resource: "api_key", id: nil)
        let issued = Credential.issue(.apiKey, tenantID: caller.tenantID)
        let row = try await context.transaction(caller) { connection in
            let inserted: PGResult
            do {
                inserted = try await connection.query("""
                    INSERT INTO api_keys (tenant_id, name, digest, created_by, expires_at)
                    VALUES ($1::uuid, $2, $3::bytea, $4::uuid, $5::timestamptz) RETURNING \(columns)
                    """, [caller.tenantID!, body.name, "\\x" + issued.digest.hex, caller.subjectID, body.expires_at])
            } catch {
                guard (error as? PGError)?.isUniqueViolation == true else { throw error }
                throw Problem.conflict("API_KEY_NAME_TAKEN", "a live API key named \(body.name) already exists")
            }
            var after = JSONWriter()
            write(inserted[0], to: &after)
            try await Audit.record(connection, context, caller, action: "api_key.create", resource: "api_key",
                                   id: inserted.string(0, "id"), after: after.bytes)
            return inserted[0]
        }
        return JSONResponse.make(201) { json in write(row, secret: issued.text, to: &json) }
    }

    package static func revoke(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "API key")
        try await context.authorize(caller, .apiKeyRevoke, .tenantWide(caller.tenant), resource: "api_key", id: id)
        try await context.transaction(caller) { connection in
            let rows = try await connection.query(
                "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1::uuid RETURNING \(columns)", [id])
            guard let row = rows.first else { throw Problem.notFound("API key") }
            var after = JSONWriter()
            write(row, to: &after)
            try await Audit.record(connection, context, caller, action: "api_key.revoke", resource: "api_key", id: id, after: after.bytes)
        }
        context.resources.callers.invalidate(tenant: caller.tenantID!)
        return JSONResponse.noContent
    }
}
