// The ceiling on every string a client sends: a maximum length per field name and whether line
// breaks belong in it. Applied to every string of every JSON body as it is decoded (and by the
// import to every cell), so no free-text field is unbounded, and NUL or other control
// characters never reach the database, where they would fail without naming the field.
// Lengths count Unicode scalars, as JSON Schema's maxLength does (一 is one character).

public struct TextRules: Sendable {
    public struct Limit: Sendable, Equatable {
        public var maxLength: Int       // Unicode scalars
        public var multiline: Bool      // true: TAB, LF and CR are allowed; other controls never are

        public init(maxLength: Int, multiline: Bool = false) {
            self.maxLength = maxLength
            self.multiline = multiline
        }
    }

    public var limits: [String: Limit]  // by field name, the last key of the path ("name", "description")
    public var fallback: Limit          // every field not named in `limits`

    public init(limits: [String: Limit], fallback: Limit) {
        self.limits = limits
        self.fallback = fallback
    }

    /// A generous ceiling for callers that name no rules (tests, tools).
    public static let lenient = TextRules(limits: [:], fallback: Limit(maxLength: 100_000, multiline: true))

    public func limit(for name: String) -> Limit { limits[name] ?? fallback }

    /// Throws a FieldError at `field`: rule "control_character" for NUL, for a C0 or C1
    /// control (line breaks and tabs excepted in multi-line fields) or DEL; rule "length" when
    /// the text is longer than the field's maximum.
    public func check(_ text: String, field: @autoclosure () -> String, name: String) throws(FieldError) {
        let limit = limit(for: name)
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            let value = scalar.value
            if value < 0x20 || (0x7F...0x9F).contains(value) {
                if limit.multiline && (value == 0x09 || value == 0x0A || value == 0x0D) { continue }
                let what = value == 0 ? "NUL (U+0000)" : "control characters such as U+\(hex(value))"
                throw FieldError(field: field(), rule: "control_character", message: "must not contain \(what)")
            }
        }
        if count > limit.maxLength {
            throw FieldError(field: field(), rule: "length", message: "must be at most \(limit.maxLength) characters, got \(count)")
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
