// A map-like SVG of the service network: each site a mark at its coordinates (an equirectangular
// projection of the sites' own bounding box, corrected for latitude so distances look right),
// its shape the site's kind and its colour its status; beside the map a table per region of how
// many sites it has in each status, and under it the sites without coordinates. Pure: plain
// values in, bytes out; text XML-escaped and CJK-first fonts as in ChartSVG.

import Foundation

/// One site as the map draws it.
package struct MapSite: Sendable {
    package var code: String
    package var name: String
    package var kind: String
    package var status: String                  // planned, onboarding, authorised, probation, suspended, terminated
    package var region: String                  // the region's name
    package var latitude: Double?
    package var longitude: Double?
    package var expired: Bool                   // the authorisation has ended: drawn hollow

    package init(code: String, name: String, kind: String, status: String, region: String, latitude: Double?, longitude: Double?,
                 expired: Bool) {
        self.code = code
        self.name = name
        self.kind = kind
        self.status = status
        self.region = region
        self.latitude = latitude
        self.longitude = longitude
        self.expired = expired
    }
}

package enum NetworkMapSVG {
    static let statuses: [(status: String, colour: String, label: String)] = [
        ("authorised", "#2e7d32", "authorised 已授权"), ("probation", "#ef8f00", "probation 考察期"),
        ("suspended", "#c62828", "suspended 暂停"), ("onboarding", "#1f5fbf", "onboarding 建站中"),
        ("planned", "#8a8a8a", "planned 规划"), ("terminated", "#333333", "terminated 终止"),
    ]
    static let mapWidth = 760.0
    static let mapHeight = 560.0
    static let tableWidth = 420.0

    /// The drawing for `sites`, titled `title`.
    package static func document(_ sites: [MapSite], title: String) -> [UInt8] {
        let n = ChartSVG.n, m = ChartSVG.margin
        let placed = sites.filter { $0.latitude != nil && $0.longitude != nil }
        let unplaced = sites.filter { $0.latitude == nil || $0.longitude == nil }
        let project = projection(placed)
        let regions = Dictionary(grouping: sites, by: \.region).sorted { $0.key < $1.key }
        let tableHeight = 40.0 + 20.0 * Double(regions.count + 1)
        let footer = unplaced.isEmpty ? 0 : 30.0 + 18.0 * Double(unplaced.count)
        let legendHeight = 24.0 * 2 + 10
        let width = (2 * m + mapWidth + 24 + tableWidth).rounded(.up)
        let height = (2 * m + ChartSVG.titleHeight + max(mapHeight, tableHeight) + legendHeight + footer).rounded(.up)
        let top = m + ChartSVG.titleHeight

        var svg = ChartSVG.opening(width: width, height: height, title: title)
        svg += "<rect x=\"\(n(m))\" y=\"\(n(top))\" width=\"\(n(mapWidth))\" height=\"\(n(mapHeight))\" fill=\"#f4f7fb\" stroke=\"#c8d2de\"/>\n"
        // Marks, then their labels on top.
        for site in placed {
            let (x, y) = project(site.latitude!, site.longitude!)
            svg += mark(site, x: m + x, y: top + y)
        }
        svg += labels(placed.map { ($0.code, project($0.latitude!, $0.longitude!)) }, left: m, top: top)
        svg += table(regions, x: m + mapWidth + 24, y: top)
        svg += legend(x: m, y: top + max(mapHeight, tableHeight) + 20)
        if !unplaced.isEmpty {
            var y = top + max(mapHeight, tableHeight) + legendHeight + 24
            svg += "<text x=\"\(n(m))\" y=\"\(n(y))\" font-weight=\"bold\">Without coordinates 无坐标</text>\n"
            for site in unplaced {
                y += 18
                svg += "<text x=\"\(n(m))\" y=\"\(n(y))\">\(ChartText.xml("\(site.code) \(site.name) · \(site.region) · \(site.status)"))</text>\n"
            }
        }
        svg += "</svg>\n"
        return Array(svg.utf8)
    }

    /// Maps (latitude, longitude) into the map's box with a margin, keeping the aspect of the
    /// sites' bounding box at its mean latitude (a degree of longitude shrinks by cos(latitude)).
    static func projection(_ sites: [MapSite]) -> (Double, Double) -> (Double, Double) {
        let lats = sites.compactMap(\.latitude), lons = sites.compactMap(\.longitude)
        guard let minLat = lats.min(), let maxLat = lats.max(), let minLon = lons.min(), let maxLon = lons.max() else {
            return { _, _ in (mapWidth / 2, mapHeight / 2) }
        }
        let squeeze = max(cos((minLat + maxLat) / 2 * .pi / 180), 0.05)
        let spanX = max((maxLon - minLon) * squeeze, 0.01), spanY = max(maxLat - minLat, 0.01)
        let inset = 40.0
        let scale = min((mapWidth - 2 * inset) / spanX, (mapHeight - 2 * inset) / spanY)
        let offsetX = (mapWidth - spanX * scale) / 2, offsetY = (mapHeight - spanY * scale) / 2
        return { lat, lon in (offsetX + (lon - minLon) * squeeze * scale, offsetY + (maxLat - lat) * scale) }
    }

    /// The sites' codes beside their marks: right of the mark, else left of it, else left out
    /// where it would cover another label (the mark's tooltip still names the site).
    static func labels(_ marks: [(code: String, point: (Double, Double))], left: Double, top: Double) -> String {
        let n = ChartSVG.n
        var taken: [(x: Double, y: Double, w: Double)] = []
        var svg = ""
        for mark in marks {
            let width = ChartText.width(mark.code, size: 11)
            let (x, y) = mark.point
            let candidates = [x + 8, x - 8 - width].filter { $0 >= 0 && $0 + width <= mapWidth }
            guard let spot = candidates.first(where: { candidate in
                !taken.contains { abs($0.y - y) < 12 && candidate < $0.x + $0.w + 2 && $0.x < candidate + width + 2 }
            }) else { continue }
            taken.append((spot, y, width))
            svg += "<text x=\"\(n(left + spot))\" y=\"\(n(top + y + 4))\" font-size=\"11\" fill=\"#1a1a1a\">\(ChartText.xml(mark.code))</text>\n"
        }
        return svg
    }

    static func colour(_ status: String) -> String {
        statuses.first { $0.status == status }?.colour ?? "#8a8a8a"
    }

    /// A site's mark: a square for an office, a diamond for a dealer, a triangle for a warehouse,
    /// a circle for any other station; filled with its status's colour, hollow once its
    /// authorisation has ended. Its title (a tooltip) names it.
    static func mark(_ site: MapSite, x: Double, y: Double) -> String {
        let n = ChartSVG.n
        let colour = colour(site.status)
        let paint = site.expired ? "fill=\"#ffffff\" stroke=\"\(colour)\" stroke-width=\"2\"" : "fill=\"\(colour)\" stroke=\"#ffffff\""
        let tip = "<title>\(ChartText.xml("\(site.code) \(site.name) · \(site.kind) · \(site.status)\(site.expired ? " (authorisation ended)" : "")"))</title>"
        let shape: String
        switch site.kind {
        case "regional_office":
            shape = "<rect x=\"\(n(x - 6))\" y=\"\(n(y - 6))\" width=\"12\" height=\"12\" \(paint)>"
            return shape + tip + "</rect>\n"
        case "dealer":
            shape = "<path d=\"M\(n(x)),\(n(y - 7)) L\(n(x + 7)),\(n(y)) L\(n(x)),\(n(y + 7)) L\(n(x - 7)),\(n(y)) z\" \(paint)>"
        case let kind where kind.hasPrefix("parts_warehouse"):
            shape = "<path d=\"M\(n(x)),\(n(y - 7)) L\(n(x + 7)),\(n(y + 6)) L\(n(x - 7)),\(n(y + 6)) z\" \(paint)>"
        default:
            return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"6\" \(paint)>" + tip + "</circle>\n"
        }
        return shape + tip + "</path>\n"
    }

    /// Per region: the number of sites in each status.
    static func table(_ regions: [(key: String, value: [MapSite])], x: Double, y: Double) -> String {
        let n = ChartSVG.n
        let columns = statuses.map(\.status)
        var svg = "<text x=\"\(n(x))\" y=\"\(n(y + 14))\" font-weight=\"bold\">Sites by region 各区域网点</text>\n"
        var row = y + 36
        svg += "<text x=\"\(n(x))\" y=\"\(n(row))\" fill=\"#555555\">region</text>\n"
        for (index, status) in statuses.enumerated() {
            svg += "<rect x=\"\(n(x + 150 + Double(index) * 44))\" y=\"\(n(row - 10))\" width=\"10\" height=\"10\" fill=\"\(status.colour)\"/>\n"
        }
        for (region, sites) in regions {
            row += 20
            svg += "<text x=\"\(n(x))\" y=\"\(n(row))\">\(ChartText.xml(region))</text>\n"
            for (index, status) in columns.enumerated() {
                let count = sites.filter { $0.status == status }.count
                svg += "<text x=\"\(n(x + 150 + Double(index) * 44))\" y=\"\(n(row))\">\(count)</text>\n"
            }
        }
        return svg
    }

    static func legend(x: Double, y: Double) -> String {
        let n = ChartSVG.n
        var svg = ""
        for (index, status) in statuses.enumerated() {
            let left = x + Double(index) * 150
            svg += "<circle cx=\"\(n(left + 6))\" cy=\"\(n(y))\" r=\"6\" fill=\"\(status.colour)\"/>"
            svg += "<text x=\"\(n(left + 16))\" y=\"\(n(y + 4))\">\(ChartText.xml(status.label))</text>\n"
        }
        let shapes = [("■", "regional office 办事处"), ("●", "station 维修站/售后站"), ("◆", "dealer 经销商"), ("▲", "parts warehouse 仓库"),
                      ("○", "authorisation ended 授权到期")]
        for (index, shape) in shapes.enumerated() {
            svg += "<text x=\"\(n(x + Double(index) * 180))\" y=\"\(n(y + 28))\">\(ChartText.xml("\(shape.0) \(shape.1)"))</text>\n"
        }
        return svg
    }
}
