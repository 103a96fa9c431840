// Which peers may tell orgd who the client is. Behind a load balancer every connection comes from
// the balancer, so the sign-in throttle per client address would count every office as one
// client (31 failures from anyone would lock everyone out) and the audit log would name the
// balancer. A peer inside one of these networks may name the client in X-Forwarded-For; anyone
// else's header is ignored, so a client cannot choose its own address.
//
// The client is found from the right: each proxy appends the address it received the request
// from, so entries are skipped while they are themselves trusted proxies, and the first that is
// not is the client. Entries left of it were written by the client and are not believed. A port
// after an entry is dropped; a malformed entry stops the walk at the last address a trusted
// proxy vouched for.

import Glibc

public struct TrustedProxies: Sendable, Equatable {
    /// One network: an address of 4 (IPv4) or 16 (IPv6) bytes and a prefix length.
    struct Network: Sendable, Equatable {
        var address: [UInt8]
        var prefix: Int

        func contains(_ other: [UInt8]) -> Bool {
            guard other.count == address.count else { return false }
            var remaining = prefix
            for index in address.indices where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if address[index] & mask != other[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    var networks: [Network] = []

    /// Trusts nobody: every request's client is its peer.
    public init() {}

    /// Parses "10.0.0.0/8, 192.168.1.5, ::1": addresses (one host) or networks in CIDR notation,
    /// separated by commas or spaces. Throws with the offending entry.
    public init(parsing text: String) throws(TrustedProxiesError) {
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = Self.bytes(String(parts[0])) else { throw TrustedProxiesError(entry: String(entry)) }
            var prefix = address.count * 8
            if parts.count == 2 {
                guard let given = Int(parts[1]), (0...prefix).contains(given) else { throw TrustedProxiesError(entry: String(entry)) }
                prefix = given
            }
            networks.append(Network(address: address, prefix: prefix))
        }
    }

    public var isEmpty: Bool { networks.isEmpty }

    /// True when `address` (text, IPv4 or IPv6) lies in one of the networks.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The client's address for a request that arrived from `peer` carrying these
    /// X-Forwarded-For values (every header line, in order).
    public func client(peer: String, forwardedFor: [String]) -> String {
        guard !networks.isEmpty, !forwardedFor.isEmpty, contains(peer) else { return peer }
        var client = peer
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
        for hop in hops.reversed() {
            let address = Self.withoutPort(hop.trimmingSpaces)
            guard Self.bytes(address) != nil else { break }
            client = address
            if !contains(address) { break }
        }
        return client
    }

    /// True when a trusted proxy says the client reached it over TLS (orgd has no TLS of its own,
    /// so this is the only way a request is known to be HTTPS). The first X-Forwarded-Proto entry
    /// is the client-facing proxy's; a client that forges it can only make its own cookies
    /// stricter (Secure), never weaker.
    public func forwardedHTTPS(peer: String, forwardedProto: [String]) -> Bool {
        guard !networks.isEmpty, contains(peer),
              let first = forwardedProto.first?.split(separator: ",").first else { return false }
        return first.trimmingSpaces.lowercased() == "https"
    }

    /// Some proxies write the client's port too: "203.0.113.9:51234", "[2001:db8::7]:51234".
    static func withoutPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let close = hop.firstIndex(of: "]") {
            return String(hop[hop.index(after: hop.startIndex)..<close])
        }
        let colons = hop.filter { $0 == ":" }.count
        if colons == 1, let colon = hop.firstIndex(of: ":") { return String(hop[..<colon]) }
        return hop
    }

    /// The address's bytes: 4 for IPv4, 16 for IPv6, an IPv4-mapped IPv6 address as its IPv4.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        return bytes.starts(with: mappedPrefix) ? Array(bytes[12...]) : bytes
    }
}

public struct TrustedProxiesError: Error, Sendable, Equatable, CustomStringConvertible {
    public var entry: String
    public var description: String {
        "not an IPv4 or IPv6 address or network in CIDR notation: \(entry)"
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
