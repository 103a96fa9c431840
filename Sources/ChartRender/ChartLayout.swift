// Top-down tree layout for the SVG export, without font metrics or Graphviz. Each unit is a box
// whose lines (name, positions, holders, vacancies) are measured with ChartText.width; a subtree
// is laid out bottom-up as a block: the unit's box centred over a row of its children's blocks
// (a width-accumulating layout). When a row would be wider than `maxRowWidth` the children wrap
// into several rows hung from a trunk on the left, so a unit with 200 groups makes a grid
// rather than a 20,000-px line; the picture's width stays near `maxRowWidth` at any size.

package struct ChartLayout: Sendable {
    package enum Style: Sendable, Equatable {
        case header, detail, muted, holder, concurrent, vacant
    }

    /// A run of text on a line; `badge` runs are drawn in a rounded box (兼任, 代理).
    package struct Run: Sendable, Equatable {
        package var text: String
        package var style: Style
        package var badge = false
    }

    package struct Line: Sendable {
        package var runs: [Run]
        package var vacant = false          // drawn inside a red dashed frame
    }

    package struct Box: Sendable {
        package var unitID: String
        package var x: Double, y: Double, width: Double, height: Double
        package var lines: [Line]
    }

    package struct Segment: Sendable {
        package var x1: Double, y1: Double, x2: Double, y2: Double
    }

    package var boxes: [Box] = []
    package var segments: [Segment] = []
    package var width = 0.0
    package var height = 0.0

    // Sizes in px.
    package static let fontSize = 12.0
    package static let headerSize = 14.0
    package static let lineHeight = 18.0
    package static let headerHeight = 24.0
    package static let padding = 8.0
    package static let maxTextWidth = 240.0     // box content wraps beyond this
    package static let minBoxWidth = 120.0
    package static let gap = 24.0               // between sibling blocks
    package static let levelGap = 44.0          // between a box and its children's row
    package static let trunkMargin = 16.0       // left of wrapped rows, for the trunk

    package static func lineHeight(_ line: Line) -> Double {
        line.runs.first?.style == .header ? headerHeight : lineHeight
    }

    package static func size(_ run: Run) -> Double { run.style == .header ? headerSize : fontSize }

    /// Width of a line: its runs plus badge padding and a space between runs.
    package static func width(_ line: Line) -> Double {
        var total = 0.0
        for (index, run) in line.runs.enumerated() {
            total += ChartText.width(run.text, size: size(run)) + (run.badge ? 8 : 0) + (index > 0 ? 4 : 0)
        }
        return total + (line.vacant ? 8 : 0)
    }

    /// The lines of a unit's box: name and tier; per position its title, grade and filled/
    /// headcount, its holders (wrapped, concurrent and acting holders badged) and a vacancy line.
    package static func lines(_ unit: ChartUnit) -> [Line] {
        var lines: [Line] = []
        var header = [Run(text: unit.name, style: .header)]
        if let tier = unit.tier { header.append(Run(text: tier, style: .muted)) }
        lines.append(Line(runs: header))
        for seat in unit.seats {
            var runs = [Run(text: seat.title, style: .detail)]
            if let grade = seat.grade { runs.append(Run(text: grade, style: .muted)) }
            runs.append(Run(text: seat.occupancy, style: .muted))
            lines += wrapped(runs)
            var holders: [Run] = []
            for (index, holder) in seat.holders.enumerated() {
                let comma = index < seat.holders.count - 1 && holder.kind == "primary" ? "," : ""
                holders.append(Run(text: "\(index == 0 ? "· " : "")\(holder.name)\(comma)", style: .holder))
                switch holder.kind {
                case "concurrent": holders.append(Run(text: "兼任", style: .concurrent, badge: true))
                case "acting": holders.append(Run(text: "代理", style: .concurrent, badge: true))
                default: break
                }
            }
            if !holders.isEmpty { lines += wrapped(holders) }
            if seat.vacant > 0 {
                lines.append(Line(runs: [Run(text: "暂缺 vacant ×\(seat.vacant)", style: .vacant)], vacant: true))
            }
        }
        return lines
    }

    /// Runs packed into lines no wider than maxTextWidth; a single run too wide is cut.
    package static func wrapped(_ runs: [Run]) -> [Line] {
        var lines: [Line] = []
        var current: [Run] = []
        for run in runs {
            var pieces = [run]
            if ChartText.width(run.text, size: size(run)) > maxTextWidth {
                pieces = ChartText.wrap(run.text, size: size(run), limit: maxTextWidth).map { Run(text: $0, style: run.style, badge: run.badge) }
            }
            for piece in pieces {
                if !current.isEmpty && width(Line(runs: current + [piece])) > maxTextWidth {
                    lines.append(Line(runs: current))
                    current = []
                }
                current.append(piece)
            }
        }
        if !current.isEmpty { lines.append(Line(runs: current)) }
        return lines
    }

    /// Lays out `root`'s subtree with its top-left corner at (0, 0).
    package static func layout(_ root: ChartUnit, maxRowWidth: Double = 2400) -> ChartLayout {
        var result = block(root, maxRowWidth: maxRowWidth)
        result.width = max(result.width, minBoxWidth)
        return result
    }

    private static func block(_ unit: ChartUnit, maxRowWidth: Double) -> ChartLayout {
        let lines = lines(unit)
        let textWidth = lines.map(width).max() ?? 0
        let boxWidth = max(minBoxWidth, textWidth + 2 * padding)
        let boxHeight = lines.map(lineHeight).reduce(0, +) + 2 * padding - 4
        var out = ChartLayout()
        var box = Box(unitID: unit.id, x: 0, y: 0, width: boxWidth, height: boxHeight, lines: lines)
        guard !unit.children.isEmpty else {
            out.boxes = [box]
            out.width = boxWidth
            out.height = boxHeight
            return out
        }
        let children = unit.children.map { block($0, maxRowWidth: maxRowWidth) }
        // Rows of children, each at most maxRowWidth wide (a child wider than that gets its own row).
        var rows: [[Int]] = [[]]
        var rowWidth = 0.0
        for (index, child) in children.enumerated() {
            let added = (rows[rows.count - 1].isEmpty ? 0 : gap) + child.width
            if !rows[rows.count - 1].isEmpty && rowWidth + added > maxRowWidth {
                rows.append([])
                rowWidth = 0
            }
            rowWidth += rows[rows.count - 1].isEmpty ? child.width : added
            rows[rows.count - 1].append(index)
        }
        let rowWidths = rows.map { row in row.map { children[$0].width }.reduce(0, +) + gap * Double(row.count - 1) }
        let wrappedRows = rows.count > 1
        let childrenWidth = (rowWidths.max() ?? 0) + (wrappedRows ? trunkMargin : 0)
        let blockWidth = max(boxWidth, childrenWidth)
        box.x = (blockWidth - boxWidth) / 2
        out.boxes.append(box)
        let parentX = box.x + boxWidth / 2
        var top = boxHeight + levelGap
        let trunkX = trunkMargin / 2
        var busYs: [Double] = []
        for (rowIndex, row) in rows.enumerated() {
            let busY = top - levelGap / 2
            busYs.append(busY)
            var x = wrappedRows ? trunkMargin : (blockWidth - rowWidths[rowIndex]) / 2
            var centers: [Double] = []
            var rowHeight = 0.0
            for index in row {
                let child = children[index]
                let center = x + child.boxes[0].x + child.boxes[0].width / 2
                centers.append(center)
                out.segments.append(Segment(x1: center, y1: busY, x2: center, y2: top))
                out.boxes += child.boxes.map { var moved = $0; moved.x += x; moved.y += top; return moved }
                out.segments += child.segments.map { Segment(x1: $0.x1 + x, y1: $0.y1 + top, x2: $0.x2 + x, y2: $0.y2 + top) }
                rowHeight = max(rowHeight, child.height)
                x += child.width + gap
            }
            var from = centers.min() ?? parentX
            var to = centers.max() ?? parentX
            if rowIndex == 0 { from = min(from, parentX); to = max(to, parentX) }
            if wrappedRows { from = min(from, trunkX) }
            if to > from { out.segments.append(Segment(x1: from, y1: busY, x2: to, y2: busY)) }
            top += rowHeight + levelGap
        }
        out.segments.append(Segment(x1: parentX, y1: boxHeight, x2: parentX, y2: busYs[0]))
        if wrappedRows { out.segments.append(Segment(x1: trunkX, y1: busYs[0], x2: trunkX, y2: busYs[busYs.count - 1])) }
        out.width = blockWidth
        out.height = top - levelGap
        return out
    }
}
