// GETs of effective-dated things by their path id, as they were on `as_of` (default today), 404
// when they did not exist that day: one resource (units and regions), decided on itself and
// answered with its revision as the ETag; and a unit's subtree (the tree, the headcount report,
// the exports), decided on its root before anything below it is read; with `?scenario=ID`, as
// that scenario would leave the org (ScenarioReplay.overlay).

import App
import HTTP
import Policy
import Postgres

package enum DatedRead {
    package static func endpoint<Resource: Sendable>(
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

/// What a read of a unit's subtree knows once its root is loaded and allowed: the root unit as
/// it was on `date`, and the read's own query options (depth, format …).
package struct SubtreeRequest<Options: Sendable>: Sendable {
    package var root: Unit
    package var date: String
    package var options: Options
    package var scenario: Scenario? = nil       // `?scenario=ID`: read as the scenario would leave the org
}

extension DatedRead {
    /// GET of a unit's subtree on `as_of` (the tree, the headcount report, the exports): the
    /// unit of the path is read (404 when it did not exist that day) and decided (unit.read)
    /// before anything below it is read, in the same transaction, so a refused caller costs one
    /// row. `options` reads the query's own parameters (400 naming the parameter) after `as_of`.
    static func subtree<Options: Sendable, Value: Sendable>(
        options: @escaping @Sendable (RequestContext) throws -> Options,
        read: @escaping @Sendable (Call<NoBody>, SubtreeRequest<Options>, PGConnection) async throws -> Value,
        answer: @escaping @Sendable (Call<NoBody>, SubtreeRequest<Options>, Value) throws -> HTTPResponse
    ) -> Endpoint<NoBody, SubtreeRequest<Options>, (request: SubtreeRequest<Options>, value: Value)> {
        Endpoint(
            action: .unitRead, resource: "unit",
            load: { call, connection in
                let id = try call.pathID(resource: "unit")
                // `?scenario=ID`: the org as the scenario would leave it, on its day unless as_of says another
                let scenario = try await ScenarioReplay.overlay(call.context, call.caller, connection)
                let date = call.query("as_of") == nil ? scenario?.effectiveDate ?? OrgDate.today : try OrgDate.asOf(call.context)
                let options = try options(call.context)
                guard let root = try await UnitStore.unit(connection, id: id, on: date) else { throw Problem.notFound("unit") }
                return SubtreeRequest(root: root, date: date, options: options, scenario: scenario)
            },
            target: { call, request in request.root.target(call.caller) },
            targetID: { _, request in request.root.id },
            perform: { call, request, connection in
                let value = try await read(call, request, connection)
                try await ScenarioReplay.end(request.scenario, connection)
                return (request, value)
            },
            encode: { call, output in try answer(call, output.request, output.value) })
    }
}
