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

/// What a chart writes of a position (`Holders.writeSeat`): a full `Position`, or the tree's
/// leaner `TreeQuery.Seat`.
package protocol SeatHead {
    var id: String { get }
    var title: String { get }
    var unitID: String { get }
    var grade: String? { get }
    var kind: String { get }
    var headcount: Headcount.Stored { get }
    var establishment: Int? { get }
    var reportsTo: String? { get }
}

extension Position: SeatHead {}

package enum Holders {
    /// Holders by position id, in start order, then by name.
    package static func fetch(_ connection: PGConnection, positions: [String], on date: String) async throws -> [String: [Holder]] {
        guard !positions.isEmpty else { return [:] }
        let seats = try await AssignmentStore.seats(connection, positions: positions, on: date)
        let names = try await PersonStore.names(connection, ids: Set(seats.map(\.personID)), on: date)
        var holders: [String: [Holder]] = [:]
        for seat in seats {
            holders[seat.positionID, default: []].append(Holder(
                assignmentID: seat.id, personID: seat.personID, name: names[seat.personID] ?? "",
                kind: seat.kind, startDate: seat.startDate, regionID: seat.regionID))
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

    /// `establishment`, `filled`, `vacant`: a seat's counts, written alike by the tree's seats
    /// (`writeSeat`) and the export's (ChartJSON). Vacant is null without an establishment.
    package static func writeCounts(establishment: Int?, filled: Int, to json: inout JSONWriter) {
        json.field("establishment", establishment)
        json.field("filled", filled)
        json.field("vacant", establishment.map { max(0, $0 - filled) })
    }

    /// A position with its holders and vacant seats, as the chart queries answer it.
    package static func writeSeat(_ position: some SeatHead, _ holders: [Holder], to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", position.id)
        json.field("title", position.title)
        json.field("unit_id", position.unitID)
        json.field("grade", position.grade)
        json.field("kind", position.kind)
        json.key("headcount"); position.headcount.write(to: &json)
        writeCounts(establishment: position.establishment, filled: holders.count, to: &json)
        json.field("reports_to", position.reportsTo)
        json.key("holders"); write(holders, to: &json)
        json.endObject()
    }
}
