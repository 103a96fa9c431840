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

    /// The chart in one format; a CSV is one file per resource.
    package static let export = DatedRead.subtree(
        options: { context -> (depth: Int, format: Format, resource: ChartCSV.Resource?) in
            let depth = try TreeQuery.depth(context)
            guard let format = Format(rawValue: context.query("format") ?? "json") else {
                throw Problem.invalidQuery("format", rule: "one_of", "format must be json, csv, dot or svg")
            }
            if format != .csv, let given = context.query("resource") {
                throw Problem.invalidQuery("resource", rule: "csv_only",
                                           "resource applies to format=csv only, not to \(format.rawValue) (got \(given))")
            }
            guard format == .csv else { return (depth, format, nil) }
            guard let resource = context.query("resource").flatMap(ChartCSV.Resource.init(rawValue:)) else {
                throw Problem.invalidQuery("resource", rule: "one_of",
                                           "a CSV export is one file per resource: resource must be units, positions, people or assignments")
            }
            return (depth, format, resource)
        },
        read: { call, request, connection in
            try await ExportLoader.load(connection, call.caller, root: request.root, depth: request.options.depth, on: request.date)
        },
        answer: { _, request, chart in
            let base = "\(chart.root.code)-\(request.date)"
            switch (request.options.format, request.options.resource) {
            case (.csv, let resource?):
                return file(ChartCSV.document(chart, resource), type: "text/csv; charset=utf-8; header=present",
                            name: "\(base)-\(resource.rawValue).csv")
            case (.dot, _):
                return file(ChartDOT.document(chart), type: "text/vnd.graphviz; charset=utf-8", name: "\(base).dot")
            case (.svg, _):
                return file(ChartSVG.document(chart), type: "image/svg+xml", name: "\(base).svg")
            case (.json, _), (.csv, nil):
                return file(ChartJSON.document(chart), type: "application/json", name: "\(base).json")
            }
        })
        .cached(.caller)

    /// The body with its type and an attachment name (unit codes are ASCII, so no RFC 5987).
    package static func file(_ body: [UInt8], type: String, name: String) -> HTTPResponse {
        var response = HTTPResponse(status: 200, contentType: type, body: body)
        response.headers.add("Content-Disposition", "inline; filename=\"\(name)\"")
        response.headers.add("Cache-Control", "private, no-store")
        return response
    }
}
