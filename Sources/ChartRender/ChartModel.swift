// A unit's chart as the exports see it: plain values built once from the database rows
// (ExportLoader), so every format — JSON, CSV, DOT, SVG — is a pure function of a `Chart` and
// is tested without a database.

package struct Chart: Sendable {
    package init(asOf: String, depth: Int, root: ChartUnit, handoffs: [ChartHandoff], people: [String: ChartPerson]) {
        self.asOf = asOf
        self.depth = depth
        self.root = root
        self.handoffs = handoffs
        self.people = people
    }

    package var asOf: String                        // YYYY-MM-DD the chart answers for
    package var depth: Int                          // levels below the root that were loaded
    package var root: ChartUnit
    package var handoffs: [ChartHandoff]            // only links with both ends inside the chart
    package var people: [String: ChartPerson]       // holders by person id

    /// Every unit, root first, parents before children (depth-first, in sort order).
    package var units: [ChartUnit] {
        var out: [ChartUnit] = []
        func walk(_ unit: ChartUnit) {
            out.append(unit)
            unit.children.forEach(walk)
        }
        walk(root)
        return out
    }
}

package struct ChartUnit: Sendable {
    package init(id: String, code: String, name: String, kind: String, tier: String? = nil, roleLabel: String? = nil, parentCode: String? = nil, functions: [String] = [], sortOrder: Int = 0, plannedEstablishment: Int? = nil, seats: [ChartSeat] = [], children: [ChartUnit] = []) {
        self.id = id
        self.code = code
        self.name = name
        self.kind = kind
        self.tier = tier
        self.roleLabel = roleLabel
        self.parentCode = parentCode
        self.functions = functions
        self.sortOrder = sortOrder
        self.plannedEstablishment = plannedEstablishment
        self.seats = seats
        self.children = children
    }

    package var id: String
    package var code: String
    package var name: String
    package var kind: String
    package var tier: String?
    package var roleLabel: String?
    package var parentCode: String?                 // nil for the chart's root when it has no parent
    package var functions: [String] = []
    package var sortOrder = 0
    package var plannedEstablishment: Int? = nil    // 满额配置, when the unit states one
    package var seats: [ChartSeat] = []
    package var children: [ChartUnit] = []
}

/// A position with the people holding it on the chart's day.
package struct ChartSeat: Sendable {
    package init(id: String, title: String, titleNo: Int? = nil, grade: String? = nil, kind: String = "regular", headcount: String = "1", establishment: Int? = nil, holders: [ChartHolder] = [], reportsTo: ChartPositionRef? = nil, duties: [String] = [], forms: [String] = [], spanMin: Int? = nil, spanMax: Int? = nil, sortOrder: Int = 0) {
        self.id = id
        self.title = title
        self.titleNo = titleNo
        self.grade = grade
        self.kind = kind
        self.headcount = headcount
        self.establishment = establishment
        self.holders = holders
        self.reportsTo = reportsTo
        self.duties = duties
        self.forms = forms
        self.spanMin = spanMin
        self.spanMax = spanMax
        self.sortOrder = sortOrder
    }

    package var id: String
    package var title: String
    package var titleNo: Int? = nil                 // which of the unit's posts of this title (ChartPositionRef)
    package var grade: String?
    package var kind = "regular"                    // regular, head, trainee
    package var headcount = "1"                     // as the document writes it: "7", "1-3", "N", "1/region"
    package var establishment: Int?                 // most seats; nil for unbounded ("N名")
    package var holders: [ChartHolder] = []
    package var reportsTo: ChartPositionRef?
    package var duties: [String] = []
    package var forms: [String] = []
    package var spanMin: Int?
    package var spanMax: Int?
    package var sortOrder = 0

    /// Seats nobody holds; 0 for unbounded posts.
    package var vacant: Int { establishment.map { max(0, $0 - holders.count) } ?? 0 }

    /// Holders over headcount as a chart shows them: "2/4", "3/N", "0/1-3", and "1/4 (1/region)"
    /// for a per-region post, whose seats are n times the regions it covers.
    package var occupancy: String {
        guard headcount.hasSuffix("/region"), let establishment else { return "\(holders.count)/\(headcount)" }
        return "\(holders.count)/\(establishment) (\(headcount))"
    }
}

/// A position named the way a person writes it in a file: its unit's code and its title, and
/// when the unit has several posts of that title, which one (`titleNo`, 1-based, in sort order
/// then creation order; nil when the title is unique in its unit).
package struct ChartPositionRef: Sendable, Hashable {
    package init(unitCode: String, title: String, titleNo: Int? = nil) {
        self.unitCode = unitCode
        self.title = title
        self.titleNo = titleNo
    }

    package var unitCode: String
    package var title: String
    package var titleNo: Int? = nil
}

package struct ChartHolder: Sendable {
    package init(personID: String, name: String, employeeNo: String, kind: String, since: String, until: String? = nil, regionCode: String? = nil) {
        self.personID = personID
        self.name = name
        self.employeeNo = employeeNo
        self.kind = kind
        self.since = since
        self.until = until
        self.regionCode = regionCode
    }

    package var personID: String
    package var name: String
    package var employeeNo: String
    package var kind: String                        // primary, concurrent (兼任), acting (代理)
    package var since: String                       // first day held
    package var until: String?                      // last day held (inclusive), nil while open
    package var regionCode: String? = nil           // the region covered, for a per-region post
}

package struct ChartPerson: Sendable {
    package init(id: String, employeeNo: String, name: String, contact: [(String, String)]? = nil) {
        self.id = id
        self.employeeNo = employeeNo
        self.name = name
        self.contact = contact
    }

    package var id: String
    package var employeeNo: String
    package var name: String
    package var contact: [(String, String)]?        // nil unless the caller may read private data (people.read_private)
}

package struct ChartHandoff: Sendable {
    package init(fromID: String, toID: String, fromName: String, toName: String, note: String) {
        self.fromID = fromID
        self.toID = toID
        self.fromName = fromName
        self.toName = toName
        self.note = note
    }

    package var fromID: String
    package var toID: String
    package var fromName: String
    package var toName: String
    package var note: String
}
