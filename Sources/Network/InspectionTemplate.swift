// An inspection checklist and its items, as stored: one model and one JSON each, shared by the
// template endpoints, the inspection's score lines and the audit rows. A template never changes
// once created (past totals stay explainable); a weight is kept in hundredths, as numeric(6,2) is.

import App
import HTTP
import Postgres

/// One weighted, scored line of a checklist.
package struct InspectionTemplateItem: Sendable, PGRowDecodable, JSONResource {
    package var key: String
    package var title: String
    package var weightHundredths: Int           // weight × 100: 1 … 100000
    package var maxScore: Int                   // scored 0 … maxScore
    package var mandatory: Bool

    package init(key: String, title: String, weightHundredths: Int, maxScore: Int, mandatory: Bool) {
        self.key = key
        self.title = title
        self.weightHundredths = weightHundredths
        self.maxScore = maxScore
        self.mandatory = mandatory
    }

    /// Reads the columns of `InspectionTemplateStore.itemColumns`, in their order.
    package init(row: inout PGRowReader) throws {
        key = try row.next()
        title = try row.next()
        weightHundredths = try row.next()
        maxScore = try row.next()
        mandatory = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("key", key)
        json.field("title", title)
        json.field("weight", Hundredths.value(weightHundredths))
        json.field("max_score", maxScore)
        json.field("mandatory", mandatory)
        json.endObject()
    }
}

/// A checklist: its name, whether it is archived (no new inspection may use it), and its items
/// in their order (nil in lists, which carry the count only).
package struct InspectionTemplate: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var name: String
    package var archived: Bool
    package var itemCount: Int
    package var createdAt: String
    package var items: [InspectionTemplateItem]?

    /// Reads the columns of `InspectionTemplateStore.columns`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        name = try row.next()
        archived = try row.next()
        itemCount = try row.next()
        createdAt = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("name", name)
        json.field("archived", archived)
        json.field("item_count", itemCount)
        json.field("created_at", createdAt)
        if let items {
            json.key("items")
            json.beginArray()
            for item in items { item.write(to: &json) }
            json.endArray()
        }
        json.endObject()
    }
}

/// Amounts kept in hundredths (weights, totals, thresholds): as JSON numbers and as text.
package enum Hundredths {
    /// The JSON number: 7235 → 72.35.
    package static func value(_ hundredths: Int) -> Double { Double(hundredths) / 100 }

    /// Two decimals, for messages and numeric parameters: 7235 → "72.35", 6000 → "60.00".
    package static func text(_ hundredths: Int) -> String {
        let fraction = abs(hundredths) % 100
        return (hundredths < 0 ? "-" : "") + "\(abs(hundredths) / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// A number given with at most two decimals, in hundredths; nil when it has more.
    package static func exact(_ value: Double) -> Int? {
        let scaled = value * 100
        let rounded = scaled.rounded()
        guard scaled.isFinite, abs(scaled - rounded) < 1e-6, abs(rounded) < 1e15 else { return nil }
        return Int(rounded)
    }
}
