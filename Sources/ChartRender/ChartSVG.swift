// SVG export of a chart, drawn by orgd itself (no Graphviz at run time) from ChartLayout: a
// title, the unit boxes and their grey tree connectors, the hand-off links (对接) as dashed blue
// arrows routed by ChartHandoffRoute and labelled with their number and note, and under the chart
// a legend and the numbered list of the links. Vacant seats are red dashed "暂缺 vacant ×n" lines;
// concurrent (兼任) and acting (代理) holders carry an orange badge. The picture grows to hold
// curves that leave the tree's box. All text is XML-escaped; the font stack names CJK fonts first
// so Chinese renders wherever one of them is installed.

package enum ChartSVG {
    package static let fonts = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, sans-serif"
    package static let margin = 24.0
    package static let titleHeight = 40.0

    package static func document(_ chart: Chart, maxRowWidth: Double = 2400) -> [UInt8] {
        let layout = ChartLayout.layout(chart.root, maxRowWidth: maxRowWidth)
        let routes = ChartHandoffRoute.routes(chart.handoffs, in: layout)
        let title = "\(chart.root.name) (\(chart.root.code)) · as of \(chart.asOf)"
        let links = chart.handoffs.enumerated().map { index, link in
            "\(index + 1). 对接 hand-off: \(link.fromName) → \(link.toName)\(link.note.isEmpty ? "" : " (\(link.note))")"
        }
        // The drawing: the tree's box grown to hold every curve and label.
        var extent = (minX: 0.0, minY: 0.0, maxX: layout.width, maxY: layout.height)
        for route in routes {
            let b = route.bounds
            extent = (min(extent.minX, b.minX), min(extent.minY, b.minY), max(extent.maxX, b.maxX), max(extent.maxY, b.maxY))
        }
        let footerHeight = 30.0 + 18.0 * Double(1 + (links.isEmpty ? 0 : 1 + links.count))
        // The legend lines are at most about 560 px wide; the title and the list of links are measured.
        let textWidths = ([title] + links).map { ChartText.width($0, size: 18) } + [560]
        let width = (max(extent.maxX - extent.minX, textWidths.max() ?? 0) + 2 * margin).rounded(.up)
        let height = (extent.maxY - extent.minY + titleHeight + footerHeight + 2 * margin).rounded(.up)
        let left = margin - extent.minX, top = margin + titleHeight - extent.minY

        var svg = opening(width: width, height: height, title: title, defs: """
            <defs><marker id="handoff-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" \
            orient="auto" markerUnits="strokeWidth"><path d="M0,0 L10,5 L0,10 z" fill="#1f5fbf"/></marker></defs>

            """)
        svg += "<g stroke=\"#7a7a7a\" stroke-width=\"1.2\" fill=\"none\">\n"
        for s in layout.segments {
            svg += "<line x1=\"\(n(s.x1 + left))\" y1=\"\(n(s.y1 + top))\" x2=\"\(n(s.x2 + left))\" y2=\"\(n(s.y2 + top))\"/>\n"
        }
        svg += "</g>\n"
        for box in layout.boxes { svg += draw(box, left: left, top: top) }
        svg += draw(routes, handoffs: chart.handoffs, left: left, top: top)
        svg += legend(x: margin, y: top + extent.maxY + 30, handoffs: links)
        svg += "</svg>\n"
        return Array(svg.utf8)
    }

    /// The hand-off links over the boxes: each a white halo under a dashed blue curve ending in
    /// an arrowhead, then the labels on white, so links stay legible where they cross a box.
    package static func draw(_ routes: [ChartHandoffRoute], handoffs: [ChartHandoff], left: Double, top: Double) -> String {
        guard !routes.isEmpty else { return "" }
        func d(_ r: ChartHandoffRoute) -> String {
            "M\(n(r.start.x + left)) \(n(r.start.y + top)) C\(n(r.control1.x + left)) \(n(r.control1.y + top)) "
                + "\(n(r.control2.x + left)) \(n(r.control2.y + top)) \(n(r.end.x + left)) \(n(r.end.y + top))"
        }
        var svg = "<g fill=\"none\" stroke-linecap=\"round\">\n"
        for route in routes {
            svg += "<path class=\"handoff-halo\" d=\"\(d(route))\" stroke=\"#ffffff\" stroke-opacity=\"0.85\" stroke-width=\"5\"/>\n"
        }
        for route in routes {
            let link = handoffs[route.index]
            svg += "<path class=\"handoff\" data-from=\"\(ChartText.xml(link.fromID))\" data-to=\"\(ChartText.xml(link.toID))\" d=\"\(d(route))\" "
            svg += "stroke=\"#1f5fbf\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" marker-end=\"url(#handoff-arrow)\"/>\n"
        }
        svg += "</g>\n<g font-size=\"\(n(ChartHandoffRoute.labelSize))\" fill=\"#1f5fbf\">\n"
        for route in routes {
            let x = route.labelCenter.x + left - route.labelWidth / 2, y = route.labelCenter.y + top - ChartHandoffRoute.labelHeight / 2
            let number = "\(route.index + 1)"
            let note = route.label.dropFirst(number.count)
            svg += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(route.labelWidth))\" height=\"\(n(ChartHandoffRoute.labelHeight))\" rx=\"7\" "
            svg += "fill=\"#ffffff\" fill-opacity=\"0.92\" stroke=\"#1f5fbf\" stroke-width=\"0.8\"/>\n"
            svg += "<text class=\"handoff-label\" x=\"\(n(x + 4))\" y=\"\(n(y + ChartHandoffRoute.labelHeight - 4))\"><tspan font-weight=\"bold\">\(number)</tspan>"
            svg += "\(ChartText.xml(String(note)))</text>\n"
        }
        return svg + "</g>\n"
    }

    /// One unit: a rounded frame, a tinted header and its lines.
    package static func draw(_ box: ChartLayout.Box, left: Double, top: Double) -> String {
        let x = box.x + left, y = box.y + top
        var svg = "<g data-unit=\"\(ChartText.xml(box.unitID))\">\n"
        svg += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(box.width))\" height=\"\(n(box.height))\" rx=\"5\" fill=\"#fbfcfe\" stroke=\"#4a6fa5\" stroke-width=\"1.3\"/>\n"
        svg += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(box.width))\" height=\"\(n(ChartLayout.headerHeight + 2))\" rx=\"5\" fill=\"#dfe8f5\"/>\n"
        var lineTop = y + ChartLayout.padding - 2
        for line in box.lines {
            let height = ChartLayout.lineHeight(line)
            let baseline = lineTop + height - (line.runs.first?.style == .header ? 8 : 5)
            var cursor = x + ChartLayout.padding
            if line.vacant {
                svg += "<rect x=\"\(n(cursor))\" y=\"\(n(lineTop + 1))\" width=\"\(n(ChartLayout.width(line)))\" height=\"\(n(height - 2))\" rx=\"3\" fill=\"#fdecea\" stroke=\"#c62828\" stroke-dasharray=\"4 2\"/>\n"
                cursor += 4
            }
            for (index, run) in line.runs.enumerated() {
                if index > 0 { cursor += 4 }
                let size = ChartLayout.size(run)
                let runWidth = ChartText.width(run.text, size: size)
                if run.badge {
                    svg += "<rect x=\"\(n(cursor))\" y=\"\(n(lineTop + 2))\" width=\"\(n(runWidth + 8))\" height=\"\(n(height - 4))\" rx=\"7\" fill=\"#fff3e0\" stroke=\"#e08a00\"/>\n"
                    cursor += 4
                }
                svg += "<text x=\"\(n(cursor))\" y=\"\(n(baseline))\"\(attributes(run.style))>\(ChartText.xml(run.text))</text>\n"
                cursor += runWidth + (run.badge ? 4 : 0)
            }
            lineTop += height
        }
        return svg + "</g>\n"
    }

    package static func attributes(_ style: ChartLayout.Style) -> String {
        switch style {
        case .header: " font-size=\"14\" font-weight=\"bold\" fill=\"#1a1a1a\""
        case .detail: " fill=\"#1a1a1a\""
        case .muted: " fill=\"#6b6b6b\" font-size=\"11\""
        case .holder: " fill=\"#1d4e89\""
        case .concurrent: " fill=\"#a85800\" font-size=\"11\""
        case .vacant: " fill=\"#c62828\" font-weight=\"bold\""
        }
    }

    /// The legend (vacant seat, concurrent and acting badges); when the chart has hand-off
    /// links, a line showing their style and then the numbered list of them.
    package static func legend(x: Double, y: Double, handoffs: [String]) -> String {
        var svg = "<g font-size=\"12\">\n"
        svg += "<text x=\"\(n(x))\" y=\"\(n(y))\" fill=\"#444444\">图例 legend:</text>\n"
        svg += "<rect x=\"\(n(x + 84))\" y=\"\(n(y - 13))\" width=\"112\" height=\"17\" rx=\"3\" fill=\"#fdecea\" stroke=\"#c62828\" stroke-dasharray=\"4 2\"/>\n"
        svg += "<text x=\"\(n(x + 88))\" y=\"\(n(y))\" fill=\"#c62828\" font-weight=\"bold\">暂缺 vacant seat</text>\n"
        svg += "<rect x=\"\(n(x + 208))\" y=\"\(n(y - 13))\" width=\"34\" height=\"17\" rx=\"7\" fill=\"#fff3e0\" stroke=\"#e08a00\"/>\n"
        svg += "<text x=\"\(n(x + 213))\" y=\"\(n(y))\" fill=\"#a85800\">兼任</text>\n"
        svg += "<text x=\"\(n(x + 248))\" y=\"\(n(y))\" fill=\"#444444\">concurrent post; 代理 acting; n/m = holders/headcount</text>\n"
        guard !handoffs.isEmpty else { return svg + "</g>\n" }
        let styleY = y + 20
        svg += "<path d=\"M\(n(x + 84)) \(n(styleY - 4)) L\(n(x + 128)) \(n(styleY - 4))\" fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"1.5\" "
        svg += "stroke-dasharray=\"6 4\" marker-end=\"url(#handoff-arrow)\"/>\n"
        svg += "<text x=\"\(n(x + 136))\" y=\"\(n(styleY))\" fill=\"#1f5fbf\">对接 hand-off link, from → to, numbered as below</text>\n"
        for (index, line) in handoffs.enumerated() {
            svg += "<text x=\"\(n(x))\" y=\"\(n(styleY + 20 + 18 * Double(index)))\" fill=\"#1f5fbf\">\(ChartText.xml(line))</text>\n"
        }
        return svg + "</g>\n"
    }

    /// The start of every drawing: the XML declaration, the <svg> element of `width`×`height` in
    /// the CJK-first fonts, its title, `defs` (lines of their own), a white background and the
    /// title written large at the top left. The caller appends the rest and `</svg>`.
    package static func opening(width: Double, height: Double, title: String, defs: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" \
        font-family="\(fonts)" font-size="12">
        <title>\(ChartText.xml(title))</title>
        \(defs)<rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="#ffffff"/>
        <text x="\(n(margin))" y="\(n(margin + 18))" font-size="18" font-weight="bold" fill="#1a1a1a">\(ChartText.xml(title))</text>

        """
    }

    /// A coordinate with at most one decimal.
    package static func n(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(tenths / 10)
    }
}
