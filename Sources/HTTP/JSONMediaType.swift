// Which Content-Type headers announce a JSON body: `application/json` or any
// `application/<name>+json` (RFC 6839), with at most a `charset=utf-8` parameter (RFC 8259:
// JSON exchanged between systems is UTF-8). Everything else, or no header at all, is a 415.

public enum JSONMediaType {
    /// True when `header` names JSON as above; case-insensitive, the charset may be quoted.
    public static func accepts(_ header: String?) -> Bool {
        guard let header else { return false }
        // What nearly every client sends, answered without splitting (the general reading below
        // cost a tenth of a cached access check's CPU).
        if header == "application/json" || header == "application/json; charset=utf-8" { return true }
        let parts = header.split(separator: ";", omittingEmptySubsequences: false).map { trim($0).lowercased() }
        let type = parts[0]
        guard type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json") && type.count > "application/+json".count)
        else { return false }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { trim($0) }
            guard pair.count == 2, pair[0] == "charset" else { return false }
            let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                ? String(pair[1].dropFirst().dropLast()) : pair[1]
            guard value == "utf-8" else { return false }
        }
        return true
    }

    /// The 415 for a body that is not JSON.
    public static func unsupported(_ header: String?) -> Problem {
        Problem(status: 415, code: "UNSUPPORTED_MEDIA_TYPE", title: "Unsupported Media Type",
                detail: "the body must be JSON: Content-Type application/json (optionally ; charset=utf-8), not \(header ?? "none")",
                field: "Content-Type", rule: "media_type")
    }

    private static func trim(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
