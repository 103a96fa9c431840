// Whether a request reached orgd's proxy over HTTPS (TrustedProxies.forwardedHTTPS), which makes
// the console's session cookie Secure.

@testable import HTTP
import Testing

@Suite("X-Forwarded-Proto")
struct ForwardedProtoTests {
    let proxies = try! TrustedProxies(parsing: "10.0.0.0/8")

    @Test("a trusted proxy's https is believed, in any case, from the first entry")
    func trusted() {
        #expect(proxies.forwardedHTTPS(peer: "10.1.2.3", forwardedProto: ["https"]))
        #expect(proxies.forwardedHTTPS(peer: "10.1.2.3", forwardedProto: ["HTTPS"]))
        #expect(proxies.forwardedHTTPS(peer: "10.1.2.3", forwardedProto: [" https , http"]))
        #expect(!proxies.forwardedHTTPS(peer: "10.1.2.3", forwardedProto: ["http, https"]))
        #expect(!proxies.forwardedHTTPS(peer: "10.1.2.3", forwardedProto: []))
    }

    @Test("anyone else's header, or any header when no proxy is trusted, is ignored")
    func untrusted() {
        #expect(!proxies.forwardedHTTPS(peer: "192.0.2.1", forwardedProto: ["https"]))
        #expect(!TrustedProxies().forwardedHTTPS(peer: "10.1.2.3", forwardedProto: ["https"]))
    }
}
