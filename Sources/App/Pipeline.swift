// Read this file first. It is the whole path of one request through orgd:
//
//   route ─► handler (sync, or a task on the loop's executor) ─► errors as problem+json
//
// and then, inside every /v1 handler, the same steps through `RequestContext`:
//
//   authenticate (bearer → Caller, cached per loop) ─► authorize (Policy.decide; a refusal is
//   audited and answered 404/403) ─► transaction (tenant set for row-level security; a declared
//   read may run on a replica, ReadReplicas) ─► audit row in the same transaction ─► JSON
//
// Nothing here leaves the loop thread except scrypt at sign-in (HashingPool).

import EventLoop
import HTTP
import Postgres

public struct Pipeline: HTTPResponder {
    package let router: Router<RouteHandler>
    package let resources: Resources

    package init(router: Router<RouteHandler>, resources: Resources) {
        self.router = router
        self.resources = resources
    }

    public func handle(_ request: HTTPRequest, on loop: EventLoop, respond: @escaping (HTTPResponse) -> Void) {
        var request = request
        switch router.match(request.method, path: request.path) {
        case .notFound:
            respond(labelled(Problem(status: 404, code: "ROUTE_NOT_FOUND",
                                     detail: "no endpoint at \(request.path)").response, "unmatched"))
        case .methodNotAllowed(let allow):
            var response = Problem(status: 405, code: "METHOD_NOT_ALLOWED",
                                   detail: "\(request.method.rawValue) is not allowed on \(request.path); allowed: \(allow.map(\.rawValue).joined(separator: ", "))").response
            response.headers.add("Allow", allow.map(\.rawValue).joined(separator: ", "))
            respond(labelled(response, "unmatched"))
        case .found(let handler, let parameters, let pattern):
            request.pathParameters = parameters
            switch handler {
            case .sync(let body):
                respond(labelled(body(request), pattern))
            case .async(let body):
                let context = RequestContext(request: request, loop: loop, resources: resources.on(loop))
                let reply = UncheckedSendable(respond)
                Task(executorPreference: loop) {
                    let response: HTTPResponse
                    do {
                        response = try await body(context)
                    } catch let refusal as Refusal {
                        // Refused before any transaction began: no connection is held, take one.
                        response = await Pipeline.audited(refusal, context)
                    } catch {
                        response = ErrorMapping.response(for: error)
                        if response.status >= 500 && response.status != 503 {
                            Log.error("request \(context.request.requestID) \(context.request.method.rawValue) \(context.request.path) failed: \(String(reflecting: error))")
                        }
                    }
                    reply.value(labelled(response, pattern))
                }
            }
        }
    }

    /// The answer to a refusal that reached the pipeline, after auditing it. An audit that
    /// cannot be written (the database is down) turns the answer into that failure's problem:
    /// a refusal is never answered without its record.
    private static func audited(_ refusal: Refusal, _ context: RequestContext) async -> HTTPResponse {
        do {
            try await context.pool.withConnection { try await refusal.audit(on: $0, context) }
            return Problem.denied(refusal.denial).response
        } catch {
            return ErrorMapping.response(for: error)
        }
    }

    private func labelled(_ response: HTTPResponse, _ route: String) -> HTTPResponse {
        var response = response
        response.route = route
        return response
    }
}

/// Carries a loop-bound value into a task that runs on the same loop.
package struct UncheckedSendable<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}
