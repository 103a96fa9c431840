// The monthly report's bar chart as a pure function: well-formed SVG whose bars are as long as
// each department's cases, split into resolved within the SLA, resolved late and open, with the
// figures beside them, every text escaped, long labels cut, and an empty month still drawn.

@testable import ChartRender
import Foundation
import SVGTestSupport
import Testing

@Suite("case report chart")
struct CaseReportSVGTests {
    static let bars = [
        CaseReportBar(label: "客服中心 (CS)", cases: 10, resolved: 8, withinSLA: 6, p90Hours: 30.25, satisfactionRate: 0.875, reopened: 2),
        CaseReportBar(label: "R&D <售后> (AS)", cases: 5, resolved: 5, withinSLA: 5, p90Hours: 4, satisfactionRate: nil, reopened: 0),
        CaseReportBar(label: "新部门 (NEW)", cases: 1, resolved: 0, withinSLA: 0, p90Hours: nil, satisfactionRate: nil, reopened: 0),
    ]

    /// Each department's segments, as (segment name, width), in drawing order.
    static func segments(_ svg: SVGShapes) -> [[(String, Double)]] {
        var rows: [[(String, Double)]] = []
        for element in svg.elements {
            if element.name == "g", element.attributes["data-department"] != nil { rows.append([]) }
            if element.name == "rect", let segment = element.attributes["data-segment"], let width = element.attributes["width"].flatMap(Double.init) {
                rows[rows.count - 1].append((segment, width))
            }
        }
        return rows
    }

    @Test("a bar is as long as its department's cases, split into within SLA, late and not resolved")
    func lengths() throws {
        let svg = SVGShapes.parse(CaseReportSVG.document(Self.bars, title: "2025-03"))
        #expect(svg.check.failure == nil)
        let rows = Self.segments(svg)
        #expect(rows.count == 3)
        let full = CaseReportSVG.barWidth
        #expect(rows[0].map(\.0) == ["within_sla", "late", "open"])
        #expect(rows[0].map(\.1) == [full * 0.6, full * 0.2, full * 0.2], "6, 2 and 2 of the most cases (10)")
        #expect(rows[1].map(\.0) == ["within_sla"], "empty segments are not drawn")
        #expect(rows[1].map(\.1) == [full / 2])
        #expect(rows[2].map(\.0) == ["open"])
        #expect(rows[2].map(\.1) == [full / 10])
        #expect(CaseReportSVG.parts(CaseReportBar(label: "x", cases: 3, resolved: 2, withinSLA: 5, p90Hours: nil, satisfactionRate: nil,
                                                  reopened: 0)) == [2, 0, 1], "never more within the SLA than resolved")
    }

    @Test("figures beside each bar: cases, the within-SLA share, p90 hours, satisfaction, reopens; a dash where there is nothing to divide")
    func figures() {
        let text = SVGCheck.parse(CaseReportSVG.document(Self.bars, title: "t")).text
        #expect(text.contains("10 cases · within SLA 75% · p90 30.3 h · satisfied 88% · reopened 2"))
        #expect(text.contains("5 cases · within SLA 100% · p90 4 h · satisfied – · reopened 0"))
        #expect(text.contains("1 cases · within SLA – · p90 – · satisfied – · reopened 0"))
        #expect(text.contains("10 cases 件"), "the scale names the longest bar")
    }

    @Test("text is escaped, a long label is cut with its whole text kept in the tooltips, and an empty month still draws")
    func textAndEdges() {
        let long = String(repeating: "很长的部门名称", count: 10) + " <&>"
        let raw = String(decoding: CaseReportSVG.document(Self.bars + [CaseReportBar(label: long, cases: 2, resolved: 1, withinSLA: 1,
                                                                                        p90Hours: 1, satisfactionRate: 1, reopened: 0)],
                                                          title: "月度 <报告> & co"), as: UTF8.self)
        let check = SVGCheck.parse(Array(raw.utf8))
        #expect(check.failure == nil)
        #expect(raw.contains("R&amp;D &lt;售后&gt; (AS)"))
        #expect(check.text.contains("月度 <报告> & co"))
        #expect(check.text.contains(long + ": 1 resolved within SLA 按时解决"), "the tooltip names the department whole")
        let shown = raw.components(separatedBy: "\n").first { $0.hasPrefix("<text") && $0.contains("很长的部门名称") && $0.hasSuffix("…</text>") }
        #expect(shown != nil, "the label is cut with an ellipsis")
        #expect(ChartText.width(CaseReportSVG.fitted(long), size: 12) <= CaseReportSVG.labelLimit)

        let empty = SVGCheck.parse(CaseReportSVG.document([], title: "2024-01"))
        #expect(empty.failure == nil)
        #expect(empty.text.contains("No cases this month"))
    }
}
