// The export formats and the import reader as pure functions, without a database: text width
// and escaping, the tree layout (wrapping wide rows, no overlapping boxes), CSV quoting and
// reading, headcount text.

import Foundation
@testable import OrgdApp
import Testing

@Suite("org chart: export formats")
struct OrgChartExportFormatTests {
    static func unit(_ index: Int, children: [ChartUnit] = [], seats: [ChartSeat] = []) -> ChartUnit {
        ChartUnit(id: "00000000-0000-0000-0000-\(String(format: "%012d", index))", code: "U\(index)", name: "部门\(index)",
                  kind: "group", seats: seats, children: children)
    }

    @Test("CJK glyphs count about one em and Latin about 0.6 em")
    func widths() {
        #expect(ChartText.width("客服中心", size: 10) == 40)
        #expect(ChartText.width("B+3", size: 10) == 18)
        #expect(ChartText.wrap("话务员话务员话务员", size: 10, limit: 40) == ["话务员话", "务员话务", "员"])
    }

    @Test("text is escaped for XML and control characters are dropped")
    func escaping() {
        #expect(ChartText.xml("R&D <组> \"x\" 'y'\u{1}") == "R&amp;D &lt;组&gt; &quot;x&quot; &apos;y&apos;")
    }

    @Test("a unit with 300 groups wraps into rows, keeps the picture narrow and no two boxes overlap")
    func wideTreeWraps() {
        let seat = ChartSeat(id: "s", title: "组长", grade: "B+4", establishment: 1)
        let root = Self.unit(0, children: (1...300).map { Self.unit($0, seats: [seat]) })
        let layout = ChartLayout.layout(root, maxRowWidth: 2400)
        #expect(layout.boxes.count == 301)
        #expect(layout.width <= 2500)
        for (index, a) in layout.boxes.enumerated() {
            for b in layout.boxes[(index + 1)...] {
                let apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y
                #expect(apart, "boxes \(a.unitID) and \(b.unitID) overlap")
                if !apart { return }
            }
        }
    }

    @Test("a small tree centres the parent over its children on one row")
    func smallTree() {
        let root = Self.unit(0, children: [Self.unit(1), Self.unit(2)])
        let layout = ChartLayout.layout(root)
        let parent = layout.boxes[0], left = layout.boxes[1], right = layout.boxes[2]
        #expect(left.y == right.y)
        #expect(left.y > parent.y + parent.height)
        #expect(abs((parent.x + parent.width / 2) - (left.x + right.x + right.width) / 2) < 0.001)
    }

    @Test("an SVG of a chart with markup in names is well-formed")
    func svgEscapes() {
        let seat = ChartSeat(id: "s", title: "A&B <主管>", grade: nil, establishment: 2,
                             holders: [ChartHolder(personID: "p", name: "O'Neil \"梁\"", employeeNo: "1", kind: "concurrent", since: "2024-01-01")])
        let chart = Chart(asOf: "2024-06-01", depth: 10, root: Self.unit(0, seats: [seat]), handoffs: [], people: [:])
        let check = SVGCheck.parse(ChartSVG.document(chart))
        #expect(check.failure == nil)
        #expect(check.text.contains("A&B <主管>"))
        #expect(check.text.contains("兼任"))
        #expect(check.text.contains("暂缺 vacant ×1"))
    }

    @Test("CSV fields with commas, quotes and line breaks are quoted and read back")
    func csvRoundTrip() throws {
        let fields = ["a,b", "say \"hi\"", "line1\nline2", "客服", ""]
        let text = ChartCSV.line(["h1", "h2", "h3", "h4", "h5"]) + ChartCSV.line(fields)
        let parsed = try ImportCSV.parse(ChartCSV.byteOrderMark + Array(text.utf8))
        #expect(parsed.records.count == 1)
        #expect(parsed.header.map { parsed.records[0].fields[$0] ?? "?" } == fields)
        #expect(parsed.records[0].row == 2)
    }

    @Test("a CSV with a stray quote names its row")
    func csvStrayQuote() {
        #expect(throws: ImportCSV.Failure.self) { try ImportCSV.parse(Array("a,b\r\n1,2\r\n3,x\"y\r\n".utf8)) }
        do {
            _ = try ImportCSV.parse(Array("a,b\r\n1,2\r\n3,x\"y\r\n".utf8))
        } catch {
            #expect(error.row == 3)
        }
    }

    @Test("headcount text reads back as the document writes it: 7, 1-3, N, 1/region")
    func headcountText() throws {
        #expect(try ImportBatch.headcount("7").validated() == ("exact", 7, 7))
        #expect(try ImportBatch.headcount("1-3").validated() == ("range", 1, 3))
        #expect(try ImportBatch.headcount("N").validated() == ("unbounded", nil, nil))
        #expect(try ImportBatch.headcount("1/region").validated() == ("per_region", 1, 1))
        #expect(throws: (any Error).self) { try ImportBatch.headcount("3-1").validated() }
        #expect(throws: (any Error).self) { try ImportBatch.headcount("many") }
    }
}
