// Headcount (编制) of a position: exact ("7人"), a range ("1-3名"), unbounded ("N名") or n per
// region covered ("1名/区域"). Stored as kind + min + max; the establishment (the most seats)
// of a per-region post is n times the regions it covers (RegionCoverage: the child regions of
// the unit's region, else that region itself, or the tenant's top-level regions when the unit
// has none; at least one), and each region's n seats are enforced by HeadcountCheck.

import HTTP
import Postgres

struct Headcount: Decodable, Sendable {
    var kind: String
    var n: Int?
    var min: Int?
    var max: Int?

    /// The stored shape (kind, min, max) after checking the rules; 422 naming the field otherwise.
    func validated(field: String = "headcount") throws -> (kind: String, min: Int?, max: Int?) {
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

    /// SQL for the establishment of `position_versions v` whose unit version is `uv`.
    static let establishmentSQL = """
        CASE v.headcount_kind WHEN 'unbounded' THEN NULL
             WHEN 'per_region' THEN v.headcount_min * greatest(1, (SELECT count(*) FROM regions rr WHERE
                  CASE WHEN uv.region_id IS NULL THEN rr.parent_id IS NULL ELSE rr.parent_id = uv.region_id END))
             ELSE v.headcount_max END
        """

    /// Writes `{"kind": ..., "n"|"min","max"}` from a position row.
    static func write(_ row: PGRow, to json: inout JSONWriter) {
        json.beginObject()
        let kind = row.string("headcount_kind") ?? "exact"
        json.field("kind", kind)
        switch kind {
        case "exact", "per_region": json.field("n", row.int("headcount_min"))
        case "range":
            json.field("min", row.int("headcount_min"))
            json.field("max", row.int("headcount_max"))
        default: break
        }
        json.endObject()
    }

    /// How the document writes it: "7", "1-3", "N", "1/region".
    static func text(_ row: PGRow) -> String {
        switch row.string("headcount_kind") {
        case "range": "\(row.int("headcount_min") ?? 0)-\(row.int("headcount_max") ?? 0)"
        case "unbounded": "N"
        case "per_region": "\(row.int("headcount_min") ?? 0)/region"
        default: "\(row.int("headcount_min") ?? 0)"
        }
    }
}
