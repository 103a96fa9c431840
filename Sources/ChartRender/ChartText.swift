// Text helpers for the drawn exports (SVG, DOT): XML escaping and a width estimate good enough
// to size boxes without font metrics — CJK and other wide glyphs about 1em, Latin about 0.6em.

package enum ChartText {
    /// Escapes &, <, >, " and ' for XML text and attribute values; drops characters XML 1.0
    /// forbids (C0 controls other than tab, newline and carriage return).
    package static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether a scalar is drawn about one em wide: CJK ideographs, kana, hangul, fullwidth forms
    /// and CJK punctuation.
    package static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Estimated width in pixels of `text` at `size` px.
    package static func width(_ text: String, size: Double) -> Double {
        var ems = 0.0
        for scalar in text.unicodeScalars { ems += isWide(scalar) ? 1.0 : 0.6 }
        return ems * size
    }

    /// Splits `text` into lines no wider than `limit` px, between any two characters (CJK text
    /// has no spaces to break at).
    package static func wrap(_ text: String, size: Double, limit: Double) -> [String] {
        guard width(text, size: size) > limit else { return [text] }
        var lines: [String] = []
        var line = ""
        var lineWidth = 0.0
        for character in text {
            let w = width(String(character), size: size)
            if lineWidth + w > limit && !line.isEmpty {
                lines.append(line)
                line = ""
                lineWidth = 0
                if character == " " { continue }
            }
            line.append(character)
            lineWidth += w
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
