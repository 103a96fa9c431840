// PATCH bodies must tell "absent" (leave as is) from null (clear): `T??` decoded by hand.

extension KeyedDecodingContainer {
    /// nil when the key is absent, .some(nil) for an explicit null, .some(value) otherwise.
    package func patch<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T?? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return .some(nil) }
        return .some(try decode(T.self, forKey: key))
    }
}
