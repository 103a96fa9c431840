// The request parser against RFC 9112's framing rules, fed whole, byte by byte, and with
// random garbage. Parse errors are compared exactly: their strings are what clients read.

import Testing
@testable import HTTP

@Suite("HTTP request parser")
struct HTTPParserTests {
    // MARK: Well-formed requests

    @Test("a simple GET becomes one request with its path, query and headers")
    func simpleGet() throws {
        let request = try #require(firstRequest("GET /v1/units/%E5%AE%A2?as_of=2026-01-01&q=a+b HTTP/1.1\r\nHost: orgd\r\nAccept: */*\r\n\r\n"))
        #expect(request.method == .GET)
        #expect(request.target == "/v1/units/%E5%AE%A2?as_of=2026-01-01&q=a+b")
        #expect(request.path == "/v1/units/客")
        #expect(request.query == ["as_of": "2026-01-01", "q": "a b"])
        #expect(request.version == .http11)
        #expect(request.headers["host"] == "orgd")
        #expect(request.headers["Accept"] == "*/*")
        #expect(request.body.isEmpty)
    }

    @Test("header values are trimmed of surrounding spaces and tabs but keep inner ones")
    func trimsValues() throws {
        let request = try #require(firstRequest("GET / HTTP/1.1\r\nHost: orgd\r\nX-Note: \t a  b \t\r\n\r\n"))
        #expect(request.headers["x-note"] == "a  b")
    }

    @Test("pipelined requests come out one per call, in order")
    func pipelined() {
        let outcomes = parse("GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyzDELETE /c HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(outcomes == [.request("GET /a HTTP/1.1 body="), .request("POST /b HTTP/1.1 body=xyz"),
                             .request("DELETE /c HTTP/1.1 body=")])
    }

    @Test("a request fed one byte at a time parses exactly as when fed whole",
          arguments: [
              "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n",
              "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
              "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
              "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.0\r\n\r\nGET /3 HTTP/1.1\r\n\r\n",
              "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
              "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
          ])
    func byteByByte(_ text: String) {
        let whole = parse(Array(text.utf8), withHeaders: true)
        #expect(!whole.isEmpty)
        #expect(parse(Array(text.utf8), pieces: Array(repeating: 1, count: text.utf8.count), withHeaders: true) == whole)
    }

    @Test("a Content-Length body is read whole and the next request starts after it")
    func contentLengthBody() throws {
        let request = try #require(firstRequest("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n{\"a\"GET"))
        #expect(request.body == Array("{\"a\"".utf8))
    }

    @Test("a chunked body with extensions and trailers is joined and the trailers dropped")
    func chunked() throws {
        let text = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n" +
            "4 ; name=\"quoted;value\"\r\nWiki\r\n0005\r\npedia\r\nE;x\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n"
        let request = try #require(firstRequest(text))
        #expect(String(decoding: request.body, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.")
        #expect(request.headers["expires"] == nil)
    }

    @Test("OPTIONS * is accepted as an asterisk-form target")
    func asteriskForm() throws {
        let request = try #require(firstRequest("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(request.target == "*")
    }

    @Test("an absolute-form target is reduced to its path and query",
          arguments: [("http://orgd.dev/v1/units?x=1", "/v1/units?x=1"), ("HTTPS://orgd.dev:8443", "/"),
                      ("http://orgd.dev?x=1", "/?x=1")])
    func absoluteForm(_ target: String, _ expected: String) throws {
        let request = try #require(firstRequest("GET \(target) HTTP/1.1\r\nHost: orgd.dev\r\n\r\n"))
        #expect(request.target == expected)
    }

    @Test("empty lines before a request line are ignored")
    func leadingEmptyLines() {
        #expect(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == [.request("GET / HTTP/1.1 body=")])
    }

    @Test("HTTP/1.0 needs no Host header")
    func http10WithoutHost() throws {
        let request = try #require(firstRequest("GET / HTTP/1.0\r\n\r\n"))
        #expect(request.version == .http10)
    }

    // MARK: Keep-alive and 100-continue

    @Test("keep-alive is the HTTP/1.1 default and opt-in for HTTP/1.0",
          arguments: [("HTTP/1.1", "", true), ("HTTP/1.1", "Connection: close\r\n", false),
                      ("HTTP/1.1", "Connection: Keep-Alive, CLOSE\r\n", false), ("HTTP/1.0", "", false),
                      ("HTTP/1.0", "Connection: keep-alive\r\n", true)])
    func keepAlive(_ version: String, _ connection: String, _ expected: Bool) {
        var parser = HTTPParser()
        let bytes = Array("GET / \(version)\r\nHost: h\r\n\(connection)\r\n".utf8)
        var start = 0
        guard case .request = parser.next(bytes, start: &start) else { Issue.record("no request"); return }
        #expect(parser.lastKeepAlive == expected)
    }

    @Test("Expect: 100-continue is signalled once, before the body arrives")
    func expectContinueOnce() {
        var parser = HTTPParser()
        var buffer = Array("POST /a HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n".utf8)
        var start = 0
        guard case .expectContinue = parser.next(buffer, start: &start) else { Issue.record("no 100-continue"); return }
        #expect(parser.isReadingBody)
        guard case .needMore = parser.next(buffer, start: &start) else { Issue.record("signalled twice"); return }
        buffer.append(UInt8(ascii: "o"))
        guard case .needMore = parser.next(buffer, start: &start) else { Issue.record("signalled twice"); return }
        buffer.append(UInt8(ascii: "k"))
        guard case .request(let request) = parser.next(buffer, start: &start) else { Issue.record("no request"); return }
        #expect(request.body == Array("ok".utf8))
        #expect(!parser.isReadingBody)
    }

    @Test("Expect: 100-continue with the body already buffered goes straight to the request")
    func expectContinueBodyPresent() {
        #expect(parse("POST /a HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok")
            == [.request("POST /a HTTP/1.1 body=ok")])
    }

    @Test("Expect: 100-continue on a chunked body is signalled until the last chunk arrives")
    func expectContinueChunked() {
        #expect(parse("POST /a HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n")
            == [.expectContinue])
    }

    @Test("Expect: 100-continue is ignored in an HTTP/1.0 request")
    func expectContinueHTTP10() {
        #expect(parse("POST /a HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n") == [])
    }

    // MARK: Framing errors

    @Test("Content-Length together with Transfer-Encoding is a 400")
    func contentLengthAndTransferEncoding() {
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
            == [.failure(.badRequest("both Content-Length and Transfer-Encoding"))])
    }

    @Test("repeated identical Content-Length values are one length",
          arguments: ["Content-Length: 3\r\nContent-Length: 3\r\n", "Content-Length: 3, 3\r\n", "Content-Length: 003\r\ncontent-length: 3\r\n"])
    func identicalContentLengths(_ fields: String) {
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\n\(fields)\r\nabc") == [.request("POST / HTTP/1.1 body=abc")])
    }

    @Test("different Content-Length values are a 400",
          arguments: ["Content-Length: 3\r\nContent-Length: 4\r\n", "Content-Length: 3, 4\r\n"])
    func conflictingContentLengths(_ fields: String) {
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\n\(fields)\r\nabcd") == [.failure(.badRequest("conflicting Content-Length"))])
    }

    @Test("a Content-Length that is not all digits is a 400", arguments: ["+3", "-1", "3a", "", "0x10", "3,", "3 3"])
    func malformedContentLength(_ value: String) {
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(value)\r\n\r\n") == [.failure(.badRequest("malformed Content-Length"))])
    }

    @Test("a transfer coding other than chunked alone is a 501",
          arguments: ["gzip", "gzip, chunked", "chunked, chunked", "identity"])
    func unknownTransferCoding(_ coding: String) {
        let outcomes = parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \(coding)\r\n\r\n")
        guard case .failure(.notImplemented(let what)) = outcomes.first else { Issue.record("\(outcomes)"); return }
        #expect(what.hasPrefix("transfer coding"))
    }

    @Test("Transfer-Encoding in an HTTP/1.0 request is a 400")
    func transferEncodingHTTP10() {
        #expect(parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            == [.failure(.badRequest("Transfer-Encoding in an HTTP/1.0 request"))])
    }

    @Test("malformed chunk sizes are a 400",
          arguments: [("x\r\n", "malformed chunk size"), ("\r\n", "malformed chunk size"), ("5 x\r\n", "malformed chunk size"),
                      ("-5\r\n", "malformed chunk size"), ("10000000000000000\r\n", "chunk size overflow"),
                      ("2\r\nokX", "missing CRLF after chunk data"), ("2\nok", "bare LF in chunked body")])
    func malformedChunks(_ chunk: String, _ reason: String) {
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\(chunk)")
            == [.failure(.badRequest(reason))])
    }

    @Test("a missing Host header is a 400 in HTTP/1.1")
    func missingHost() {
        #expect(parse("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") == [.failure(.badRequest("missing Host header"))])
    }

    @Test("a repeated Host header is a 400 in HTTP/1.1 and HTTP/1.0", arguments: ["HTTP/1.1", "HTTP/1.0"])
    func repeatedHost(_ version: String) {
        #expect(parse("GET / \(version)\r\nHost: a\r\nhost: a\r\n\r\n") == [.failure(.badRequest("repeated Host header"))])
    }

    @Test("a Host header with spaces or slashes is a 400", arguments: ["a b", "a/b", "a@b"])
    func invalidHost(_ host: String) {
        #expect(parse("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n") == [.failure(.badRequest("invalid Host header"))])
    }

    // MARK: Syntax errors

    @Test("malformed request lines are a 400",
          arguments: [("GET  / HTTP/1.1", "malformed request line"), ("GET /", "malformed request line"),
                      (" GET / HTTP/1.1", "malformed request line"), ("GET / HTTP/1.1 ", "malformed HTTP version"),
                      ("G(T / HTTP/1.1", "malformed request line"), ("GET foo HTTP/1.1", "invalid request target"),
                      ("GET * HTTP/1.1", "invalid request target"), ("GET http:// HTTP/1.1", "invalid request target"),
                      ("GET /\u{7F} HTTP/1.1", "invalid request target"), ("GET / HTTP/1.10", "malformed HTTP version"),
                      ("GET / http/1.1", "malformed HTTP version"), ("GET / HTTP/x.1", "malformed HTTP version")])
    func malformedRequestLine(_ line: String, _ reason: String) {
        #expect(parse("\(line)\r\nHost: h\r\n\r\n") == [.failure(.badRequest(reason))])
    }

    @Test("a well-formed version other than 1.0 and 1.1 is a 505", arguments: ["HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/3.0"])
    func unsupportedVersion(_ version: String) {
        #expect(parse("GET / \(version)\r\nHost: h\r\n\r\n") == [.failure(.versionNotSupported)])
    }

    @Test("a method outside the supported set is a 501 naming it", arguments: ["BREW", "get", "PROPFIND"])
    func unknownMethod(_ method: String) {
        #expect(parse("\(method) / HTTP/1.1\r\nHost: h\r\n\r\n") == [.failure(.notImplemented("method \(method)"))])
    }

    @Test("header fields with bad names, space before the colon, or control bytes are a 400",
          arguments: [("Host : h", "invalid header field"), ("Bad Name: x", "invalid header field"),
                      ("no colon", "invalid header field"), (": empty name", "invalid header field"),
                      ("X: a\u{0}b", "invalid header field value"), ("X: a\u{1}b", "invalid header field value"),
                      ("X: a\u{7F}", "invalid header field value"), ("X: a\rb", "lone CR in head"),
                      (" folded: x", "obsolete line folding")])
    func invalidFields(_ field: String, _ reason: String) {
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\n\(field)\r\n\r\n") == [.failure(.badRequest(reason))])
    }

    @Test("bare LF line endings are a 400, not a hang")
    func bareLF() {
        #expect(parse("GET / HTTP/1.1\nHost: h\n\n") == [.failure(.badRequest("bare LF in head"))])
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\n\n") == [.failure(.badRequest("bare LF in head"))])
    }

    @Test("after a failure every later call repeats it")
    func failureIsSticky() {
        var parser = HTTPParser()
        let bytes = Array("BREW / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        var start = 0
        guard case .failure(let first) = parser.next(bytes, start: &start),
              case .failure(let second) = parser.next(bytes, start: &start)
        else { Issue.record("expected failures"); return }
        #expect(first == second)
        #expect(!parser.lastKeepAlive)
    }

    // MARK: Limits

    @Test("a head over maxHeaderBytes is a 431 as soon as that much is buffered, before it ends")
    func headerTooLarge() {
        let limits = HTTPLimits(maxHeaderBytes: 64)
        let unfinished = "GET / HTTP/1.1\r\nHost: h\r\nX-Long: " + String(repeating: "a", count: 60)
        #expect(parse(unfinished, limits: limits) == [.failure(.headerTooLarge)])
        #expect(parse(Array(unfinished.utf8.prefix(64)), limits: limits) == [.failure(.headerTooLarge)])
        #expect(parse(Array(unfinished.utf8.prefix(63)), limits: limits) == [])
    }

    @Test("a head of exactly maxHeaderBytes is accepted and one byte more is a 431")
    func headerLimitBoundary() {
        let head = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(parse(head, limits: HTTPLimits(maxHeaderBytes: head.utf8.count)) == [.request("GET / HTTP/1.1 body=")])
        #expect(parse(head, limits: HTTPLimits(maxHeaderBytes: head.utf8.count - 1)) == [.failure(.headerTooLarge)])
    }

    @Test("a Content-Length over maxBodyBytes is a 413 before any body byte arrives",
          arguments: ["11", "99999999999999999999999999"])
    func bodyTooLargeFromLength(_ length: String) {
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(length)\r\n\r\n", limits: HTTPLimits(maxBodyBytes: 10))
            == [.failure(.bodyTooLarge)])
    }

    @Test("a chunked body is a 413 as soon as a chunk size takes it past maxBodyBytes")
    func bodyTooLargeChunked() {
        let limits = HTTPLimits(maxBodyBytes: 10)
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n", limits: limits)
            == [.failure(.bodyTooLarge)])
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n", limits: limits)
            == [.request("POST / HTTP/1.1 body=abcdefghij")])
    }

    @Test("an oversized trailer section is a 431")
    func trailerTooLarge() {
        let trailer = "X-T: " + String(repeating: "t", count: 100) + "\r\n"
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\(trailer)\r\n",
                      limits: HTTPLimits(maxHeaderBytes: 100)) == [.failure(.headerTooLarge)])
    }

    @Test("a head trickling in byte by byte is scanned once, not once per byte")
    func partialHeadIsLinear() {
        // 64 KiB fed one byte at a time: quadratic rescanning would take ~2^31 steps here.
        let limits = HTTPLimits(maxHeaderBytes: 64 * 1024)
        let text = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 64 * 1024 - 40) + "\r\n\r\n"
        #expect(parse(Array(text.utf8), limits: limits, pieces: Array(repeating: 1, count: text.utf8.count), compact: false).count == 1)
    }

    // MARK: Robustness

    @Test("thousands of random and mutated inputs never trap and parse the same whole or in pieces")
    func randomInputs() {
        var random = SplitMix64(seed: 0x6F72_6764)
        let seeds = [
            "GET /a?b=c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
            "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
            "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: 1\r\n\r\n",
            "GET / HTTP/1.0\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
        ].map { Array($0.utf8) }
        let alphabet = Array("\r\n :;,0123456789abcdefABCDEF/HTTP.\t\u{0}\u{7F}-".utf8) + [0xE5, 0xAE, 0xA2, 0xFF]
        let limits = HTTPLimits(maxHeaderBytes: 200, maxBodyBytes: 64)
        for round in 0..<4000 {
            var input: [UInt8]
            if round % 4 == 0 {
                input = (0..<random.below(300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            } else {
                input = seeds[random.below(seeds.count)] + seeds[random.below(seeds.count)]
                for _ in 0..<(1 + random.below(4)) where !input.isEmpty {
                    let at = random.below(input.count)
                    switch random.below(3) {
                    case 0: input[at] = alphabet[random.below(alphabet.count)]
                    case 1: input.insert(alphabet[random.below(alphabet.count)], at: at)
                    default: input.remove(at: at)
                    }
                }
            }
            var pieces: [Int] = []
            var left = input.count
            while left > 0 { let n = 1 + random.below(min(left, 17)); pieces.append(n); left -= n }
            let whole = parse(input, limits: limits, withHeaders: true).filter { $0 != .expectContinue }
            let split = parse(input, limits: limits, pieces: pieces, withHeaders: true)
            #expect(split == whole, "input: \(input)")
            if split != whole { return }
        }
    }
}

// MARK: Helpers

/// What a parse produced, comparable in tests. `.needMore` is implied by the end of the list.
enum Outcome: Equatable, CustomStringConvertible {
    case expectContinue
    case request(String)            // "METHOD target version body=..."
    case failure(HTTPParseError)

    var description: String {
        switch self {
        case .expectContinue: "100-continue"
        case .request(let text): text
        case .failure(let error): "failure(\(error))"
        }
    }
}

/// Parses `text` fed whole, calling next() until it wants more.
func parse(_ text: String, limits: HTTPLimits = HTTPLimits()) -> [Outcome] {
    parse(Array(text.utf8), limits: limits)
}

/// Feeds `bytes` in `pieces` (whole if nil), dropping consumed bytes between reads when
/// `compact`, as a connection does. 100-continue is reported only when fed whole, since
/// whether it is sent depends on how much of the body has arrived.
func parse(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits(), pieces: [Int]? = nil, compact: Bool = true,
           withHeaders: Bool = false) -> [Outcome] {
    var parser = HTTPParser(limits: limits)
    var buffer: [UInt8] = []
    var start = 0
    var outcomes: [Outcome] = []
    var offset = 0
    for piece in pieces ?? [bytes.count] {
        buffer.append(contentsOf: bytes[offset..<offset + piece])
        offset += piece
        loop: while true {
            switch parser.next(buffer, start: &start) {
            case .needMore: break loop
            case .expectContinue: if pieces == nil { outcomes.append(.expectContinue) }
            case .request(let request):
                outcomes.append(.request(describe(request, withHeaders: withHeaders) + (withHeaders ? " keepAlive=\(parser.lastKeepAlive)" : "")))
            case .failure(let error): outcomes.append(.failure(error)); return outcomes
            }
        }
        if compact {
            buffer.removeFirst(start)
            start = 0
        }
    }
    return outcomes
}

func firstRequest(_ text: String) -> HTTPRequest? {
    var parser = HTTPParser()
    var start = 0
    guard case .request(let request) = parser.next(Array(text.utf8), start: &start) else { return nil }
    return request
}

/// "METHOD target version body=...", with the header fields too when `withHeaders`.
func describe(_ request: HTTPRequest, withHeaders: Bool = false) -> String {
    let head = "\(request.method.rawValue) \(request.target) \(request.version.text)"
    let body = String(decoding: request.body, as: UTF8.self)
    guard withHeaders else { return "\(head) body=\(body)" }
    let headers = request.headers.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    return "\(head) [\(headers)] body=\(body)"
}

/// A small seeded generator so a failing random input can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
}
