// Who the client is behind load balancers: the parsing of ORGD_TRUSTED_PROXIES and the walk of
// X-Forwarded-For from the right.

@testable import HTTP
import Testing

@Suite("trusted proxies")
struct TrustedProxiesTests {
    @Test("addresses and CIDR networks, IPv4 and IPv6; an IPv4-mapped IPv6 peer counts as IPv4")
    func membership() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8, 192.168.1.5 fd00::/8,::1")
        #expect(proxies.contains("10.255.0.1"))
        #expect(proxies.contains("192.168.1.5"))
        #expect(!proxies.contains("192.168.1.6"))
        #expect(!proxies.contains("11.0.0.1"))
        #expect(proxies.contains("fd12:3456::1"))
        #expect(proxies.contains("::1"))
        #expect(!proxies.contains("fe80::1"))
        #expect(proxies.contains("::ffff:10.9.8.7"))
        #expect(!proxies.contains("not an address"))
        #expect(try TrustedProxies(parsing: "0.0.0.0/0").contains("203.0.113.1"))
        #expect(try TrustedProxies(parsing: "172.16.0.0/12").contains("172.31.255.255"))
        #expect(try !TrustedProxies(parsing: "172.16.0.0/12").contains("172.32.0.0"))
        #expect(try TrustedProxies(parsing: "").isEmpty)
    }

    @Test("a malformed entry is refused by name", arguments: ["10.0.0.0/33", "::1/129", "10.0.0/8", "proxy.internal", "10.0.0.1/", "1.2.3.4/x"])
    func malformed(_ text: String) {
        #expect(throws: TrustedProxiesError(entry: text)) { try TrustedProxies(parsing: text) }
    }

    @Test("the client is the first address from the right that is not a trusted proxy")
    func walk() throws {
        let proxies = try TrustedProxies(parsing: "127.0.0.1, 10.0.0.0/8")
        // Peer not trusted: the header is the client's own words.
        #expect(proxies.client(peer: "198.51.100.4", forwardedFor: ["203.0.113.9"]) == "198.51.100.4")
        // Trusted peer without a header: the peer.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        // One balancer.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        // The client's own entry on the left is not believed; inner proxies are skipped.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["1.1.1.1, 203.0.113.9, 10.1.2.3"]) == "203.0.113.9")
        // Several header lines are one list, in order.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["1.1.1.1", "203.0.113.9,10.1.2.3"]) == "203.0.113.9")
        // Only proxies: the leftmost.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["10.0.0.2, 10.0.0.3"]) == "10.0.0.2")
        // A malformed entry stops the walk at the last address a trusted proxy vouched for.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9, garbage, 10.1.2.3"]) == "10.1.2.3")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["unknown"]) == "127.0.0.1")
        // IPv6 clients, and entries that carry the client's port.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: [" 2001:db8::7 "]) == "2001:db8::7")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9:51234"]) == "203.0.113.9")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["[2001:db8::7]:51234, 10.1.2.3:443"]) == "2001:db8::7")
        // Nobody trusted (the default): always the peer.
        #expect(TrustedProxies().client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "127.0.0.1")
    }
}
