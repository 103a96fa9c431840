// Graphviz DOT export of a chart: one node per unit whose HTML-like label lists its positions
// with holders; vacant seats on a red "暂缺 vacant" line, concurrent (兼任) and acting (代理)
// holders tagged in orange. Tree edges are solid; hand-off links (对接) are dashed blue edges
// that do not constrain the ranking. Render with `dot -Tsvg` or `dot -Tpng`.

package enum ChartDOT {
    package static let fonts = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, sans-serif"

    /// The node id of a unit: "u" and its id without dashes.
    package static func node(_ id: String) -> String {
        "u" + id.filter { $0 != "-" }
    }

    package static func document(_ chart: Chart) -> [UInt8] {
        var out = "digraph orgchart {\n"
        out += "  graph [rankdir=TB, fontname=\"\(fonts)\", label=\"\(quoted(chart.root.name)) · as of \(chart.asOf)\", labelloc=t];\n"
        out += "  node [shape=plain, fontname=\"\(fonts)\", fontsize=11];\n"
        out += "  edge [arrowhead=none, color=\"#555555\"];\n"
        for unit in chart.units {
            out += "  \(node(unit.id)) [label=<\(label(unit))>];\n"
        }
        for unit in chart.units {
            for child in unit.children { out += "  \(node(unit.id)) -> \(node(child.id));\n" }
        }
        for link in chart.handoffs {
            let note = link.note.isEmpty ? "对接" : "对接: " + link.note
            out += "  \(node(link.fromID)) -> \(node(link.toID)) [style=dashed, color=\"#1f5fbf\", fontcolor=\"#1f5fbf\", "
            out += "arrowhead=normal, constraint=false, label=\"\(quoted(note))\"];\n"
        }
        out += "}\n"
        return Array(out.utf8)
    }

    /// The unit's HTML-like table: name row, then one row per position and one per vacancy.
    package static func label(_ unit: ChartUnit) -> String {
        var html = "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"3\" COLOR=\"#333333\">"
        var title = ChartText.xml(unit.name)
        if let tier = unit.tier { title += " <FONT POINT-SIZE=\"9\">(\(ChartText.xml(tier)))</FONT>" }
        html += "<TR><TD BGCOLOR=\"#e8eef7\"><B>\(title)</B></TD></TR>"
        for seat in unit.seats {
            var line = ChartText.xml(seat.title)
            if let grade = seat.grade { line += " <FONT COLOR=\"#666666\">\(ChartText.xml(grade))</FONT>" }
            line += " <FONT COLOR=\"#666666\">[\(ChartText.xml(seat.occupancy))]</FONT>"
            let names = seat.holders.map { holder -> String in
                let name = ChartText.xml(holder.name)
                switch holder.kind {
                case "concurrent": return name + "<FONT COLOR=\"#b35c00\">(兼任)</FONT>"
                case "acting": return name + "<FONT COLOR=\"#b35c00\">(代理)</FONT>"
                default: return name
                }
            }
            if !names.isEmpty { line += ": " + names.joined(separator: ", ") }
            html += "<TR><TD ALIGN=\"LEFT\">\(line)</TD></TR>"
            if seat.vacant > 0 {
                html += "<TR><TD ALIGN=\"LEFT\" BGCOLOR=\"#fdecea\"><FONT COLOR=\"#c62828\">  暂缺 vacant ×\(seat.vacant)</FONT></TD></TR>"
            }
        }
        html += "</TABLE>"
        return html
    }

    /// Text for a double-quoted DOT string: backslashes and quotes escaped, newlines as \n.
    package static func quoted(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n", "\r\n": out += "\\n"
            case "\r": break
            default: out.append(character)
            }
        }
        return out
    }
}
