// An error response in the RFC 9457 "problem details" shape, application/problem+json. Every
// problem carries a stable, greppable `code` (never reused once retired); its `type` URI is the
// documentation anchor for that code: https://orgd.dev/problems#<code in lowercase>.

public struct Problem: Error, Sendable {
    public var status: Int
    public var code: String                  // e.g. "ORG_UNIT_NOT_FOUND"
    public var title: String                 // short, the same for every instance of `code`
    public var detail: String                // this occurrence, for humans
    public var field: String?                // the request field at fault, e.g. "headcount.min"
    public var rule: String?                 // the rule it broke, e.g. "required"
    public var extra: [(String, JSONValue)] = []   // extension members, written after the standard ones

    /// `title` defaults to the status's reason phrase.
    public init(status: Int, code: String, title: String? = nil, detail: String,
                field: String? = nil, rule: String? = nil) {
        self.status = status
        self.code = code
        self.title = title ?? reasonPhrase(status)
        self.detail = detail
        self.field = field
        self.rule = rule
    }

    public static let typeBase = "https://orgd.dev/problems#"

    /// The documentation anchor for `code`: "HTTP_BAD_REQUEST" → ".../problems#http_bad_request".
    public var type: String { Self.typeBase + code.lowercased() }

    /// {"type","title","status","detail","code","field"?,"rule"?, extra...}
    public var response: HTTPResponse {
        var json = JSONWriter()
        json.beginObject()
        json.field("type", type)
        json.field("title", title)
        json.field("status", status)
        json.field("detail", detail)
        json.field("code", code)
        if let field { json.field("field", field) }
        if let rule { json.field("rule", rule) }
        for (name, value) in extra { json.field(name, value) }
        json.endObject()
        return HTTPResponse(status: status, contentType: "application/problem+json", body: json.bytes)
    }

    /// The answer to a request the parser could not frame.
    public static func from(_ parseError: HTTPParseError) -> Problem {
        Problem(status: parseError.status, code: parseError.code, detail: parseError.detail)
    }

    /// A body that is not JSON at all is a 400 MALFORMED_JSON; a key repeated in one object a
    /// 400 JSON_DUPLICATE_KEY naming its path; any other field error (missing, wrong type, null,
    /// unknown field, too long, rejected value, empty body) is a 422 VALIDATION_FAILED naming the field.
    public static func from(_ fieldError: FieldError) -> Problem {
        if fieldError.rule == "json" {
            return Problem(status: 400, code: "MALFORMED_JSON", title: "Malformed JSON", detail: fieldError.message)
        }
        if fieldError.rule == "duplicate_key" {
            return Problem(status: 400, code: "JSON_DUPLICATE_KEY", title: "Duplicate JSON key",
                           detail: "\(fieldError.field) \(fieldError.message)", field: fieldError.field, rule: fieldError.rule)
        }
        let detail = fieldError.field.isEmpty ? fieldError.message : "\(fieldError.field) \(fieldError.message)"
        return Problem(status: 422, code: "VALIDATION_FAILED", title: "Validation failed", detail: detail,
                       field: fieldError.field, rule: fieldError.rule)
    }
}
