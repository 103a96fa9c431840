// The keyed (object) and unkeyed (array) containers of TreeDecoder. Every value they hand out
// is decoded by TreeValue, so the integer and text rules apply at any depth. The keyed
// container marks each key it is asked about as read; what remains unread is refused after
// decoding (JSONTreeDecoding.State.refuseUnread).

struct TreeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let codingPath: [any CodingKey]
    let state: JSONTreeDecoding.State
    private let list: [JSONTree.Member]
    private let index: [String: JSONTree]?     // only for objects too large to search in place
    private let record: JSONTreeDecoding.ObjectRecord

    init(members list: [JSONTree.Member], path: [any CodingKey], state: JSONTreeDecoding.State) {
        self.list = list
        index = list.count > 16 ? Dictionary(list.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }) : nil
        self.codingPath = path
        self.state = state
        self.record = state.record(path, list)
    }

    private func member(_ name: String) -> JSONTree? {
        if let index { return index[name] }
        return list.first { $0.key == name }?.value
    }

    var allKeys: [Key] {
        record.keys.compactMap { name in
            guard let key = Key(stringValue: name) else { return nil }
            record.read.insert(name)
            return key
        }
    }

    func contains(_ key: Key) -> Bool {
        record.read.insert(key.stringValue)
        return member(key.stringValue) != nil
    }

    /// The member's value, or keyNotFound.
    private func value(_ key: Key) throws -> TreeValue {
        record.read.insert(key.stringValue)
        guard let node = member(key.stringValue) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: codingPath, debugDescription: "missing"))
        }
        return TreeValue(node: node, codingPath: codingPath + [key], state: state)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(key).decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let value = try value(key)
        return try TreeDecoder(value.node, path: value.codingPath, state: state).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let value = try value(key)
        return try TreeDecoder(value.node, path: value.codingPath, state: state).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: "no super decoder"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let value = try value(key)
        return TreeDecoder(value.node, path: value.codingPath, state: state)
    }
}

struct TreeUnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONTree]
    let codingPath: [any CodingKey]
    let state: JSONTreeDecoding.State
    private(set) var currentIndex = 0

    init(elements: [JSONTree], codingPath: [any CodingKey], state: JSONTreeDecoding.State) {
        self.elements = elements
        self.codingPath = codingPath
        self.state = state
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The next element, consumed; valueNotFound past the end.
    private mutating func next() throws -> TreeValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, DecodingError.Context(codingPath: codingPath + [IndexKey(currentIndex)],
                                                                               debugDescription: "the array has no more elements"))
        }
        defer { currentIndex += 1 }
        return TreeValue(node: elements[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)], state: state)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try next().decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next().decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next().decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decode(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let value = try next()
        return try TreeDecoder(value.node, path: value.codingPath, state: state).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let value = try next()
        return try TreeDecoder(value.node, path: value.codingPath, state: state).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let value = try next()
        return TreeDecoder(value.node, path: value.codingPath, state: state)
    }
}
