// Input rules of the service network that need no database: text lengths, coordinates, days,
// counts of days. Each throws a 422 (bodies) or 400 (query parameters) naming the field and rule.

import App
import HTTP
import OrgChart

package enum NetworkRules {
    /// Text that must not be blank once trimmed and is at most `limit` characters.
    package static func required(_ text: String, field: String, limit: Int) throws {
        let count = text.trimmed.count
        guard (1...limit).contains(count) else {
            throw Problem.invalid(field, rule: "length", "\(field) must be 1 to \(limit) characters (not blank)")
        }
    }

    /// Optional text of at most `limit` characters.
    package static func optional(_ text: String?, field: String, limit: Int) throws {
        guard let text, text.count > limit else { return }
        throw Problem.invalid(field, rule: "length", "\(field) is at most \(limit) characters")
    }

    /// A WGS84 point: latitude −90…90 and longitude −180…180, both or neither.
    package static func point(latitude: Double?, longitude: Double?, prefix: String = "") throws {
        if (latitude == nil) != (longitude == nil) {
            throw Problem.invalid(prefix + (latitude == nil ? "latitude" : "longitude"), rule: "point_whole",
                                  "latitude and longitude are given together or not at all")
        }
        if let latitude, !(latitude.isFinite && (-90...90).contains(latitude)) {
            throw Problem.invalid(prefix + "latitude", rule: "range", "latitude must be from -90 to 90 (WGS84 degrees), got \(latitude)")
        }
        if let longitude, !(longitude.isFinite && (-180...180).contains(longitude)) {
            throw Problem.invalid(prefix + "longitude", rule: "range", "longitude must be from -180 to 180 (WGS84 degrees), got \(longitude)")
        }
    }

    /// A day from a body, nil when absent; 422 naming the field when malformed.
    package static func day(_ text: String?, field: String) throws -> String? {
        guard let text else { return nil }
        return try OrgDate.body(text, field: field)
    }

    /// `within_days`-like query parameters: 1…3660, `fallback` when absent.
    package static func days(_ context: RequestContext, _ name: String, fallback: Int) throws -> Int {
        guard let text = context.query(name) else { return fallback }
        guard let days = Int(text), (0...3660).contains(days) else {
            throw Problem.invalidQuery(name, rule: "range", "\(name) must be a whole number of days from 0 to 3660, got \(text)")
        }
        return days
    }
}

extension String {
    /// Without leading and trailing whitespace (Unicode's, so a full-width space goes too).
    package var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
