// The chart renderer as pure functions, without a database or a socket: text width and
// escaping, the tree layout (wrapping wide rows, no overlapping boxes), and the SVG's hand-off
// arrows (box edge to box edge, around other boxes, inside the picture).

@testable import ChartRender
import Foundation
import SVGTestSupport
import Testing

@Suite("chart rendering")
struct ChartRenderTests {
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

    @Test("two hand-off links are two dashed arrows from the source box's edge to the target box's edge, with the note escaped")
    func svgHandoffArrows() throws {
        let a = Self.unit(1), b = Self.unit(2), c = Self.unit(3)
        let root = Self.unit(0, children: [a, b, c])
        let links = [ChartHandoff(fromID: a.id, toID: c.id, fromName: a.name, toName: c.name, note: "A&B <急> 回访"),
                     ChartHandoff(fromID: c.id, toID: b.id, fromName: c.name, toName: b.name, note: "")]
        let svg = SVGShapes.parse(ChartSVG.document(Chart(asOf: "2024-06-01", depth: 10, root: root, handoffs: links, people: [:])))
        #expect(svg.check.failure == nil, "\(svg.check.failure ?? "")")
        let arrows = svg.elements.filter { $0.name == "path" && $0.attributes["class"] == "handoff" }
        #expect(arrows.count == 2)
        #expect(svg.elements.contains { $0.name == "marker" && $0.attributes["id"] == "handoff-arrow" })
        for (arrow, link) in zip(arrows, links) {
            #expect(arrow.attributes["data-from"] == link.fromID && arrow.attributes["data-to"] == link.toID)
            #expect(arrow.attributes["marker-end"] == "url(#handoff-arrow)")
            #expect(arrow.attributes["stroke-dasharray"] != nil)
            let curve = try #require(SVGShapes.curve(arrow.attributes["d"] ?? ""), "d=\(arrow.attributes["d"] ?? "")")
            let from = try #require(svg.boxes[link.fromID]), to = try #require(svg.boxes[link.toID])
            #expect(SVGShapes.onEdge(curve[0], from), "\(curve[0]) is not on the edge of \(from)")
            #expect(SVGShapes.onEdge(curve[3], to), "\(curve[3]) is not on the edge of \(to)")
        }
        // 部门1 → 部门3 passes 部门2: it must go around it, not through.
        let around = try #require(SVGShapes.curve(arrows[0].attributes["d"] ?? ""))
        let middle = try #require(svg.boxes[b.id])
        #expect(SVGShapes.samples(around).allSatisfy { !SVGShapes.inside($0, middle) }, "the link crosses 部门2")
        #expect(svg.raw.contains("A&amp;B &lt;急&gt; 回访"))
        #expect(svg.check.text.contains("A&B <急> 回访"))
        #expect(svg.check.text.contains("1. 对接 hand-off: 部门1 → 部门3 (A&B <急> 回访)"))
        #expect(svg.check.text.contains("2. 对接 hand-off: 部门3 → 部门2"))
        #expect(svg.check.text.contains("对接 hand-off link"))
    }

    @Test("links both ways between neighbours are two arrows that do not coincide")
    func svgHandoffsBothWays() throws {
        let a = Self.unit(1), b = Self.unit(2)
        let links = [ChartHandoff(fromID: a.id, toID: b.id, fromName: a.name, toName: b.name, note: ""),
                     ChartHandoff(fromID: b.id, toID: a.id, fromName: b.name, toName: a.name, note: "")]
        let chart = Chart(asOf: "2024-06-01", depth: 10, root: Self.unit(0, children: [a, b]), handoffs: links, people: [:])
        let svg = SVGShapes.parse(ChartSVG.document(chart))
        let curves = try svg.elements.filter { $0.attributes["class"] == "handoff" }.map { try #require(SVGShapes.curve($0.attributes["d"] ?? "")) }
        #expect(curves.count == 2)
        if curves.count == 2 {
            let closest = SVGShapes.samples(curves[0]).map { p in
                SVGShapes.samples(curves[1]).map { q in ((p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y)).squareRoot() }.min()!
            }.max()!
            #expect(closest >= 6, "the two arrows run within \(closest) px of each other all along")
        }
    }

    @Test("a link between wrapped rows goes around the box in its way and the picture grows to hold it")
    func svgHandoffAcrossWrappedRows() throws {
        // Rows: four narrow boxes, three wide ones, four narrow ones. The link between the last
        // boxes of the first and third rows must bulge beyond the wide row's right edge, which is
        // the tree's, by more than the picture's margin.
        let wide = ChartSeat(id: "s", title: "区域客户服务质量监督与回访管理专员岗", grade: "B+5", establishment: 1)
        let children = (1...11).map { Self.unit($0, seats: (5...7).contains($0) ? [wide] : []) }
        let links = [ChartHandoff(fromID: children[3].id, toID: children[10].id, fromName: "部门4", toName: "部门11", note: "转交")]
        let chart = Chart(asOf: "2024-06-01", depth: 10, root: Self.unit(0, children: children), handoffs: links, people: [:])
        let svg = SVGShapes.parse(ChartSVG.document(chart, maxRowWidth: 800))
        #expect(svg.check.failure == nil)
        let boxes = Array(svg.boxes.values)
        let row1 = try #require(svg.boxes[children[3].id]), row2 = try #require(svg.boxes[children[6].id]), row3 = try #require(svg.boxes[children[10].id])
        #expect(row1.y < row2.y && row2.y < row3.y, "the children did not wrap into three rows")
        let arrow = try #require(svg.elements.first { $0.attributes["class"] == "handoff" })
        let curve = try #require(SVGShapes.curve(arrow.attributes["d"] ?? ""))
        #expect(SVGShapes.onEdge(curve[0], row1) && SVGShapes.onEdge(curve[3], row3))
        let points = SVGShapes.samples(curve)
        for box in boxes where box != row1 && box != row3 {
            #expect(points.allSatisfy { !SVGShapes.inside($0, box) }, "the link crosses \(box)")
        }
        let treeRight = boxes.map { $0.x + $0.width }.max()!
        #expect(points.map(\.x).max()! > treeRight + ChartSVG.margin, "the link stays within the tree's box and margin, so this test shows nothing")
        let width = try #require(Double(svg.root["width"] ?? "")), height = try #require(Double(svg.root["height"] ?? ""))
        #expect(points.allSatisfy { $0.x >= 0 && $0.x <= width && $0.y >= 0 && $0.y <= height }, "the link leaves the \(width)×\(height) picture")
    }
}
