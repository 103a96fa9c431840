// Identifiers of tenants, users, API keys, units, regions, roles and grants: the 128 bits of a UUID.
// Two integers compare in two instructions, so tree-path tests on the decision path allocate nothing.

/// The id of any object the policy reasons about. Public ids in orgd are UUIDs; a bigint key fits
/// too (`EntityID(42)`), which is what the tests use.
public struct EntityID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A small id, for integer keys and tests.
    public init(_ value: UInt64) {
        self.init(high: 0, low: value)
    }

    /// Parses the canonical 8-4-4-4-12 hexadecimal form, in either case.
    /// Returns nil for any other length, a misplaced hyphen or a non-hexadecimal digit.
    public init?(uuid text: String) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        var position = 0
        for byte in text.utf8 {
            defer { position += 1 }
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = EntityID.nibble(byte) else { return nil }
            if digits < 16 {
                high = high << 4 | UInt64(nibble)
            } else {
                low = low << 4 | UInt64(nibble)
            }
            digits += 1
        }
        guard position == 36, digits == 32 else { return nil }
        self.init(high: high, low: low)
    }

    /// The canonical lowercase UUID form.
    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for index in 0..<32 {
            if index == 8 || index == 12 || index == 16 || index == 20 { bytes.append(UInt8(ascii: "-")) }
            let word = index < 16 ? high : low
            let shift = UInt64(60 - 4 * (index % 16))
            bytes.append(hex[Int(word >> shift & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (lhs: EntityID, rhs: EntityID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

public typealias TenantID = EntityID
/// A user or an API key: whoever holds grants and acts.
public typealias SubjectID = EntityID
public typealias UnitID = EntityID
public typealias RegionID = EntityID
public typealias RoleID = EntityID
public typealias GrantID = EntityID
