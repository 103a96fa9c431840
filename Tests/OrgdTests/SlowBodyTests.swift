// Issue 9, defect 4: a request body that trickles in is cut off by the total body deadline
// on every route, before authentication (sign-in) as after it (an authenticated write), with a
// Content-Length and chunked. Before the fix only silence counted, so a byte every few seconds
// held the connection forever. The same holds over TLS (the bytes reach orgd through a tunnel).

import Foundation
import Glibc
import Testing

@Suite("slow request bodies against a live orgd (issue 9, defect 4)")
struct SlowBodyTests {
    enum Framing: String, CaseIterable, Sendable { case length, chunked }
    /// Each framing over each transport (a test takes at most two argument collections).
    static let ways = Framing.allCases.flatMap { framing in Transport.allCases.map { (framing, $0) } }

    @Test("issue 9 defect 4: a trickling body gets 408 problem+json at the body deadline, then the connection closes",
          arguments: [("/v1/auth/login", false), ("/v1/units", true)], ways)
    func tricklingBody(route: (path: String, signedIn: Bool), way: (framing: Framing, transport: Transport)) async throws {
        let framing = way.framing
        try await TestEnvironment.withServer(over: way.transport, {
            $0.bodyDeadlineMillis = 800
            $0.bodyMinRate = 0                // the deadline alone: the rate rule has its unit tests
        }) { port in
            var authorization = ""
            if route.signedIn {
                let tenant = try TestTenant.create("slow")
                authorization = "Authorization: Bearer \(try tenant.login(port: port))\r\n"
            }
            let client = try RawClient(port: port, timeout: 10)
            let framingHeader = framing == .length ? "Content-Length: 100000" : "Transfer-Encoding: chunked"
            try client.send("POST \(route.path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\(authorization)\(framingHeader)\r\n\r\n")
            // A byte (or a one-byte chunk) every 100 ms: never silent, never done.
            let piece = framing == .length ? "{" : "1\r\n{\r\n"
            let fd = client.fd
            let trickler = Thread {
                for _ in 0..<100 {
                    guard piece.withCString({ send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }) > 0 else { return }
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
            trickler.start()
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.json["code"] as? String == "HTTP_REQUEST_TIMEOUT")
            #expect((response.json["detail"] as? String)?.contains("800 ms") == true)
            #expect(client.isClosedByServer())
        }
    }
}
