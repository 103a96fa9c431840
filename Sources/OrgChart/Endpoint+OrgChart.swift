// What the org chart's declared endpoints and models share: the audit writer that also dates the
// change (org_changes), bodies that may be left out (archive, end), the 201 of a creation and a
// model's JSON bytes.

import App
import HTTP
import Postgres

package enum OrgChangeAudit {
    /// `Endpoint.writeAudit` for org-chart changes: the audit row and the org_changes row of the
    /// day the change takes effect (`Audited.effective`), in the change's transaction.
    package static let writer: AuditWriter = { entry, context, caller, connection in
        try await OrgChange.record(connection, context, caller, action: entry.action, resource: entry.resource,
                                   id: entry.id ?? "", effective: entry.effective ?? OrgDate.today,
                                   before: entry.before, after: entry.after)
    }
}

extension Call {
    /// The request's JSON body as a `T`, or `empty` when the request has none (POST …/archive
    /// with no body archives today). For endpoints declared with `NoBody`.
    package func optionalBody<T: Decodable>(_ empty: T) throws -> T {
        request.body.isEmpty ? empty : try context.body(T.self)
    }
}

extension HTTPResponse {
    /// The answer with a `Location` header naming the resource just created.
    package func located(_ path: String) -> HTTPResponse {
        var response = self
        response.headers.add("Location", path)
        return response
    }
}

