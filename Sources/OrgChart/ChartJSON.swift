// JSON export of a chart: the tree answer (`/tree`) plus what a file needs to stand alone —
// unit codes, each seat's headcount text and vacant seats, holders' employee numbers (contact
// only where people.read_private allows) and the hand-off links inside the subtree. A unit opens
// with the members every unit answer opens with (UnitHead.writeHead, as the tree and the single
// unit) and a seat counts its seats as the tree's do (Holders.writeCounts).

import App
import ChartRender
import HTTP

package enum ChartJSON {
    package static func document(_ chart: Chart) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("as_of", chart.asOf)
        json.field("depth", chart.depth)
        json.key("unit"); write(chart.root, chart, to: &json)
        json.key("handoffs")
        json.beginArray()
        for link in chart.handoffs {
            json.beginObject()
            json.field("from_unit_id", link.fromID)
            json.field("from_name", link.fromName)
            json.field("to_unit_id", link.toID)
            json.field("to_name", link.toName)
            json.field("note", link.note)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    package static func write(_ unit: ChartUnit, _ chart: Chart, to json: inout JSONWriter) {
        json.beginObject()
        unit.writeHead(to: &json)
        json.field("planned_establishment", unit.plannedEstablishment)
        json.key("positions")
        json.beginArray()
        for seat in unit.seats {
            json.beginObject()
            json.field("id", seat.id)
            json.field("title", seat.title)
            if let number = seat.titleNo { json.field("title_no", number) }
            json.field("grade", seat.grade)
            json.field("kind", seat.kind)
            json.field("headcount", seat.headcount)
            Holders.writeCounts(establishment: seat.establishment, filled: seat.holders.count, to: &json)
            if let manager = seat.reportsTo {
                json.key("reports_to")
                json.beginObject()
                json.field("unit_code", manager.unitCode)
                json.field("title", manager.title)
                if let number = manager.titleNo { json.field("title_no", number) }
                json.endObject()
            }
            json.field("duties", strings: seat.duties)
            json.key("holders")
            json.beginArray()
            for holder in seat.holders {
                json.beginObject()
                json.field("person_id", holder.personID)
                json.field("name", holder.name)
                json.field("employee_no", holder.employeeNo)
                json.field("kind", holder.kind)
                json.field("since", holder.since)
                json.field("until", holder.until)
                if let region = holder.regionCode { json.field("region_code", region) }
                if let contact = chart.people[holder.personID]?.contact {
                    json.field("contact", .object(contact.map { ($0.0, .string($0.1)) }))
                }
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.key("children")
        json.beginArray()
        for child in unit.children { write(child, chart, to: &json) }
        json.endArray()
        json.endObject()
    }
}

/// The export's unit opens like every unit answer; its functions are written from their items.
extension ChartUnit: UnitHead {
    package func writeFunctions(to json: inout JSONWriter) {
        json.beginArray()
        for function in functions { json.string(function) }
        json.endArray()
    }
}
