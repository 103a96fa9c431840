// Optimistic concurrency for org-chart resources: the ETag is the resource's revision, raised
// by every change; `If-Match` on an update or delete must name the current one (or be "*"),
// otherwise 412 and nothing changes. Two HR users editing one position: the second gets 412.
// If-Match is optional unless the request says `Prefer: require-if-match` (RFC 7240) or the
// tenant's setting require_if_match is on (PATCH /v1/tenant/settings): then an update without it
// is refused with 428 PRECONDITION_REQUIRED, so a client, or a whole tenant, opts in to
// lost-update protection on every change that honours If-Match (all of them come through `check`).

import Foundation
import HTTP
import Postgres

package enum ETag {
    package static func value(_ revision: Int) -> String { "\"\(revision)\"" }

    /// The preference that makes If-Match required.
    package static let requirePreference = "require-if-match"

    /// `check`, where a request without If-Match is also refused when the tenant requires it
    /// (read in the caller's transaction, only for such requests).
    package static func check(_ context: RequestContext, revision: Int, _ connection: PGConnection) async throws {
        if context.request.headers["If-Match"] == nil, !requiresIfMatch(context.request.headers["Prefer"]),
           let tenantRequires: Bool = try await connection.query("SELECT require_if_match FROM tenants WHERE id = orgd_current_tenant()")
               .decodeFirst(Bool.self), tenantRequires {
            throw required(revision, because: "the tenant requires If-Match on every update")
        }
        try check(context, revision: revision)
    }

    /// Throws 412 when the request carries If-Match and none of its tags is `revision`, and 428
    /// when it carries none but prefers `require-if-match`.
    package static func check(_ context: RequestContext, revision: Int) throws {
        guard let header = context.request.headers["If-Match"] else {
            guard requiresIfMatch(context.request.headers["Prefer"]) else { return }
            throw required(revision, because: "the request prefers \(requirePreference)")
        }
        let tags = header.split(separator: ",").map { tag -> String in
            var text = tag.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("W/") { text.removeFirst(2) }
            return text
        }
        if tags.contains("*") || tags.contains(value(revision)) { return }
        var problem = Problem(status: 412, code: "PRECONDITION_FAILED", title: "Precondition Failed",
                              detail: "If-Match \(header) does not match the current ETag \(value(revision)); read it again and retry",
                              field: "If-Match", rule: "current_etag")
        problem.extra = [("current_etag", .string(value(revision)))]
        throw problem
    }

    /// 428 naming the ETag to send.
    package static func required(_ revision: Int, because reason: String) -> Problem {
        var problem = Problem(status: 428, code: "PRECONDITION_REQUIRED", title: "Precondition Required",
                              detail: "\(reason): send If-Match with the ETag last read (\(value(revision)) now)",
                              field: "If-Match", rule: "required")
        problem.extra = [("current_etag", .string(value(revision)))]
        return problem
    }

    /// True when a Prefer header lists `require-if-match` (preferences are comma-separated,
    /// each maybe with `;` parameters, compared without case).
    package static func requiresIfMatch(_ prefer: String?) -> Bool {
        guard let prefer else { return false }
        return prefer.split(separator: ",").contains { preference in
            let token = preference.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
            return token.lowercased() == requirePreference
        }
    }

    /// A JSON response carrying the resource's ETag.
    package static func response(_ status: Int = 200, revision: Int?, body: [UInt8]) -> HTTPResponse {
        var response = HTTPResponse(status: status, contentType: "application/json", body: body)
        if let revision { response.headers.add("ETag", value(revision)) }
        return response
    }
}
