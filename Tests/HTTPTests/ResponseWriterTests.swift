// The response head ResponseWriter frames: Content-Length for every response with content, none
// at all for 204 and 304 (RFC 9110 §8.6), and a handler's own framing headers dropped.

import Testing
@testable import HTTP

@Suite("response framing")
struct ResponseWriterTests {
    static func written(_ response: HTTPResponse, omitBody: Bool = false) -> String {
        var out: [UInt8] = []
        ResponseWriter.write(response, into: &out, date: "Sun, 06 Dec 2026 17:00:00 GMT", requestID: "r-1",
                             close: false, omitBody: omitBody)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("200 carries its length and body; a handler's own Content-Length is dropped")
    func withContent() {
        let text = Self.written(HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Length", "99")]), body: Array("hello".utf8)))
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("\r\nContent-Length: 5\r\n") && !text.contains("Content-Length: 99"))
        #expect(text.hasSuffix("\r\n\r\nhello"))
    }

    @Test("204 and 304 have no Content-Length and no body, whatever the handler put there", arguments: [204, 304])
    func bodiless(status: Int) {
        let text = Self.written(HTTPResponse(status: status, headers: HTTPHeaders([("ETag", "\"g1\"")]), body: Array("x".utf8)))
        #expect(!text.lowercased().contains("content-length"), "\(text)")
        #expect(text.hasSuffix("ETag: \"g1\"\r\n\r\n"), "\(text)")
    }

    @Test("HEAD: the length of the body a GET would get, and no body")
    func head() {
        let text = Self.written(HTTPResponse(status: 200, body: Array("hello".utf8)), omitBody: true)
        #expect(text.contains("\r\nContent-Length: 5\r\n") && text.hasSuffix("\r\n\r\n"))
    }
}
