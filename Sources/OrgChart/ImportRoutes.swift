// POST /v1/org/import: units, positions, people and assignments from a file, all or nothing in
// one transaction. `Content-Type: text/csv` with `?resource=units|positions|people|assignments`
// (one file per resource, the columns of the CSV export) or `application/json` with all four
// lists at once. `effective_date` (query, or the JSON's own key) dates every change, default
// today. Bounded by the request body limit (1 MiB by default, --max-body-bytes): about 10,000
// CSV rows; split larger files by resource or by subtree.
//
// 200 {"created", "changed", "unchanged", "resources": {...}} on success; 422 IMPORT_INVALID with
// `errors: [{resource, row, field, rule, message}]` listing every refused record, and nothing
// written. `?dry_run=true` checks and counts, then rolls back.

import App
import ChartRender
import HTTP
import Policy
import Postgres

package enum ImportRoutes {
    /// Thrown out of the transaction to roll back a dry run while keeping its counts.
    package struct DryRun: Error {
        package var tallies: [String: ImportApply.Tally]
    }

    package static func importFile(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let header = context.request.headers["Content-Type"]
        let type = JSONMediaType.accepts(header) ? "application/json"
            : (header ?? "").split(separator: ";").first.map { String($0).trimmingSpaces.lowercased() } ?? ""
        let batch: ImportBatch
        switch type {
        case "text/csv":
            guard let resource = context.query("resource").flatMap(ChartCSV.Resource.init(rawValue:)) else {
                throw Problem.invalidQuery("resource", rule: "one_of",
                                           "a CSV import is one file per resource: resource must be units, positions, people or assignments")
            }
            let date = try OrgDate.asOf(context, parameter: "effective_date")
            batch = ImportBatch.csv(context.request.body, resource: resource, effectiveDate: date, ladder: caller.ladder)
        case "application/json":
            let date = try context.query("effective_date").map { _ in try OrgDate.asOf(context, parameter: "effective_date") }
            batch = try ImportBatch.json(context.request.body, effectiveDate: date, ladder: caller.ladder)
        default:
            throw Problem(status: 415, code: "UNSUPPORTED_MEDIA_TYPE", title: "Unsupported Media Type",
                          detail: "an import is text/csv (with ?resource=) or application/json", field: "Content-Type", rule: "one_of")
        }
        guard batch.errors.isEmpty else { throw invalid(batch.errors) }
        guard !batch.isEmpty else { throw Problem.invalid("", rule: "not_empty", "the file holds no records") }
        let dryRun = try context.flag("dry_run")
        let tallies: [String: ImportApply.Tally]
        do {
            tallies = try await context.transaction(caller) { connection in
                var run = ImportApply(connection: connection, context: context, caller: caller, date: batch.effectiveDate)
                try await run.run(batch)
                guard run.errors.isEmpty else { throw invalid(run.errors) }
                if dryRun { throw DryRun(tallies: run.tallies) }
                return run.tallies
            }
        } catch let dry as DryRun {
            tallies = dry.tallies
        }
        return JSONResponse.make { json in
            json.beginObject()
            json.field("created", tallies.values.map(\.created).reduce(0, +))
            json.field("changed", tallies.values.map(\.changed).reduce(0, +))
            json.field("unchanged", tallies.values.map(\.unchanged).reduce(0, +))
            json.field("dry_run", dryRun)
            json.field("effective_date", batch.effectiveDate)
            json.key("resources")
            json.beginObject()
            for resource in ChartCSV.Resource.allCases {
                let tally = tallies[resource.rawValue] ?? ImportApply.Tally()
                json.key(resource.rawValue)
                json.beginObject()
                json.field("created", tally.created)
                json.field("changed", tally.changed)
                json.field("unchanged", tally.unchanged)
                json.endObject()
            }
            json.endObject()
            json.endObject()
        }
    }

    /// 422 with every refused record, in file order.
    package static func invalid(_ errors: [ImportError]) -> Problem {
        let sorted = errors.sorted { ($0.resource, $0.row) < ($1.resource, $1.row) }
        var problem = Problem(status: 422, code: "IMPORT_INVALID", title: "Unprocessable Content",
                              detail: "\(errors.count) record(s) refused; nothing was imported", rule: "all_or_nothing")
        if let first = sorted.first { problem.field = first.field }
        problem.extra = [("errors", .array(sorted.map { error in
            .object([("resource", .string(error.resource)), ("row", .number(Double(error.row))),
                     ("field", error.field.map(JSONValue.string) ?? .null), ("rule", error.rule.map(JSONValue.string) ?? .null),
                     ("message", .string(error.message))])
        }))]
        return problem
    }
}
