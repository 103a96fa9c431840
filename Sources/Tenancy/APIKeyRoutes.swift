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

    /// The tenant's keys, live and revoked, in id order.
    package static let list = Endpoint<NoBody, Page, (page: Page, rows: PGResult)>(
        action: .apiKeyRead, resource: "api_key",
        load: { call, _ in try Page(call.context) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, page, connection in
            (page, try await connection.query("SELECT \(columns) FROM api_keys WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY api_keys.id LIMIT $2",
                                              [page.after, page.limit + 1]))
        },
        encode: { _, listed in listed.page.response(listed.rows) { row, json in write(row, to: &json) } })

    package struct CreateBody: Decodable, Sendable {
        package var name: String
        package var expires_at: String?
    }

    /// A new key; its secret is in this answer and nowhere else, ever.
    package static let create = Endpoint<CreateBody, (text: String, digest: [UInt8]), (row: PGRow, secret: String)>(
        audience: .user, action: .apiKeyCreate, resource: "api_key",
        check: { call in
            let body = call.body
            guard (1...100).contains(body.name.trimmingCharacters(in: .whitespaces).count) else {
                throw Problem.invalid("name", rule: "length", "name must be 1 to 100 characters")
            }
            if let expires = body.expires_at {
                guard let seconds = Timestamps.dateTime(expires) else {
                    throw Problem.invalid("expires_at", rule: "format", "expires_at must be an RFC 3339 time such as 2027-01-31T00:00:00Z")
                }
                guard seconds > Int64(UTCClock.seconds()) else {
                    throw Problem.invalid("expires_at", rule: "future", "expires_at must be in the future")
                }
            }
        },
        load: { call, _ in Credential.issue(.apiKey, tenantID: call.caller.tenantID) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, issued, connection in
            do {
                let row = try await connection.query("""
                    INSERT INTO api_keys (tenant_id, name, digest, created_by, expires_at)
                    VALUES ($1::uuid, $2, $3::bytea, $4::uuid, $5::timestamptz) RETURNING \(columns)
                    """, [call.caller.tenantID!, call.body.name, "\\x" + issued.digest.hex, call.caller.subjectID,
                          call.body.expires_at])[0]
                return (row, issued.text)
            } catch let error as PGError where error.isUniqueViolation {
                throw Problem.conflict("API_KEY_NAME_TAKEN", "a live API key named \(call.body.name) already exists")
            }
        },
        audit: { _, _, made in Audited("api_key.create", resource: "api_key", id: made.row.string("id"), after: json(made.row)) },
        encode: { _, made in JSONResponse.make(201) { json in write(made.row, secret: made.secret, to: &json) } })

    /// Revokes a key (again is fine); every orgd instance stops accepting it within a second.
    package static let revoke = Endpoint<NoBody, String, PGRow>(
        action: .apiKeyRevoke, resource: "api_key",
        load: { call, _ in try call.pathID(resource: "API key") },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        targetID: { _, id in id },
        perform: { _, id, connection in
            let rows = try await connection.query(
                "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1::uuid RETURNING \(columns)", [id])
            guard let row = rows.first else { throw Problem.notFound("API key") }
            return row
        },
        audit: { _, id, row in Audited("api_key.revoke", resource: "api_key", id: id, after: json(row)) },
        committed: { call, _ in call.context.resources.callers.invalidate(tenant: call.caller.tenantID!) },
        encode: { _, _ in JSONResponse.noContent })

    package static func json(_ row: PGRow) -> [UInt8] {
        var json = JSONWriter()
        write(row, to: &json)
        return json.bytes
    }
}
