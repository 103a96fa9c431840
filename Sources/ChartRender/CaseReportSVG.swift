// The monthly quality report's chart (每月汇总问题并反馈): one horizontal bar per department, as
// long as its cases of the month, split into resolved within the SLA, resolved late and not yet
// resolved, with its figures beside it (within-SLA rate, p90 hours to resolve, satisfaction,
// reopens). Pure: plain values in, bytes out; text XML-escaped and CJK-first fonts as in ChartSVG.

import Foundation

/// One department's bar.
package struct CaseReportBar: Sendable {
    package var label: String                   // the department as shown: its name and code
    package var cases: Int                      // received in the month
    package var resolved: Int                   // of them, resolved (at least once)
    package var withinSLA: Int                  // of the resolved, with no SLA breach
    package var p90Hours: Double?               // 90th percentile of hours from receipt to resolution
    package var satisfactionRate: Double?       // satisfied / followed up, 0…1
    package var reopened: Int

    package init(label: String, cases: Int, resolved: Int, withinSLA: Int, p90Hours: Double?, satisfactionRate: Double?, reopened: Int) {
        self.label = label
        self.cases = cases
        self.resolved = resolved
        self.withinSLA = withinSLA
        self.p90Hours = p90Hours
        self.satisfactionRate = satisfactionRate
        self.reopened = reopened
    }
}

package enum CaseReportSVG {
    static let segments: [(name: String, colour: String, label: String)] = [
        ("within_sla", "#2e7d32", "resolved within SLA 按时解决"), ("late", "#ef8f00", "resolved late 超时解决"),
        ("open", "#b0b7c3", "not resolved 未解决"),
    ]
    static let barWidth = 460.0                 // the longest bar (the department with most cases)
    static let rowHeight = 30.0
    static let labelLimit = 260.0               // labels longer than this are cut with an ellipsis
    static let figuresWidth = 470.0

    /// The chart of `bars` (drawn in the order given), titled `title`.
    package static func document(_ bars: [CaseReportBar], title: String) -> [UInt8] {
        let n = ChartSVG.n, m = ChartSVG.margin
        let labels = bars.map { fitted($0.label) }
        let labelWidth = min(labelLimit, labels.map { ChartText.width($0, size: 12) }.max() ?? 0) + 12
        let most = max(bars.map(\.cases).max() ?? 0, 1)
        let top = m + ChartSVG.titleHeight + 20
        let chartHeight = bars.isEmpty ? rowHeight : rowHeight * Double(bars.count)
        let width = max(2 * m + labelWidth + barWidth + 12 + figuresWidth, ChartText.width(title, size: 18) + 2 * m).rounded(.up)
        let height = (top + chartHeight + 60 + m).rounded(.up)

        var svg = ChartSVG.opening(width: width, height: height, title: title)
        svg += "<text x=\"\(n(m + labelWidth))\" y=\"\(n(top - 8))\" fill=\"#555555\">0</text>\n"
        svg += "<text x=\"\(n(m + labelWidth + barWidth))\" y=\"\(n(top - 8))\" text-anchor=\"end\" fill=\"#555555\">\(most) cases 件</text>\n"
        if bars.isEmpty {
            svg += "<text x=\"\(n(m))\" y=\"\(n(top + 18))\" fill=\"#555555\">No cases this month 本月无工单</text>\n"
        }
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * rowHeight
            svg += row(bar, label: labels[index], x: m, y: y, labelWidth: labelWidth, scale: barWidth / Double(most))
        }
        svg += legend(x: m, y: top + chartHeight + 30)
        svg += "</svg>\n"
        return Array(svg.utf8)
    }

    /// The label cut to `labelLimit` px with an ellipsis (the bar's tooltip keeps it whole).
    static func fitted(_ label: String) -> String {
        guard ChartText.width(label, size: 12) > labelLimit else { return label }
        return (ChartText.wrap(label, size: 12, limit: labelLimit - 12).first ?? "") + "…"
    }

    /// The parts of a bar, in the legend's order: resolved within the SLA, resolved late, open.
    package static func parts(_ bar: CaseReportBar) -> [Int] {
        let within = min(max(bar.withinSLA, 0), bar.resolved)
        return [within, max(bar.resolved - within, 0), max(bar.cases - bar.resolved, 0)]
    }

    /// One department: its label, its bar's three segments (each with a tooltip), its figures.
    static func row(_ bar: CaseReportBar, label: String, x: Double, y: Double, labelWidth: Double, scale: Double) -> String {
        let n = ChartSVG.n
        var svg = "<g data-department=\"\(ChartText.xml(bar.label))\">\n"
        svg += "<text x=\"\(n(x))\" y=\"\(n(y + 15))\" fill=\"#1a1a1a\">\(ChartText.xml(label))</text>\n"
        var left = x + labelWidth
        for (segment, count) in zip(segments, parts(bar)) where count > 0 {
            let w = Double(count) * scale
            svg += "<rect data-segment=\"\(segment.name)\" x=\"\(n(left))\" y=\"\(n(y + 3))\" width=\"\(n(w))\" height=\"18\" "
                + "fill=\"\(segment.colour)\"><title>\(ChartText.xml("\(bar.label): \(count) \(segment.label)"))</title></rect>\n"
            left += w
        }
        let figures = ["\(bar.cases) cases", "within SLA \(percent(bar.resolved == 0 ? nil : Double(bar.withinSLA) / Double(bar.resolved)))",
                       "p90 \(bar.p90Hours.map { "\(ChartSVG.n($0)) h" } ?? "–")", "satisfied \(percent(bar.satisfactionRate))",
                       "reopened \(bar.reopened)"].joined(separator: " · ")
        svg += "<text x=\"\(n(x + labelWidth + barWidth + 12))\" y=\"\(n(y + 15))\" fill=\"#333333\">\(ChartText.xml(figures))</text>\n"
        return svg + "</g>\n"
    }

    /// A rate as a whole percentage, or a dash when there is nothing to divide.
    static func percent(_ rate: Double?) -> String {
        rate.map { "\(Int(($0 * 100).rounded()))%" } ?? "–"
    }

    static func legend(x: Double, y: Double) -> String {
        let n = ChartSVG.n
        var svg = ""
        for (index, segment) in segments.enumerated() {
            let left = x + Double(index) * 220
            svg += "<rect x=\"\(n(left))\" y=\"\(n(y - 10))\" width=\"12\" height=\"12\" fill=\"\(segment.colour)\"/>"
            svg += "<text x=\"\(n(left + 18))\" y=\"\(n(y))\">\(ChartText.xml(segment.label))</text>\n"
        }
        return svg
    }
}
