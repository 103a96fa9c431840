// Headcount (编制) of a position: exact ("7人"), a range ("1-3名"), at least n ("2名以上": a range
// without a maximum, written "2+"), unbounded ("N名") or n per region covered ("1名/区域"). Every
// endpoint takes the same forms — the object or its text, parsed here once (`parse`) — whether
// it is POST/PATCH /v1/positions or the import. Stored as kind + min + max; the establishment
// (the most seats; none for "N" and "n+" posts, which are vacant only below n) of a per-region post is n times the regions it covers (RegionCoverage: the child regions of
// the unit's region, else that region itself, or the tenant's top-level regions when the unit
// has none; at least one), and each region's n seats are enforced by HeadcountCheck.

import App
import HTTP
import Postgres

package struct Headcount: Sendable {
    package var kind: String
    package var n: Int?
    package var min: Int?
    package var max: Int?
    package var text: String? = nil             // the written form ("1-3", "2+"), parsed by `validated`

    /// The stored shape (kind, min, max) after checking the rules; 422 naming the field otherwise.
    package func validated(field: String = "headcount") throws -> (kind: String, min: Int?, max: Int?) {
        if let text { return try Self.parse(text, field: field).validated(field: field) }
        func count(_ value: Int?, _ name: String) throws -> Int {
            guard let value else { throw Problem.invalid("\(field).\(name)", rule: "required", "\(field).\(name) is required for a headcount of kind \(kind)") }
            guard value >= 0 else { throw Problem.invalid("\(field).\(name)", rule: "not_negative", "\(field).\(name) must not be negative, got \(value)") }
            guard value <= 100_000 else { throw Problem.invalid("\(field).\(name)", rule: "range", "\(field).\(name) must be at most 100000") }
            return value
        }
        // A field of another kind is a mistake ({"kind": "range", "n": 5} meant something), not noise.
        let fields: [(name: String, value: Int?)] = [("n", n), ("min", min), ("max", max)]
        let applies: [String: Set<String>] = ["exact": ["n"], "per_region": ["n"], "range": ["min", "max"], "unbounded": []]
        if let allowed = applies[kind], let stray = fields.first(where: { $0.value != nil && !allowed.contains($0.name) }) {
            throw Problem.invalid("\(field).\(stray.name)", rule: "not_for_kind",
                                  "\(field).\(stray.name) does not apply to a headcount of kind \(kind)")
        }
        switch kind {
        case "exact":
            let value = try count(n, "n")
            return (kind, value, value)
        case "range":
            let low = try count(min, "min")
            guard let max else { return (kind, low, nil) }      // at least `low`, no maximum
            let high = try count(max, "max")
            guard high >= low else {
                throw Problem.invalid("\(field).max", rule: "not_below_min", "\(field).max (\(high)) must not be below \(field).min (\(low))")
            }
            return (kind, low, high)
        case "unbounded":
            return (kind, nil, nil)
        case "per_region":
            let value = try count(n, "n")
            guard value >= 1 else { throw Problem.invalid("\(field).n", rule: "positive", "\(field).n must be at least 1 per region") }
            return (kind, value, value)
        default:
            throw Problem.invalid("\(field).kind", rule: "one_of", "\(field).kind must be exact, range, unbounded or per_region")
        }
    }

    /// The written forms: "7" (or 7名, 7人) exact, "1-3" a range, "2+" (or 2名以上) at least 2, "N"
    /// unbounded, "1/region" (or 1名/区域) per region. 422 naming `field` for anything else.
    package static func parse(_ written: String, field: String = "headcount") throws -> Headcount {
        var compact = written.filter { $0 != " " && $0 != "名" && $0 != "人" }
        let format = Problem.invalid(field, rule: "format", "\(field) must be n, min-max, n+, N or n/region, got \(written)")
        if compact == "N" || compact == "n" { return Headcount(kind: "unbounded") }
        if compact.hasSuffix("以上") { compact = String(compact.dropLast(2)) + "+" }
        if compact.hasSuffix("+") {
            guard let low = Int(compact.dropLast()) else { throw format }
            return Headcount(kind: "range", min: low)
        }
        if let slash = compact.firstIndex(of: "/") {
            guard let n = Int(compact[..<slash]), ["region", "区域"].contains(compact[compact.index(after: slash)...]) else { throw format }
            return Headcount(kind: "per_region", n: n)
        }
        if let dash = compact.dropFirst().firstIndex(of: "-") {
            guard let low = Int(compact[..<dash]), let high = Int(compact[compact.index(after: dash)...]) else { throw format }
            return Headcount(kind: "range", min: low, max: high)
        }
        guard let n = Int(compact) else { throw format }
        return Headcount(kind: "exact", n: n)
    }

    /// SQL for the seats a position must have filled not to be vacant: its establishment, or for
    /// "n+" posts (a range without a maximum, which has none) the minimum n.
    package static let toFillSQL = """
        CASE WHEN v.headcount_kind = 'range' AND v.headcount_max IS NULL THEN v.headcount_min
             ELSE \(establishmentSQL) END
        """

    /// SQL for the establishment of `position_versions v` whose unit version is `uv`.
    package static let establishmentSQL = """
        CASE v.headcount_kind WHEN 'unbounded' THEN NULL
             WHEN 'per_region' THEN v.headcount_min * greatest(1, (SELECT count(*) FROM regions rr WHERE
                  CASE WHEN uv.region_id IS NULL THEN rr.parent_id IS NULL ELSE rr.parent_id = uv.region_id END))
             ELSE v.headcount_max END
        """

    /// `toFillSQL` and `establishmentSQL` as statement fragments, for PGQuery statements.
    package static let toFill = PGQuery(unsafeSQL: toFillSQL)
    package static let establishment = PGQuery(unsafeSQL: establishmentSQL)

    /// A headcount as stored on a position version: kind, min, max (see `validated`).
    package struct Stored: Sendable {
        package var kind: String
        package var min: Int?
        package var max: Int?

        /// `{"kind": ..., "n" | "min", "max"}`.
        package func write(to json: inout JSONWriter) {
            json.beginObject()
            json.field("kind", kind)
            switch kind {
            case "exact", "per_region": json.field("n", min)
            case "range":
                json.field("min", min)
                json.field("max", max)
            default: break
            }
            json.endObject()
        }

        /// How the document writes it: "7", "1-3", "2+", "N", "1/region".
        package var text: String {
            switch kind {
            case "range": max.map { "\(min ?? 0)-\($0)" } ?? "\(min ?? 0)+"
            case "unbounded": "N"
            case "per_region": "\(min ?? 0)/region"
            default: "\(min ?? 0)"
            }
        }
    }
}

extension Headcount: Decodable {
    package enum CodingKeys: String, CodingKey { case kind, n, min, max }

    /// The object `{"kind", "n" | "min", "max"}` (kind may be left out: `n` alone is exact, `min`
    /// with or without `max` a range) or the text the import and exports write ("1-3", "2+").
    package init(from decoder: any Decoder) throws {
        if let written = try? decoder.singleValueContainer().decode(String.self) {
            self.init(kind: "", text: written)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let n = try container.decodeIfPresent(Int.self, forKey: .n)
        let min = try container.decodeIfPresent(Int.self, forKey: .min)
        let max = try container.decodeIfPresent(Int.self, forKey: .max)
        let kind = try container.decodeIfPresent(String.self, forKey: .kind)
            ?? (n != nil ? "exact" : min != nil || max != nil ? "range" : "")
        self.init(kind: kind, n: n, min: min, max: max)
    }
}
