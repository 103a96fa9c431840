// A route's handler: synchronous ones answer on the spot (health, metrics), asynchronous ones
// run as a task on the loop's own executor and may talk to Postgres.

import HTTP
import Postgres

public enum RouteHandler: Sendable {
    case sync(@Sendable (HTTPRequest) -> HTTPResponse)
    case async(@Sendable (RequestContext) async throws -> HTTPResponse)
}
