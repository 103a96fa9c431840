// /v1/api-keys: keys for integrations. The secret is returned once, at creation; only its
// SHA-256 digest is stored. Revoking takes effect on every orgd instance within a second.

import App
import Foundation
import HTTP
import Policy
import Postgres

package enum APIKeyRoutes {
    /// The tenant's keys, live and revoked, in id order.
    package static let list = Endpoint<NoBody, Page, (page: Page, keys: [APIKey])>(
        action: .apiKeyRead, resource: "api_key",
        load: { call, _ in try Page(call.context) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, page, connection in
            (page, try await APIKeyStore.list(connection, after: page.after, limit: page.limit + 1))
        },
        encode: { _, listed in listed.page.response(listed.keys, cursor: \.id) { key, json in key.write(to: &json) } })

    package struct CreateBody: Decodable, Sendable {
        package var name: String
        package var expires_at: String?
    }

    /// A new key; its secret is in this answer and nowhere else, ever.
    package static let create = Endpoint<CreateBody, (text: String, digest: [UInt8]), (key: APIKey, secret: String)>(
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
                guard seconds > Timestamp.now.secondsSinceEpoch else {
                    throw Problem.invalid("expires_at", rule: "future", "expires_at must be in the future")
                }
            }
        },
        load: { call, _ in Credential.issue(.apiKey, tenantID: call.caller.tenantID) },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, issued, connection in
            guard let key = try await APIKeyStore.create(connection, tenant: call.caller.tenantID!, name: call.body.name,
                                                         digest: issued.digest, createdBy: call.caller.subjectID,
                                                         expiresAt: call.body.expires_at) else {
                throw Problem.conflict("API_KEY_NAME_TAKEN", "a live API key named \(call.body.name) already exists")
            }
            return (key, issued.text)
        },
        audit: { _, _, made in Audited("api_key.create", resource: "api_key", id: made.key.id, after: made.key.json) },
        encode: { _, made in JSONResponse.make(201) { json in made.key.write(to: &json, secret: made.secret) } })

    /// Revokes a key (again is fine); every orgd instance stops accepting it within a second.
    package static let revoke = Endpoint<NoBody, String, APIKey>(
        tenantWide: .apiKeyRevoke, resource: "api_key", shownAs: "API key",
        find: { try await APIKeyStore.revoke($0, id: $1) },
        audit: { _, id, key in Audited("api_key.revoke", resource: "api_key", id: id, after: key.json) },
        committed: { call, _ in call.context.resources.callers.invalidate(tenant: call.caller.tenantID!) },
        encode: { _, _ in JSONResponse.noContent })
}
