// An assignment: a person in a position from a start day to an optional last day, as primary,
// concurrent (兼任) or acting post. The model every assignment answer is written from (GET, list,
// create and end answers, audit before/after) and its one JSON encoder. Read by column position
// from `AssignmentStore.columns`, whose order `init(row:)` follows line for line.

import App
import HTTP
import Postgres

package struct Assignment: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var personID: String
    package var personName: String                 // as on the day the statement asked for
    package var positionID: String
    package var kind: String                       // primary, concurrent, acting
    package var startDate: String
    package var endAfter: String?                  // the first day no longer held; nil while open
    package var regionID: String?                  // the region covered, for a per-region post
    package var revision: Int                      // the ETag

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        personID = try row.next()
        personName = try row.next()
        positionID = try row.next()
        kind = try row.next()
        startDate = try row.next()
        endAfter = try row.next()
        regionID = try row.next()
        revision = try row.next()
    }

    /// The last day held; nil while open-ended.
    package var lastDay: String? { endAfter.map(OrgDate.dayBefore) }

    /// The assignment's JSON (docs/openapi.yaml, Assignment).
    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("person_id", personID)
        json.field("person_name", personName)
        json.field("position_id", positionID)
        json.field("kind", kind)
        json.field("start_date", startDate)
        json.field("end_date", lastDay)
        json.field("region_id", regionID)
        json.field("revision", revision)
        json.endObject()
    }
}
