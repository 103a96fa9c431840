// A position as of a day: the model every position answer is written from (GET, list, create and
// change answers, audit before/after, chains, search) and its one JSON encoder. Read by column
// position from `PositionStore.columns(on:)`, whose order `init(row:)` follows line for line.

import App
import HTTP
import Policy
import Postgres

package struct Position: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var revision: Int                       // the ETag
    package var title: String
    package var grade: String?                      // as written; may have left the tenant's ladder since
    package var headcount: Headcount.Stored
    package var duties: PGJSONBytes                 // a JSON array of strings, spliced as stored
    package var forms: PGJSONBytes
    package var kind: String                        // regular, head, trainee
    package var reportsTo: String?
    package var spanMin: Int?
    package var spanMax: Int?
    package var sortOrder: Int
    package var archived: Bool
    package var unitID: String
    package var unitName: String?                   // nil when the unit has no version that day
    package var validFrom: String
    package var validTo: String?                    // exclusive; nil while open
    package var pathIDs: String?                    // the unit's path, uuid-array text
    package var regionPath: String?                 // the unit's region's path, uuid-array text
    package var establishment: Int?                 // most seats; nil for "N" and "n+" posts
    package var filled: Int?                        // holders that day; nil when not counted

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        revision = try row.next()
        title = try row.next()
        grade = try row.next()
        headcount = Headcount.Stored(kind: try row.next(), min: try row.next(), max: try row.next())
        duties = try row.next()
        forms = try row.next()
        kind = try row.next()
        reportsTo = try row.next()
        spanMin = try row.next()
        spanMax = try row.next()
        sortOrder = try row.next()
        archived = try row.next()
        unitID = try row.next()
        unitName = try row.next()
        validFrom = try row.next()
        validTo = try row.next()
        pathIDs = try row.next()
        regionPath = try row.next()
        establishment = try row.next()
        filled = try row.next()
    }

    /// Seats nobody holds that day; nil when the post has no establishment.
    package var vacant: Int? { establishment.map { Swift.max(0, $0 - (filled ?? 0)) } }

    /// The position's JSON (docs/openapi.yaml, Position).
    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("title", title)
        json.field("unit_id", unitID)
        json.field("unit_name", unitName)
        json.field("grade", grade)
        json.key("headcount"); headcount.write(to: &json)
        json.field("establishment", establishment)
        json.field("filled", filled ?? 0)
        json.field("vacant", vacant)
        json.key("duties"); json.raw(duties.bytes)
        json.key("forms"); json.raw(forms.bytes)
        json.field("kind", kind)
        json.field("reports_to", reportsTo)
        json.key("span_of_control")
        json.beginObject()
        json.field("min", spanMin)
        json.field("max", spanMax)
        json.endObject()
        json.field("sort_order", sortOrder)
        json.field("archived", archived)
        json.field("effective_from", validFrom)
        json.field("effective_until", validTo.map(OrgDate.dayBefore))
        json.field("revision", revision)
        json.endObject()
    }

    /// The grade parsed on the tenant's ladder (nil when absent or no longer on it).
    package func grade(_ caller: Caller) -> Grade? {
        grade.flatMap { try? caller.ladder.parse($0) }
    }

    /// The policy's view: the unit's path and region, the position's grade.
    package func target(_ caller: Caller) -> Target {
        .position(caller.tenant, unit: OrgPath.tree(pathIDs) ?? TreePath([]), region: OrgPath.tree(regionPath),
                  grade: grade(caller))
    }
}
