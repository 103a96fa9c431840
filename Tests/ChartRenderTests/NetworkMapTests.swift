// The network map as a pure function: well-formed SVG whose marks sit where the sites are (east
// to the right, north above), shaped by kind and coloured by status, a table of each region's
// sites by status, the sites without coordinates listed, every text escaped.

@testable import ChartRender
import Foundation
import SVGTestSupport
import Testing

@Suite("network map")
struct NetworkMapTests {
    static func site(_ code: String, _ kind: String = "repair_station", _ status: String = "authorised", region: String = "华东",
                     at point: (Double, Double)?, expired: Bool = false) -> MapSite {
        MapSite(code: code, name: "站 \(code)", kind: kind, status: status, region: region, latitude: point?.0,
                longitude: point?.1, expired: expired)
    }

    static let sites = [
        site("SH", at: (31.23, 121.47)),                                         // Shanghai: east
        site("CD", "regional_office", region: "西部", at: (30.57, 104.07)),       // Chengdu: west
        site("BJ", "dealer", "suspended", region: "华北", at: (39.90, 116.41)),    // Beijing: north
        site("GZ", "parts_warehouse_new", "probation", region: "华南", at: (23.13, 113.26), expired: true),
        site("R&D <1>", "after_sales_station", "planned", at: nil),
    ]

    @Test("marks are placed by longitude and latitude, shaped by kind, coloured by status")
    func placement() throws {
        let svg = SVGShapes.parse(NetworkMapSVG.document(Self.sites, title: "网络 <demo>"))
        #expect(svg.check.failure == nil)
        func markCentre(_ code: String) throws -> (Double, Double) {
            let mark = try #require(svg.elements.first { $0.name != "text" && $0.name != "svg" && $0.name != "title"
                    && svg.raw.contains("\(code) 站 \(code)") && ($0.attributes["cx"] != nil || $0.attributes["x"] != nil || $0.attributes["d"] != nil)
                    && markTitle(svg.raw, element: $0) == code })
            if let cx = mark.attributes["cx"], let cy = mark.attributes["cy"] { return (Double(cx)!, Double(cy)!) }
            if let x = mark.attributes["x"], let y = mark.attributes["y"] { return (Double(x)! + 6, Double(y)! + 6) }
            let numbers = mark.attributes["d"]!.split(whereSeparator: { "MLz ,".contains($0) }).compactMap { Double($0) }
            return (numbers[0], numbers[1] + 7)
        }
        let shanghai = try markCentre("SH"), chengdu = try markCentre("CD"), beijing = try markCentre("BJ"), guangzhou = try markCentre("GZ")
        #expect(shanghai.0 > chengdu.0, "Shanghai lies east of Chengdu")
        #expect(beijing.1 < shanghai.1, "Beijing lies north of Shanghai")
        #expect(guangzhou.1 > shanghai.1, "Guangzhou lies south of Shanghai")
        #expect(svg.raw.contains("<rect x=\"\(ChartSVG.n(chengdu.0 - 6))\""), "a regional office is a square")
        #expect(svg.raw.contains("fill=\"#c62828\""), "a suspended site is red")
        #expect(svg.raw.contains("fill=\"#ffffff\" stroke=\"#ef8f00\""), "an ended authorisation is drawn hollow")
        #expect(svg.check.text.contains("Without coordinates"))
        #expect(svg.check.text.contains("R&D <1>"), "escaped in the file, read back as written")
        #expect(svg.raw.contains("R&amp;D &lt;1&gt;"))
        #expect(svg.check.text.contains("网络 <demo>"))
    }

    @Test("the table counts each region's sites by status")
    func table() {
        let svg = String(decoding: NetworkMapSVG.document(Self.sites, title: "t"), as: UTF8.self)
        let rows = svg.components(separatedBy: "\n").filter { $0.contains(">华东</text>") }
        #expect(rows.count == 1)
        // 华东 has one authorised (SH) and one planned (R&D) site: authorised is the first column, planned the fifth.
        let counts = svg.components(separatedBy: "\n").drop { !$0.contains(">华东</text>") }.dropFirst().prefix(6)
            .compactMap { $0.split(separator: ">").dropFirst().first?.split(separator: "<").first.map(String.init) }
        #expect(counts == ["1", "0", "0", "0", "1", "0"])
    }

    @Test("one site or none still draws, and close sites do not print labels over each other")
    func edges() {
        #expect(SVGCheck.parse(NetworkMapSVG.document([], title: "empty")).failure == nil)
        #expect(SVGCheck.parse(NetworkMapSVG.document([Self.site("ONE", at: (31, 121))], title: "one")).failure == nil)
        let crowd = (0..<40).map { Self.site("S\($0)", at: (31.0 + Double($0) * 0.0001, 121.0)) } + [Self.site("FAR", at: (40, 100))]
        let svg = String(decoding: NetworkMapSVG.document(crowd, title: "crowd"), as: UTF8.self)
        let labels = svg.components(separatedBy: "\n").filter { $0.hasPrefix("<text") && $0.contains("font-size=\"11\"") }
        #expect(labels.count < 10, "labels that would overlap are left to the tooltips: \(labels.count)")
        #expect(labels.contains { $0.contains(">FAR<") })
    }
}

/// The code in the tooltip of a mark element (its <title> follows it in the file).
func markTitle(_ raw: String, element: SVGShapes.Element) -> String? {
    let key = element.attributes["cx"].map { "cx=\"\($0)\" cy=\"\(element.attributes["cy"]!)\"" }
        ?? element.attributes["x"].map { "x=\"\($0)\" y=\"\(element.attributes["y"]!)\" width=\"12\"" }
        ?? element.attributes["d"].map { "d=\"\($0)\"" }
    guard let key, let range = raw.range(of: key), let title = raw[range.upperBound...].range(of: "<title>") else { return nil }
    let rest = raw[title.upperBound...]
    return rest.split(separator: " ").first.map(String.init)
}
