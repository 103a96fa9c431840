// The HTTP/1.1 server over real sockets, without a database: framing, keep-alive, pipelining,
// bad input, timeouts, the connection cap and graceful shutdown. The tests taking a
// `Transport` run over plain TCP and over TLS (through a TLSTunnel, Support/TLSFixture.swift).

import EventLoop
import Foundation
import HTTP
import Synchronization
import Testing

/// Answers /hello, echoes POST /echo, answers /slow after `ms` milliseconds, and /transport
/// with "tls" or "plain" (HTTPRequest.overTLS).
struct EchoResponder: HTTPResponder {
    func handle(_ request: HTTPRequest, on loop: EventLoop, respond: @escaping (HTTPResponse) -> Void) {
        switch (request.method, request.path) {
        case (.GET, "/hello"), (.HEAD, "/hello"):
            respond(HTTPResponse.text(200, "hello"))
        case (.POST, "/echo"):
            respond(HTTPResponse(status: 200, contentType: "application/octet-stream", body: request.body))
        case (.GET, "/transport"):
            respond(HTTPResponse.text(200, request.overTLS ? "tls" : "plain"))
        case (.GET, "/slow"):
            let millis = Int(request.query["ms"] ?? "200") ?? 200
            loop.schedule(after: .milliseconds(millis)) { respond(HTTPResponse.text(200, "slow")) }
        default:
            respond(Problem(status: 404, code: "ROUTE_NOT_FOUND", detail: "no endpoint at \(request.path)").response)
        }
    }
}

final class EchoServer {
    let group: EventLoopGroup
    let server: HTTPServer
    private var tunnel: TLSTunnel?             // over TLS: the raw clients' way in
    var port: Int { tunnel?.port ?? server.port }

    init(over transport: Transport = .plain, _ adjust: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.accessLog = false
        let certificate = transport == .tls ? try TestCertificate.make(in: try temporaryFolder("echo")) : nil
        configuration.tls = try certificate?.serverContext()
        adjust(&configuration)
        group = EventLoopGroup(count: 2)
        server = HTTPServer(configuration: configuration, group: group, responder: EchoResponder())
        try server.start()
        if let certificate { tunnel = try TLSTunnel(target: server.port, caFile: certificate.certificatePath) }
    }

    deinit {
        server.shutdown(timeout: .seconds(1))
        group.shutdown()
    }
}

@Suite("HTTP/1.1 over a live socket")
struct LiveHTTPTests {
    @Test("a GET is answered with Date, Content-Length and a request id")
    func simpleGet() throws {
        let server = try EchoServer()
        let response = try rawRequest(port: server.port, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.text == "hello")
        #expect(response.header("Date")?.hasSuffix("GMT") == true)
        #expect(response.header("X-Request-Id")?.isEmpty == false)
    }

    @Test("the server listens on IPv6 too")
    func ipv6() throws {
        let server = try EchoServer { $0.host = "::1" }
        let client = try RawClient(ipv6Port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: [::1]\r\n\r\n")
        #expect(try client.readResponse().text == "hello")
    }

    @Test("a request says whether it came over TLS (overTLS), for cookies' Secure flag", arguments: Transport.allCases)
    func transportSeen(over transport: Transport) throws {
        let server = try EchoServer(over: transport)
        let response = try rawRequest(port: server.port, "GET /transport HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.text == transport.rawValue)
    }

    @Test("a client's X-Request-Id is echoed back")
    func requestIDHonoured() throws {
        let server = try EchoServer()
        let response = try rawRequest(port: server.port, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\n\r\n")
        #expect(response.header("X-Request-Id") == "abc-123")
    }

    @Test("keep-alive serves several requests on one connection", arguments: Transport.allCases)
    func keepAlive(over transport: Transport) throws {
        let server = try EchoServer(over: transport)
        let client = try RawClient(port: server.port)
        for _ in 0..<5 {
            try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test("pipelined requests are answered in order", arguments: Transport.allCases)
    func pipelining(over transport: Transport) throws {
        let server = try EchoServer(over: transport)
        let client = try RawClient(port: server.port)
        try client.send("GET /slow?ms=150 HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nonePOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ntwo")
        #expect(try client.readResponse().text == "slow")
        #expect(try client.readResponse().text == "one")
        #expect(try client.readResponse().text == "two")
    }

    @Test("a body too large to copy is written from its own buffer: whole, after its head, before the next answer, to a client that reads late", arguments: Transport.allCases)
    func largeBodyThenNext(over transport: Transport) throws {
        let size = 6 << 20              // over the loopback socket's buffers, so writes block and resume
        let server = try EchoServer(over: transport) { $0.limits = HTTPLimits(maxHeaderBytes: 16 * 1024, maxBodyBytes: size) }
        let client = try RawClient(port: server.port, timeout: 20)
        let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 13) }
        try client.send(Array("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n".utf8) + body
                        + Array("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        Thread.sleep(forTimeInterval: 0.5)
        let echoed = try client.readResponse()
        #expect(echoed.status == 200)
        #expect(echoed.body.count == size)
        #expect(echoed.body == body)
        #expect(try client.readResponse().text == "hello")
    }

    @Test("a chunked body arrives joined", arguments: Transport.allCases)
    func chunked(over transport: Transport) throws {
        let server = try EchoServer(over: transport)
        let client = try RawClient(port: server.port)
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        try client.send("6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n")
        #expect(try client.readResponse().text == "hello world")
    }

    @Test("Expect: 100-continue gets an interim 100 before the body is sent")
    func expectContinue() throws {
        let server = try EchoServer()
        let client = try RawClient(port: server.port)
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        #expect(try client.readResponse().status == 100)
        try client.send("body")
        #expect(try client.readResponse().text == "body")
    }

    @Test("HEAD gets the headers of GET and no body")
    func head() throws {
        let server = try EchoServer()
        let client = try RawClient(port: server.port)
        try client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let headResponse = try client.readResponse(head: true)
        #expect(headResponse.status == 200)
        #expect(headResponse.header("Content-Length") == "5")
        #expect(try client.readResponse().text == "hello")   // proves no body bytes were sent for HEAD
    }

    @Test("Connection: close is honoured")
    func connectionClose() throws {
        let server = try EchoServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByServer())
    }

    @Test("an HTTP/1.0 client without Host is served and the connection closed")
    func http10() throws {
        let server = try EchoServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.0\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(client.isClosedByServer())
    }

    @Test("bad input gets its status as problem+json and the connection is closed",
          arguments: [
            ("GARBAGE\r\n\r\n", 400),
            ("GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
            ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
            ("GET /hello HTTP/1.1\r\n\r\n", 400),
            ("GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
            ("GET /hello HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400),
            ("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
            ("GET /hello HTTP/2.0\r\nHost: x\r\n\r\n", 505),
            ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413),
          ], Transport.allCases)
    func badInput(input: (request: String, status: Int), over transport: Transport) throws {
        let (request, status) = input
        let server = try EchoServer(over: transport)
        let client = try RawClient(port: server.port)
        try client.send(request)
        let response = try client.readResponse()
        #expect(response.status == status)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect((response.json["code"] as? String)?.isEmpty == false)
        #expect(client.isClosedByServer())
        // The server is still up for the next client.
        #expect(try rawRequest(port: server.port, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
    }

    @Test("a header section over 16 KiB gets 431", arguments: Transport.allCases)
    func headerTooLarge(over transport: Transport) throws {
        let server = try EchoServer(over: transport)
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 17_000) + "\r\n\r\n")
        #expect(try client.readResponse().status == 431)
    }

    @Test("a body over the limit gets 413 before it is sent", arguments: Transport.allCases)
    func bodyTooLargeEarly(over transport: Transport) throws {
        let server = try EchoServer(over: transport) { $0.limits = HTTPLimits(maxHeaderBytes: 16 * 1024, maxBodyBytes: 10) }
        let client = try RawClient(port: server.port)
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n")
        #expect(try client.readResponse().status == 413)
    }

    @Test("a slow header is cut off with 408 after the head timeout", arguments: Transport.allCases)
    func slowHeader(over transport: Transport) throws {
        let server = try EchoServer(over: transport) { $0.timeouts = HTTPTimeouts(headMillis: 300, bodyMillis: 300, idleMillis: 5_000) }
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
        Thread.sleep(forTimeInterval: 0.15)
        try client.send("X-Slow: 1\r\n")                      // progress does not extend the head deadline
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(client.isClosedByServer())
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleTimeout() throws {
        let server = try EchoServer { $0.timeouts = HTTPTimeouts(headMillis: 5_000, bodyMillis: 5_000, idleMillis: 300) }
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(client.isClosedByServer())
    }

    @Test("connections over the cap get 503")
    func connectionCap() throws {
        let server = try EchoServer { $0.maxConnections = 2 }
        let first = try RawClient(port: server.port)
        let second = try RawClient(port: server.port)
        try first.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        try second.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try first.readResponse().status == 200)
        #expect(try second.readResponse().status == 200)
        let third = try RawClient(port: server.port)
        #expect(try third.readResponse().status == 503)
    }

    @Test("shutdown lets a request in flight finish, then closes")
    func gracefulShutdown() throws {
        let group = EventLoopGroup(count: 1)
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.accessLog = false
        let server = HTTPServer(configuration: configuration, group: group, responder: EchoResponder())
        try server.start()
        let client = try RawClient(port: server.port)
        let idle = try RawClient(port: server.port)
        try client.send("GET /slow?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.05)
        let finished = DispatchSemaphore(value: 0)
        let clean = ManagedFlag()
        Thread.detachNewThread {
            let finishedCleanly = server.shutdown(timeout: .seconds(5))
            clean.value = finishedCleanly
            finished.signal()
        }
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(idle.isClosedByServer())
        finished.wait()
        #expect(clean.value)
        #expect((try? RawClient(port: server.port)) == nil)      // no longer accepting
        group.shutdown()
    }
}

final class ManagedFlag: Sendable {
    private let storage = Mutex(false)
    var value: Bool {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
