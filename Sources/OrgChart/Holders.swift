// Who holds a set of positions on a day: the people behind a chart's seats. Vacant seats are
// computed from these and the establishment, never stored.

import App
import HTTP
import Postgres

package struct Holder {
    package var assignmentID: String
    package var personID: String
    package var name: String
    package var kind: String                // primary, concurrent (兼任), acting
    package var startDate: String
    package var regionID: String?           // the region covered, for a per-region post
}

package enum Holders {
    /// Holders by position id, in start order, then by name.
    package static func fetch(_ connection: PGConnection, positions: [String], on date: String) async throws -> [String: [Holder]] {
        guard !positions.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT a.id::text AS id, a.position_id::text AS position_id, a.person_id::text AS person_id, a.kind,
                   lower(a.valid)::text AS start_date, a.region_id::text AS region_id
            FROM assignments a WHERE a.position_id = ANY ($1::uuid[]) AND a.valid @> $2::date
            """, [positions, date])
        let names = try await PersonRoutes.names(connection, ids: Set(rows.map { $0.string("person_id")! }), on: date)
        var holders: [String: [Holder]] = [:]
        for row in rows {
            let person = row.string("person_id")!
            holders[row.string("position_id")!, default: []].append(Holder(
                assignmentID: row.string("id")!, personID: person, name: names[person] ?? "",
                kind: row.string("kind") ?? "primary", startDate: row.string("start_date") ?? "",
                regionID: row.string("region_id")))
        }
        return holders.mapValues { list in
            list.sorted { ($0.startDate, $0.name, $0.assignmentID) < ($1.startDate, $1.name, $1.assignmentID) }
        }
    }

    package static func write(_ holders: [Holder], to json: inout JSONWriter) {
        json.beginArray()
        for holder in holders {
            json.beginObject()
            json.field("assignment_id", holder.assignmentID)
            json.field("person_id", holder.personID)
            json.field("name", holder.name)
            json.field("kind", holder.kind)
            json.field("since", holder.startDate)
            if let region = holder.regionID { json.field("region_id", region) }
            json.endObject()
        }
        json.endArray()
    }

    /// A position row with its holders and vacant seats, as the chart queries answer it.
    package static func writeSeat(_ row: PGRow, _ holders: [Holder], to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", row.string("id"))
        json.field("title", row.string("title"))
        json.field("unit_id", row.string("unit_id"))
        json.field("grade", row.string("grade"))
        json.field("kind", row.string("kind"))
        json.key("headcount"); Headcount.write(row, to: &json)
        let establishment = row.int("establishment")
        json.field("establishment", establishment)
        json.field("filled", holders.count)
        json.field("vacant", establishment.map { max(0, $0 - holders.count) })
        json.field("reports_to", row.string("reports_to"))
        json.key("holders"); write(holders, to: &json)
        json.endObject()
    }
}
