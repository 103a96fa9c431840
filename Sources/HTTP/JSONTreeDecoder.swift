// A Decoder over a JSONTree that is stricter than Foundation's where clients make mistakes:
// integers must be written as integers and fit (1.5 is "type", 1e20 or 2^63 "range", both at
// their field); every string passes the TextRules (length, control characters); and every
// object member must be one the Decodable type asked about (`contains`, `decode…`), else the
// body is refused with rule "unknown_field" at that member's path — a typo such as "titel"
// is an error, not a silently ignored field.
//
// Wrong JSON types, missing keys and nulls are thrown as DecodingError, as Foundation does, so
// hand-written init(from:) code keeps working; decodeJSONBody turns them into FieldErrors.

public struct JSONTreeDecoding {
    /// Decodes `tree` into `T`, then refuses any object member `T` did not read.
    public static func decode<T: Decodable>(_ type: T.Type, from tree: JSONTree, rules: TextRules) throws -> T {
        let state = State(rules: rules)
        let value = try T(from: TreeDecoder(tree, path: [], state: state))
        try state.refuseUnread()
        return value
    }

    /// What one decoding shares across its containers: the text rules and, for each object
    /// opened as a keyed container, the members it has and the ones that were asked about.
    final class State {
        let rules: TextRules
        var objects: [String: ObjectRecord] = [:]
        var order: [String] = []

        init(rules: TextRules) { self.rules = rules }

        func record(_ path: [any CodingKey], _ members: [JSONTree.Member]) -> ObjectRecord {
            let key = fieldPath(path)
            if let existing = objects[key] { return existing }
            let record = ObjectRecord(path: key, keys: members.map(\.key))
            objects[key] = record
            order.append(key)
            return record
        }

        /// The first member, outermost object first, that no container asked about.
        func refuseUnread() throws(FieldError) {
            for key in order {
                let record = objects[key]!
                if let stray = record.keys.first(where: { !record.read.contains($0) }) {
                    let field = record.path.isEmpty ? stray : record.path + "." + stray
                    throw FieldError(field: field, rule: "unknown_field", message: "is not a field of this request")
                }
            }
        }
    }

    final class ObjectRecord {
        let path: String
        let keys: [String]
        var read: Set<String> = []
        init(path: String, keys: [String]) { self.path = path; self.keys = keys }
    }
}

/// An array index as a coding key.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// ["headcount", "min"] → "headcount.min"; ["duties", 2] → "duties[2]".
func fieldPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : "." + key.stringValue
        }
    }
    return text
}

struct TreeDecoder: Decoder {
    let node: JSONTree
    let codingPath: [any CodingKey]
    let state: JSONTreeDecoding.State
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: JSONTree, path: [any CodingKey], state: JSONTreeDecoding.State) {
        self.node = node
        self.codingPath = path
        self.state = state
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else {
            throw mismatch([String: Any].self, node, codingPath)
        }
        return KeyedDecodingContainer(TreeKeyedContainer<Key>(members: members, path: codingPath, state: state))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = node else { throw mismatch([Any].self, node, codingPath) }
        return TreeUnkeyedContainer(elements: elements, codingPath: codingPath, state: state)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TreeValue(node: node, codingPath: codingPath, state: state)
    }
}

/// The wrong JSON type for `expected` (null is reported as a missing value).
func mismatch(_ expected: Any.Type, _ node: JSONTree, _ path: [any CodingKey]) -> DecodingError {
    if node == .null {
        return .valueNotFound(expected, DecodingError.Context(codingPath: path, debugDescription: "null"))
    }
    return .typeMismatch(expected, DecodingError.Context(codingPath: path, debugDescription: "found \(node.typeName)"))
}

/// Scalars: the one place strings, booleans and numbers are read from the tree.
struct TreeValue: SingleValueDecodingContainer {
    let node: JSONTree
    let codingPath: [any CodingKey]
    let state: JSONTreeDecoding.State

    func decodeNil() -> Bool { node == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let value) = node else { throw mismatch(type, node, codingPath) }
        return value
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let text) = node else { throw mismatch(type, node, codingPath) }
        let name = codingPath.last(where: { $0.intValue == nil })?.stringValue ?? ""
        try state.rules.check(text, field: fieldPath(codingPath), name: name)
        return text
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard case .number(let text) = node, let value = Double(text), value.isFinite else {
            throw mismatch(type, node, codingPath)
        }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: TreeDecoder(node, path: codingPath, state: state))
    }

    /// An integer written as one (or as an integral number such as 2.0 or 1e3 below 2^53):
    /// "type" when it has a fraction, "range" when it does not fit `T`.
    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .number(let text) = node else { throw mismatch(type, node, codingPath) }
        let field = fieldPath(codingPath)
        let outOfRange = FieldError(field: field, rule: "range", message: "must be an integer from \(T.min) to \(T.max)")
        if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            guard let value = T(text) else { throw outOfRange }
            return value
        }
        guard let value = Double(text), value.isFinite else { throw outOfRange }
        guard value.rounded(.towardZero) == value else {
            throw FieldError(field: field, rule: "type", message: "must be an integer, not \(text)")
        }
        guard abs(value) <= 9_007_199_254_740_992, let exact = T(exactly: value) else { throw outOfRange }
        return exact
    }
}
