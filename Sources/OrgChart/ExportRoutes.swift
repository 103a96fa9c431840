// GET /v1/units/{id}/export?format=json|csv|dot|svg&resource=&depth=&as_of=: a unit's chart
// (its subtree down to `depth`, as of a day) as a file. Authorised like the tree (unit.read on
// the root, permission org.read); contact fields appear only in JSON and the people CSV, and
// only for people the caller may read privately (people.read_private). The formats themselves
// are pure functions in Chart*.swift.

import App
import ChartRender
import HTTP
import Policy
import Postgres

package enum ExportRoutes {
    package enum Format: String, CaseIterable {
        case json, csv, dot, svg
    }

    package static func export(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let id = try context.pathID("id", resource: "unit")
        let date = try OrgDate.asOf(context)
        let depth = try TreeQuery.depth(context)
        guard let format = Format(rawValue: context.query("format") ?? "json") else {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: "format must be json, csv, dot or svg",
                          field: "format", rule: "one_of")
        }
        var resource: ChartCSV.Resource?
        if format != .csv, let given = context.query("resource") {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request",
                          detail: "resource applies to format=csv only, not to \(format.rawValue) (got \(given))",
                          field: "resource", rule: "csv_only")
        }
        if format == .csv {
            guard let value = context.query("resource").flatMap(ChartCSV.Resource.init(rawValue:)) else {
                throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request",
                              detail: "a CSV export is one file per resource: resource must be units, positions, people or assignments",
                              field: "resource", rule: "one_of")
            }
            resource = value
        }
        let loaded = try await context.transaction(caller) { connection in
            try await ExportLoader.load(connection, caller, root: id, depth: depth, on: date)
        }
        guard let (root, chart) = loaded else { throw Problem.notFound("unit") }
        try await context.authorize(caller, .unitRead, root.target(caller), resource: "unit", id: id)

        let base = "\(chart.root.code)-\(date)"
        switch format {
        case .json:
            return file(ChartJSON.document(chart), type: "application/json", name: "\(base).json")
        case .csv:
            return file(ChartCSV.document(chart, resource!), type: "text/csv; charset=utf-8; header=present",
                        name: "\(base)-\(resource!.rawValue).csv")
        case .dot:
            return file(ChartDOT.document(chart), type: "text/vnd.graphviz; charset=utf-8", name: "\(base).dot")
        case .svg:
            return file(ChartSVG.document(chart), type: "image/svg+xml", name: "\(base).svg")
        }
    }

    /// The body with its type and an attachment name (unit codes are ASCII, so no RFC 5987).
    package static func file(_ body: [UInt8], type: String, name: String) -> HTTPResponse {
        var response = HTTPResponse(status: 200, contentType: type, body: body)
        response.headers.add("Content-Disposition", "inline; filename=\"\(name)\"")
        response.headers.add("Cache-Control", "private, no-store")
        return response
    }
}
