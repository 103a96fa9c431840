// Values as the database stores them as text, read and written in one place: Postgres array
// literals of simple values, the ladder's JSON, RFC 3339 times from query strings and bodies.

import HTTP
import Policy

package enum StoredValues {
    /// The ladder as stored in `tenants.ladder`: `[{"tier":"A+","levels":3}, ...]`.
    package static func ladderJSON(_ ladder: GradeLadder) -> String {
        var json = JSONWriter()
        json.beginArray()
        for tier in ladder.tiers {
            json.beginObject()
            json.key("tier"); json.string(tier.name)
            json.key("levels"); json.int(tier.levels)
            json.endObject()
        }
        json.endArray()
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// Reads a one-dimensional Postgres array literal of simple values ("{a,b}", quoted items too).
    package static func array(_ text: String?) -> [String] {
        guard let text, text.count >= 2, text.first == "{", text.last == "}" else { return [] }
        let inner = text.dropFirst().dropLast()
        if inner.isEmpty { return [] }
        var items: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for char in inner {
            if escaped { current.append(char); escaped = false; continue }
            switch char {
            case "\\" where quoted: escaped = true
            case "\"": quoted.toggle()
            case "," where !quoted: items.append(current); current = ""
            default: current.append(char)
            }
        }
        items.append(current)
        return items
    }
}

/// RFC 3339 times in query strings and bodies, all read by the one strict parser (RFC3339).
package enum Timestamps {
    /// Seconds since the epoch of a date-time, or nil: for instants such as `expires_at`.
    package static func dateTime(_ text: String) -> Int64? { RFC3339.dateTime(text) }

    /// Seconds since the epoch of a date-time, or of midnight UTC of a plain date (the audit
    /// log's `from` and `to`), or nil when `text` is neither.
    package static func parse(_ text: String) -> Int64? {
        RFC3339.dateTime(text) ?? RFC3339.date(text).map { Int64(RFC3339.daysSinceEpoch($0)) * 86_400 }
    }
}
