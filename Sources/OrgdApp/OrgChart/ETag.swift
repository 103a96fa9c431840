// Optimistic concurrency for org-chart resources: the ETag is the resource's revision, raised
// by every change; `If-Match` on an update or delete must name the current one (or be "*"),
// otherwise 412 and nothing changes. Two HR users editing one position: the second gets 412.

import Foundation
import HTTP

enum ETag {
    static func value(_ revision: Int) -> String { "\"\(revision)\"" }

    /// Throws 412 when the request carries If-Match and none of its tags is `revision`.
    static func check(_ context: RequestContext, revision: Int) throws {
        guard let header = context.request.headers["If-Match"] else { return }
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

    /// A JSON response carrying the resource's ETag.
    static func response(_ status: Int = 200, revision: Int?, body: [UInt8]) -> HTTPResponse {
        var response = HTTPResponse(status: status, contentType: "application/json", body: body)
        if let revision { response.headers.add("ETag", value(revision)) }
        return response
    }
}
