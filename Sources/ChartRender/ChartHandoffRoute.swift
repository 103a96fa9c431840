// Where the SVG export draws a hand-off link (对接): one cubic Bézier from an edge of the source
// unit's box to an edge of the target's, in layout coordinates, with the place of its label.
// Each link, shortest first, takes among side-to-side curves and arches over, under or beside the
// boxes the one crossing the fewest other boxes and running least along tree connectors or earlier
// links, then the shortest; ends sharing a box side are spread along it (off the middle of a top
// or bottom, where the tree's connector is), so no two links coincide. Pure geometry, no I/O.


package struct ChartHandoffRoute: Sendable {
    package struct Point: Sendable, Equatable {
        package var x: Double, y: Double
    }

    package enum Side: Sendable, CaseIterable {
        case top, bottom, left, right
    }

    package var index: Int                          // the link's place in Chart.handoffs (its number is index + 1)
    package var from: Side, to: Side                // the sides of the source and target boxes the curve meets
    package var start: Point                        // on the source box's edge
    package var control1: Point, control2: Point
    package var end: Point                          // on the target box's edge, where the arrow points
    package var label = ""                          // number and (shortened) note, drawn at labelCenter
    package var labelCenter = Point(x: 0, y: 0)

    package static let labelSize = 11.0                 // px, font size of the label
    package static let labelHeight = 15.0
    package static let labelMaxWidth = 180.0            // longer notes are cut with "…"; the list under the chart has them whole
    package static let clearances = [10.0, 20, 32, 48, 80, 140, 240, 400]     // tried arch heights beyond the boxes, px
    package static let spacing = 14.0                   // between link ends sharing a side, px
    package static let stubGap = 16.0                   // between the middle of a top or bottom side and the nearest end, px

    package func point(at t: Double) -> Point {
        let u = 1 - t
        let a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t
        return Point(x: a * start.x + b * control1.x + c * control2.x + d * end.x,
                     y: a * start.y + b * control1.y + c * control2.y + d * end.y)
    }

    package var labelWidth: Double { ChartText.width(label, size: Self.labelSize) + 8 }

    package var labelRect: Rect { Rect(around: labelCenter, width: labelWidth, height: Self.labelHeight) }

    /// 33 points along the curve, ends included.
    package var samples: [Point] { (0...32).map { point(at: Double($0) / 32) } }

    /// The point near the middle of the curve where the label overlaps the fewest of `rects`.
    package func placeLabel(avoiding rects: [Rect]) -> (center: Point, overlaps: Int) {
        var best = (center: point(at: 0.5), overlaps: Int.max)
        for t in [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8] {
            let center = point(at: t)
            let area = Rect(around: center, width: labelWidth, height: Self.labelHeight)
            let overlaps = rects.filter { $0.intersects(area) }.count
            if overlaps < best.overlaps { best = (center, overlaps) }
            if overlaps == 0 { break }
        }
        return best
    }

    /// The smallest rectangle holding the curve (sampled), its arrowhead and its label.
    package var bounds: (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        var box = (minX: Double.infinity, minY: Double.infinity, maxX: -Double.infinity, maxY: -Double.infinity)
        for step in 0...64 {
            let p = point(at: Double(step) / 64)
            box = (min(box.minX, p.x - 6), min(box.minY, p.y - 6), max(box.maxX, p.x + 6), max(box.maxY, p.y + 6))
        }
        if !label.isEmpty {
            let half = labelWidth / 2, halfHeight = Self.labelHeight / 2
            box = (min(box.minX, labelCenter.x - half), min(box.minY, labelCenter.y - halfHeight),
                   max(box.maxX, labelCenter.x + half), max(box.maxY, labelCenter.y + halfHeight))
        }
        return box
    }

    /// A route for every link whose two units have a box in `layout` (others are left out: the
    /// list under the chart still names them), in the order of `handoffs`.
    package static func routes(_ handoffs: [ChartHandoff], in layout: ChartLayout) -> [ChartHandoffRoute] {
        var boxIndex: [String: Int] = [:]
        for (index, box) in layout.boxes.enumerated() where boxIndex[box.unitID] == nil { boxIndex[box.unitID] = index }
        let rects = layout.boxes.map { Rect(minX: $0.x, minY: $0.y, maxX: $0.x + $0.width, maxY: $0.y + $0.height) }

        // 1. Per link, shortest first, the cheapest shape between the middles of the box sides;
        //    the tree's connectors and the links routed before are things not to run along.
        let wanted = handoffs.indices.compactMap { index -> (index: Int, source: Int, target: Int)? in
            guard let source = boxIndex[handoffs[index].fromID], let target = boxIndex[handoffs[index].toID] else { return nil }
            return (index, source, target)
        }
        let reach = { (link: (index: Int, source: Int, target: Int)) -> Double in
            let a = rects[link.source], b = rects[link.target]
            return abs(a.minX + a.maxX - b.minX - b.maxX) + abs(a.minY + a.maxY - b.minY - b.maxY)
        }
        var chosen: [(route: ChartHandoffRoute, source: Int, target: Int, clearance: Double)] = []
        var routed: [[Point]] = []
        for link in wanted.sorted(by: { (reach($0), $0.index) < (reach($1), $1.index) }) {
            var best: (route: ChartHandoffRoute, clearance: Double, cost: Double)?
            for shape in shapes(rects[link.source], rects[link.target], same: link.source == link.target) {
                let a = rects[link.source], b = rects[link.target]
                let arch = shape.from == shape.to
                var route = make(link.index, shape.from, shape.to, a.anchor(shape.from, key: order(a, b, shape.from, arch: arch)),
                                 b.anchor(shape.to, key: order(b, a, shape.to, arch: arch)), shape.clearance)
                route.label = labelText(handoffs[link.index], number: link.index + 1)
                let cost = cost(route, rects: rects, segments: layout.segments, routed: routed, source: link.source, target: link.target)
                if cost < best?.cost ?? .infinity { best = (route, shape.clearance, cost) }
            }
            if let best {
                chosen.append((best.route, link.source, link.target, best.clearance))
                routed.append(best.route.samples)
            }
        }
        chosen.sort { $0.route.index < $1.route.index }

        // 2. Ends sharing a box side, spread along it in an order that keeps their curves apart.
        struct End { var route: Int; var isStart: Bool; var key: Double }
        var ends: [SideKey: [End]] = [:]
        for (position, item) in chosen.enumerated() {
            let arch = item.route.from == item.route.to
            let a = rects[item.source], b = rects[item.target]
            ends[SideKey(box: item.source, side: item.route.from), default: []]
                .append(End(route: position, isStart: true, key: order(a, b, item.route.from, arch: arch)))
            ends[SideKey(box: item.target, side: item.route.to), default: []]
                .append(End(route: position, isStart: false, key: order(b, a, item.route.to, arch: arch)))
        }
        var starts = chosen.map { rects[$0.source].middle($0.route.from) }
        var finishes = chosen.map { rects[$0.target].middle($0.route.to) }
        for (side, list) in ends {
            let sorted = list.sorted { ($0.key, $0.route, $0.isStart ? 0 : 1) < ($1.key, $1.route, $1.isStart ? 0 : 1) }
            let rect = rects[side.box]
            let horizontal = side.side == .top || side.side == .bottom
            let length = horizontal ? rect.maxX - rect.minX : rect.maxY - rect.minY
            var shifts: [Double]
            if horizontal {
                // Clear of the middle, where the tree's connector meets the box.
                let before = sorted.filter { $0.key < 0 }.count, after = sorted.count - before
                shifts = (0..<before).map { -stubGap - spacing * Double(before - 1 - $0) }
                    + (0..<after).map { stubGap + spacing * Double($0) }
            } else {
                shifts = sorted.indices.map { (Double($0) - Double(sorted.count - 1) / 2) * spacing }
            }
            let limit = length / 2 - 4
            if let widest = shifts.map(abs).max(), widest > limit { shifts = shifts.map { $0 * limit / widest } }
            for (end, shift) in zip(sorted, shifts) {
                var point = rect.middle(side.side)
                if horizontal { point.x += shift } else { point.y += shift }
                if end.isStart { starts[end.route] = point } else { finishes[end.route] = point }
            }
        }

        // 3. The final curves and their labels, each label where it covers the fewest boxes and
        //    earlier labels.
        var routes: [ChartHandoffRoute] = []
        var taken = rects
        for (position, item) in chosen.enumerated() {
            var route = make(item.route.index, item.route.from, item.route.to, starts[position], finishes[position], item.clearance)
            route.label = item.route.label
            route.labelCenter = route.placeLabel(avoiding: taken).center
            taken.append(route.labelRect)
            routes.append(route)
        }
        return routes
    }

    /// The label on the curve: the link's number, then its note cut to labelMaxWidth.
    package static func labelText(_ link: ChartHandoff, number: Int) -> String {
        guard !link.note.isEmpty else { return "\(number)" }
        let lines = ChartText.wrap(link.note, size: labelSize, limit: labelMaxWidth)
        return "\(number) " + lines[0] + (lines.count > 1 ? "…" : "")
    }

    // MARK: - Geometry

    package struct Rect: Sendable {
        package var minX: Double, minY: Double, maxX: Double, maxY: Double

        package init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
            (self.minX, self.minY, self.maxX, self.maxY) = (minX, minY, maxX, maxY)
        }

        package init(around center: Point, width: Double, height: Double) {
            self.init(minX: center.x - width / 2, minY: center.y - height / 2, maxX: center.x + width / 2, maxY: center.y + height / 2)
        }

        package func middle(_ side: Side) -> Point {
            switch side {
            case .top: Point(x: (minX + maxX) / 2, y: minY)
            case .bottom: Point(x: (minX + maxX) / 2, y: maxY)
            case .left: Point(x: minX, y: (minY + maxY) / 2)
            case .right: Point(x: maxX, y: (minY + maxY) / 2)
            }
        }

        /// Where a lone end sits on a side: the middle of a left or right side; on the top or
        /// bottom, stubGap px off the middle towards `key`'s sign.
        package func anchor(_ side: Side, key: Double) -> Point {
            var point = middle(side)
            if side == .top || side == .bottom { point.x += min(stubGap, (maxX - minX) / 2 - 4) * (key < 0 ? -1 : 1) }
            return point
        }

        package func contains(_ p: Point, inset: Double) -> Bool {
            p.x > minX + inset && p.x < maxX - inset && p.y > minY + inset && p.y < maxY - inset
        }

        package func intersects(_ other: Rect) -> Bool {
            minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
        }
    }

    private struct SideKey: Hashable {
        package var box: Int
        package var side: Side
    }

    package static func normal(_ side: Side) -> Point {
        switch side {
        case .top: Point(x: 0, y: -1)
        case .bottom: Point(x: 0, y: 1)
        case .left: Point(x: -1, y: 0)
        case .right: Point(x: 1, y: 0)
        }
    }

    /// The shapes worth trying from box a to box b: straight across when b lies wholly beside,
    /// above or below a, and arches leaving and entering the same side at every clearance. A
    /// link from a unit to itself loops out of the right side.
    package static func shapes(_ a: Rect, _ b: Rect, same: Bool) -> [(from: Side, to: Side, clearance: Double)] {
        if same { return [(.right, .right, 28)] }
        var shapes: [(from: Side, to: Side, clearance: Double)] = []
        if b.minX >= a.maxX { shapes.append((.right, .left, 0)) }
        if b.maxX <= a.minX { shapes.append((.left, .right, 0)) }
        if b.minY >= a.maxY { shapes.append((.bottom, .top, 0)) }
        if b.maxY <= a.minY { shapes.append((.top, .bottom, 0)) }
        for clearance in clearances {
            for side in Side.allCases { shapes.append((side, side, clearance)) }
        }
        return shapes
    }

    /// The curve between two anchors. Across (opposite sides): it leaves and enters along the
    /// sides' normals. An arch (same side): both control points sit at one level beyond the
    /// farther anchor, so the curve peaks about `clearance` px beyond it.
    package static func make(_ index: Int, _ from: Side, _ to: Side, _ start: Point, _ end: Point, _ clearance: Double) -> ChartHandoffRoute {
        let n1 = normal(from), n2 = normal(to)
        var c1: Point, c2: Point
        if from == to {
            let p1 = start.x * n1.x + start.y * n1.y, p2 = end.x * n1.x + end.y * n1.y
            let level = max(p1, p2) + clearance / 0.75
            c1 = Point(x: start.x + n1.x * (level - p1), y: start.y + n1.y * (level - p1))
            c2 = Point(x: end.x + n1.x * (level - p2), y: end.y + n1.y * (level - p2))
        } else {
            let along = abs((end.x - start.x) * n1.x + (end.y - start.y) * n1.y)
            let reach = max(24, along * 0.45)
            c1 = Point(x: start.x + n1.x * reach, y: start.y + n1.y * reach)
            c2 = Point(x: end.x + n2.x * reach, y: end.y + n2.y * reach)
        }
        return ChartHandoffRoute(index: index, from: from, to: to, start: start, control1: c1, control2: c2, end: end)
    }

    /// What a curve costs: 1,000 per sample point inside a box (other boxes grown by 4 px, its
    /// own two boxes' inside), 400 per box its label cannot avoid, 40 per point skimming another
    /// box (within 8 px), 50 per point within 5 px of a tree connector, 30 per point within 6 px
    /// of a link routed before (away from its ends), plus its length in px.
    package static func cost(_ route: ChartHandoffRoute, rects: [Rect], segments: [ChartLayout.Segment], routed: [[Point]],
                             source: Int, target: Int) -> Double {
        let xs = [route.start.x, route.control1.x, route.control2.x, route.end.x]
        let ys = [route.start.y, route.control1.y, route.control2.y, route.end.y]
        let hull = Rect(minX: xs.min()! - 8, minY: ys.min()! - 8, maxX: xs.max()! + 8, maxY: ys.max()! + 8)
        let near = rects.indices.filter { rects[$0].intersects(hull) }
        let lines = segments.filter {
            hull.intersects(Rect(minX: min($0.x1, $0.x2), minY: min($0.y1, $0.y2), maxX: max($0.x1, $0.x2) + 0.01, maxY: max($0.y1, $0.y2) + 0.01))
        }
        let others = routed.filter { other in other.contains { hull.contains($0, inset: 0) } }
        let points = route.samples
        var total = 0.0
        for step in 1..<points.count {
            let p = points[step], q = points[step - 1]
            total += ((p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y)).squareRoot()
            guard step < points.count - 1 else { break }
            for i in near where rects[i].contains(p, inset: i == source || i == target ? 1 : -4) { total += 1000 }
            if near.contains(where: { $0 != source && $0 != target && rects[$0].contains(p, inset: -8) }) { total += 40 }
            if lines.contains(where: { distance(p, $0) < 5 }) { total += 50 }
            if step > 3 && step < points.count - 4,
               others.contains(where: { $0.contains { ($0.x - p.x) * ($0.x - p.x) + ($0.y - p.y) * ($0.y - p.y) < 36 } }) {
                total += 30
            }
        }
        let label = route.placeLabel(avoiding: near.map { rects[$0] })
        return total + 400 * Double(label.overlaps)
    }

    /// Distance from a point to a segment, in px.
    package static func distance(_ p: Point, _ s: ChartLayout.Segment) -> Double {
        let dx = s.x2 - s.x1, dy = s.y2 - s.y1
        let squared = dx * dx + dy * dy
        let t = squared == 0 ? 0 : max(0, min(1, ((p.x - s.x1) * dx + (p.y - s.y1) * dy) / squared))
        let x = s.x1 + t * dx - p.x, y = s.y1 + t * dy - p.y
        return (x * x + y * y).squareRoot()
    }

    /// Where an end on `side` of box a, whose other end is on box b, sits among the side's ends
    /// (ascending = left to right, or top to bottom). Straight curves follow the other box; for
    /// arches the farther box goes outside, so nested arches do not cross.
    package static func order(_ a: Rect, _ b: Rect, _ side: Side, arch: Bool) -> Double {
        let horizontal = side == .top || side == .bottom
        let d = horizontal ? (b.minX + b.maxX - a.minX - a.maxX) / 2 : (b.minY + b.maxY - a.minY - a.maxY) / 2
        if arch { return d == 0 ? 0 : (d > 0 ? 1 : -1) / (1 + abs(d) / 100) }
        return d / (abs(d) + 100)
    }
}
