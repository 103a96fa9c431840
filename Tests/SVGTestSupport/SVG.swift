// Reading an SVG back in tests: SVGCheck says whether it is well-formed XML and collects its
// text; SVGShapes also collects its elements, each unit's box and its cubic curves, to check the
// geometry ChartSVG draws. Shared by the pure rendering tests (ChartRenderTests) and the
// exports over HTTP (OrgdTests).

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Checks an SVG is well-formed XML and collects its text.
package final class SVGCheck: NSObject, XMLParserDelegate {
    package var text = ""
    package var elements = 0
    package var failure: String?

    package static func parse(_ bytes: [UInt8]) -> SVGCheck {
        let check = SVGCheck()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = check
        if !parser.parse() { check.failure = parser.parserError.map { "\($0)" } ?? "invalid XML" }
        return check
    }

    package func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements += 1
    }

    package func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

/// The elements of an SVG with their attributes, its units' frames and its cubic curves, to check
/// the geometry of what ChartSVG draws.
package final class SVGShapes: NSObject, XMLParserDelegate {
    package struct Element { package var name: String; package var attributes: [String: String] }
    package struct Point: CustomStringConvertible {
        package var x: Double, y: Double
        package var description: String { "(\(x), \(y))" }
    }
    package struct Frame: Equatable, CustomStringConvertible {
        package var x: Double, y: Double, width: Double, height: Double
        package var description: String { "[\(x), \(y)] \(width)×\(height)" }
    }

    package var elements: [Element] = []
    package var boxes: [String: Frame] = [:]        // the first rect inside each <g data-unit>
    package var root: [String: String] = [:]
    package var raw = ""
    package var check = SVGCheck()
    private var unit: String?

    package static func parse(_ bytes: [UInt8]) -> SVGShapes {
        let shapes = SVGShapes()
        shapes.raw = String(decoding: bytes, as: UTF8.self)
        shapes.check = SVGCheck.parse(bytes)
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = shapes
        _ = parser.parse()
        return shapes
    }

    package func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributes))
        if elementName == "svg" { root = attributes }
        if elementName == "g", let id = attributes["data-unit"] { unit = id }
        if elementName == "rect", let id = unit, boxes[id] == nil,
           let x = Double(attributes["x"] ?? ""), let y = Double(attributes["y"] ?? ""),
           let w = Double(attributes["width"] ?? ""), let h = Double(attributes["height"] ?? "") {
            boxes[id] = Frame(x: x, y: y, width: w, height: h)
        }
    }

    package func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "g" { unit = nil }
    }

    /// The four points of a path "M x y C x y x y x y"; nil for any other path.
    package static func curve(_ d: String) -> [Point]? {
        let parts = d.replacingOccurrences(of: "M", with: " ").replacingOccurrences(of: "C", with: " ")
            .replacingOccurrences(of: ",", with: " ").split(separator: " ").compactMap { Double($0) }
        guard parts.count == 8, d.hasPrefix("M"), d.contains("C") else { return nil }
        return stride(from: 0, to: 8, by: 2).map { Point(x: parts[$0], y: parts[$0 + 1]) }
    }

    package static func samples(_ c: [Point], count: Int = 100) -> [Point] {
        (0...count).map { step in
            let t = Double(step) / Double(count), u = 1 - t
            let a = u * u * u, b = 3 * u * u * t, cc = 3 * u * t * t, d = t * t * t
            return Point(x: a * c[0].x + b * c[1].x + cc * c[2].x + d * c[3].x, y: a * c[0].y + b * c[1].y + cc * c[2].y + d * c[3].y)
        }
    }

    /// On the frame's border, within the 0.1 px the SVG's coordinates are rounded to.
    package static func onEdge(_ p: Point, _ f: Frame) -> Bool {
        let e = 0.11
        let withinX = p.x >= f.x - e && p.x <= f.x + f.width + e, withinY = p.y >= f.y - e && p.y <= f.y + f.height + e
        let onVertical = abs(p.x - f.x) <= e || abs(p.x - f.x - f.width) <= e
        let onHorizontal = abs(p.y - f.y) <= e || abs(p.y - f.y - f.height) <= e
        return withinX && withinY && (onVertical || onHorizontal)
    }

    package static func inside(_ p: Point, _ f: Frame) -> Bool {
        p.x > f.x && p.x < f.x + f.width && p.y > f.y && p.y < f.y + f.height
    }
}
