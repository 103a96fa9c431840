// Reading a presented credential without Foundation on the hot path: the bearer token trimmed
// as `.whitespaces` trims it, and the tenant id read from the token's hex, in any case.

@testable import App
import Foundation
import Testing

@Suite("credentials as presented")
struct CredentialTests {
    @Test("a token is trimmed exactly as Foundation's .whitespaces trims it",
          arguments: ["orgd_u_x", "  orgd_u_x", "orgd_u_x \t ", "\t orgd_u_x\t", "", "   ", "a b", " a b ",
                      "\u{A0}orgd_u_x\u{3000}", " 令牌 ", "\u{2003}"])
    func trimming(_ text: String) {
        let substring = Substring("Bearer " + text).dropFirst(7)
        #expect(Authenticator.trimmed(substring) == text.trimmingCharacters(in: .whitespaces))
    }

    @Test("32 hex digits in either case are a lowercase UUID; anything else is not")
    func tenantFromHex() {
        #expect(Credential.uuid(fromHex: "0123456789abcdef0123456789ABCDEF")
                == "01234567-89ab-cdef-0123-456789abcdef")
        #expect(Credential.uuid(fromHex: "0123456789abcdef0123456789abcdeg") == nil)
        #expect(Credential.uuid(fromHex: "0123456789abcdef0123456789abcde") == nil)
        #expect(Credential.uuid(fromHex: "0123456789abcdef0123456789abcdef0") == nil)
        #expect(Credential.uuid(fromHex: "0123456789abcdef0123456789abcdé") == nil)
    }

    @Test("an issued token parses back to its kind, tenant and digest")
    func roundTrip() throws {
        let tenant = UUID().uuidString.lowercased()
        let issued = Credential.issue(.session, tenantID: tenant)
        let parsed = try #require(Credential.parse(bearer: issued.text))
        #expect(parsed.kind == .session)
        #expect(parsed.tenantID == tenant)
        #expect(parsed.digest == issued.digest)
        #expect(Credential.parse(bearer: issued.text.uppercased()) == nil)
    }
}
