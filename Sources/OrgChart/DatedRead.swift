// GET of one effective-dated resource by its path id, as it was on `as_of` (default today):
// 404 when it did not exist that day, else decided on the resource and answered with its
// revision as the ETag. Units and regions are read this way.

import App
import HTTP
import Policy
import Postgres

enum DatedRead {
    static func endpoint<Resource: Sendable>(
        _ action: Action, resource: String,
        read: @escaping @Sendable (PGConnection, _ id: String, _ date: String) async throws -> Resource?,
        target: @escaping @Sendable (Caller, Resource) -> Target,
        id: @escaping @Sendable (Resource) -> String,
        answer: @escaping @Sendable (Resource) -> HTTPResponse
    ) -> Endpoint<NoBody, Resource, Resource> {
        Endpoint(
            action: action, resource: resource,
            load: { call, connection in
                let id = try call.pathID(resource: resource)
                guard let found = try await read(connection, id, try OrgDate.asOf(call.context)) else { throw Problem.notFound(resource) }
                return found
            },
            target: { call, found in target(call.caller, found) },
            targetID: { _, found in id(found) },
            perform: { _, found, _ in found },
            encode: { _, found in answer(found) })
    }
}
