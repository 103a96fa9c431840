// GET /v1/cases/changes?from=&to=: every case's steps between two days (UTC, inclusive), oldest
// first, each with its case's number and state now — the cases' change feed beside the audit
// log. A row is shown only to a caller who may read its case (case.read over its unit or region).

import App
import HTTP
import OrgChart
import Policy
import Postgres

package struct CaseChange: Sendable, PGRowDecodable {
    package var record: CaseRecord
    package var event: CaseEvent

    /// Reads `CaseStore.columns` then `CaseEventStore.columns`.
    package init(row: inout PGRowReader) throws {
        record = try CaseRecord(row: &row)
        event = try CaseEvent(row: &row)
    }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("case_id", record.id)
        json.field("number", record.number)
        json.field("state_now", record.stateText)
        json.key("event"); event.write(to: &json)
        json.endObject()
    }
}

package enum CaseChanges {
    package struct Parameters: Sendable {
        var from: String
        var to: String
    }

    static func changes(_ connection: PGConnection, _ parameters: Parameters, after: String?, limit: Int) async throws -> [CaseChange] {
        try await connection.query("""
            SELECT \(unescaped: CaseStore.columns), \(unescaped: CaseEventStore.columns)
            FROM case_events e JOIN cases c ON c.tenant_id = e.tenant_id AND c.id = e.case_id
            WHERE e.at >= \(parameters.from)::date AND e.at < \(parameters.to)::date + 1
              AND (\(after)::bigint IS NULL OR e.id > \(after)::bigint)
            ORDER BY e.id LIMIT \(limit)
            """).decode()
    }

    package static let list = FilteredList<Parameters, CaseChange>(
        action: .caseRead,
        parameters: { context in
            let from = try OrgDate.asOf(context, parameter: "from")
            let to = try OrgDate.asOf(context, parameter: "to")
            if to < from { throw Problem.invalidQuery("to", rule: "not_before_from", "to (\(to)) is before from (\(from))") }
            return Parameters(from: from, to: to)
        },
        fetch: { call, page, connection in try await changes(connection, call.body, after: page.after, limit: page.limit + 1) },
        target: { caller, change in change.record.target(caller) },
        cursor: \.event.id,
        cursorIsValid: { Int64($0) != nil },
        write: { _, change, json in change.write(to: &json) })
}
