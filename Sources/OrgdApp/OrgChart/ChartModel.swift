// A unit's chart as the exports see it: plain values built once from the database rows
// (ExportLoader), so every format — JSON, CSV, DOT, SVG — is a pure function of a `Chart` and
// is tested without a database.

struct Chart: Sendable {
    var asOf: String                        // YYYY-MM-DD the chart answers for
    var depth: Int                          // levels below the root that were loaded
    var root: ChartUnit
    var handoffs: [ChartHandoff]            // only links with both ends inside the chart
    var people: [String: ChartPerson]       // holders by person id

    /// Every unit, root first, parents before children (depth-first, in sort order).
    var units: [ChartUnit] {
        var out: [ChartUnit] = []
        func walk(_ unit: ChartUnit) {
            out.append(unit)
            unit.children.forEach(walk)
        }
        walk(root)
        return out
    }
}

struct ChartUnit: Sendable {
    var id: String
    var code: String
    var name: String
    var kind: String
    var tier: String?
    var roleLabel: String?
    var parentCode: String?                 // nil for the chart's root when it has no parent
    var functions: [String] = []
    var sortOrder = 0
    var plannedEstablishment: Int? = nil    // 满额配置, when the unit states one
    var seats: [ChartSeat] = []
    var children: [ChartUnit] = []
}

/// A position with the people holding it on the chart's day.
struct ChartSeat: Sendable {
    var id: String
    var title: String
    var titleNo: Int? = nil                 // which of the unit's posts of this title (ChartPositionRef)
    var grade: String?
    var kind = "regular"                    // regular, head, trainee
    var headcount = "1"                     // as the document writes it: "7", "1-3", "N", "1/region"
    var establishment: Int?                 // most seats; nil for unbounded ("N名")
    var holders: [ChartHolder] = []
    var reportsTo: ChartPositionRef?
    var duties: [String] = []
    var forms: [String] = []
    var spanMin: Int?
    var spanMax: Int?
    var sortOrder = 0

    /// Seats nobody holds; 0 for unbounded posts.
    var vacant: Int { establishment.map { max(0, $0 - holders.count) } ?? 0 }

    /// Holders over headcount as a chart shows them: "2/4", "3/N", "0/1-3", and "1/4 (1/region)"
    /// for a per-region post, whose seats are n times the regions it covers.
    var occupancy: String {
        guard headcount.hasSuffix("/region"), let establishment else { return "\(holders.count)/\(headcount)" }
        return "\(holders.count)/\(establishment) (\(headcount))"
    }
}

/// A position named the way a person writes it in a file: its unit's code and its title, and
/// when the unit has several posts of that title, which one (`titleNo`, 1-based, in sort order
/// then creation order; nil when the title is unique in its unit).
struct ChartPositionRef: Sendable, Hashable {
    var unitCode: String
    var title: String
    var titleNo: Int? = nil
}

struct ChartHolder: Sendable {
    var personID: String
    var name: String
    var employeeNo: String
    var kind: String                        // primary, concurrent (兼任), acting (代理)
    var since: String                       // first day held
    var until: String?                      // last day held (inclusive), nil while open
    var regionCode: String? = nil           // the region covered, for a per-region post
}

struct ChartPerson: Sendable {
    var id: String
    var employeeNo: String
    var name: String
    var contact: [(String, String)]?        // nil unless the caller may read private data (people.read_private)
}

struct ChartHandoff: Sendable {
    var fromID: String
    var toID: String
    var fromName: String
    var toName: String
    var note: String
}
