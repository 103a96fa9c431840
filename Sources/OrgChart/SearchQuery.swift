// GET /v1/org/search?q=&as_of=: units, positions and people whose name (or code, or employee
// number) contains q, case-insensitively. A plain substring test (strpos on lower()), so Chinese
// works without a word tokenizer; at most 50 of each kind, only those the caller may read.

import App
import HTTP
import Policy
import Postgres

package enum SearchQuery {
    /// Decided row by row, but the answer is three short lists (units, positions, people),
    /// not one paged list, so it is written by hand.
    package static func search(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let date = try OrgDate.asOf(context)
        guard let q = context.query("q"), (1...100).contains(q.trimmingCharacters(in: .whitespaces).count) else {
            throw Problem.invalidQuery("q", rule: "length", "q must be 1 to 100 characters")
        }
        let needle = q.trimmingCharacters(in: .whitespaces)
        let (units, positions, people) = try await context.transaction(caller) { connection in
            (try await UnitStore.search(connection, needle, on: date),
             try await PositionStore.search(connection, needle, on: date),
             try await PersonStore.search(connection, needle, on: date))
        }
        let now = caller.context(now: .now)
        return JSONResponse.make { json in
            json.beginObject()
            json.field("as_of", date)
            json.key("units")
            json.beginArray()
            for unit in units where decide(caller.principal, .unitRead, unit.target(caller), now).isAllowed {
                unit.write(to: &json)
            }
            json.endArray()
            json.key("positions")
            json.beginArray()
            for position in positions where decide(caller.principal, .positionRead, position.target(caller), now).isAllowed {
                position.write(to: &json)
            }
            json.endArray()
            json.key("people")
            json.beginArray()
            for person in people where decide(caller.principal, .personRead, person.target(caller), now).isAllowed {
                person.write(to: &json)
            }
            json.endArray()
            json.endObject()
        }
    }
}
