// Decodes a request body into a Decodable type and, when it does not fit, says which field is
// wrong and why, so the client gets a 422 that points at "headcount.min" rather than a stack
// of DecodingError text. The body is parsed strictly (JSONTree: duplicate keys refused, numbers
// exact) and decoded by JSONTreeDecoding (unknown fields refused, integers and text checked).

/// One field that failed to decode or validate. Problem.from(_:) turns it into a response.
public struct FieldError: Error, Sendable, Equatable {
    public var field: String     // dotted path with indexes, e.g. "headcount.min", "duties[2]"; "" for the whole body
    public var rule: String      // stable rule name: "required", "type", "not_null", "json", "invalid", ...
    public var message: String   // for humans, e.g. "must be an integer"

    public init(field: String, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }
}

/// Decodes `body` as JSON into `T`. Throws a FieldError: rule "required" for an empty body or a
/// missing key, "type" for a value of the wrong JSON type (or a fraction where an integer is
/// needed), "range" for an integer that does not fit, "not_null" for null where a value is
/// needed, "unknown_field" for a member `T` does not read, "length" or "control_character" for
/// text that breaks `rules`, "json" (field "") when the body is not JSON at all,
/// "duplicate_key" for a key repeated in one object, "invalid" for a value the type itself
/// rejected. A FieldError thrown by T's own init(from:) passes through unchanged.
public func decodeJSONBody<T: Decodable>(_ type: T.Type, from body: [UInt8], rules: TextRules = .lenient) throws(FieldError) -> T {
    if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
        throw FieldError(field: "", rule: "required", message: "a JSON body is required")
    }
    let tree = try JSONTree.parse(body)
    do {
        return try JSONTreeDecoding.decode(T.self, from: tree, rules: rules)
    } catch let error as DecodingError {
        throw FieldError(error)
    } catch let error as FieldError {
        throw error
    } catch {
        throw FieldError(field: "", rule: "invalid", message: "\(error)")
    }
}

extension FieldError {
    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: fieldPath(context.codingPath + [key]), rule: "required", message: "is required")
        case .typeMismatch(let expected, let context):
            self.init(field: fieldPath(context.codingPath), rule: "type", message: "must be \(jsonTypeName(expected))")
        case .valueNotFound(let expected, let context):
            self.init(field: fieldPath(context.codingPath), rule: "not_null",
                      message: "must not be null; expected \(jsonTypeName(expected))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let reason = context.underlyingError.map { "\($0)" } ?? context.debugDescription
            self.init(field: "", rule: "json", message: "body is not valid JSON: \(reason)")
        case .dataCorrupted(let context):
            self.init(field: fieldPath(context.codingPath), rule: "invalid", message: context.debugDescription)
        @unknown default:
            self.init(field: "", rule: "invalid", message: "\(error)")
        }
    }
}

/// How a client would name the JSON type a Swift type decodes from.
private func jsonTypeName(_ type: Any.Type) -> String {
    if type == String.self || type == Substring.self || type == Character.self { return "a string" }
    if type == Bool.self { return "a boolean" }
    if type is any BinaryInteger.Type { return "an integer" }
    if type is any BinaryFloatingPoint.Type { return "a number" }
    let name = String(describing: type)
    if name.hasPrefix("Array<") || name.hasPrefix("Set<") { return "an array" }
    if name.hasPrefix("Dictionary<") { return "an object" }
    return "a \(name)"
}

extension KeyedDecodingContainer {
    /// An optional field that may be left out but, when present, must not be null: for PATCH
    /// bodies where absent means "unchanged" and null would mean nothing. A null fails as
    /// `valueNotFound`, which `decodeJSONBody` reports as rule "not_null" on the field.
    public func decodeIfPresentNotNull<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) {
            throw DecodingError.valueNotFound(type, DecodingError.Context(
                codingPath: codingPath + [key], debugDescription: "\(key.stringValue) must not be null"))
        }
        return try decode(type, forKey: key)
    }
}
