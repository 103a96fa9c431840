// libFuzzer target for the HTTP connection: the real HTTPServer on a real event loop (one
// thread with orgd's 1 MiB loop stack) answering over loopback sockets, with a synchronous
// responder, the kind whose answers once recursed once per pipelined request. Each input is
// sent on a fresh connection, repeated back to back (pipelined) up to 2,048 times, while the
// answers are read; then the client half-closes and reads to the end. orgd must neither crash
// nor hang: a connection that neither answers nor closes within 10 s is reported as a finding.
// Built only by scripts/fuzz.sh; see docs/security.md, "Fuzzing".

import EventLoop
import Glibc
import HTTP

/// Answers /echo with the body, /async on the next loop turn, anything else at once.
private struct FuzzResponder: HTTPResponder {
    func handle(_ request: HTTPRequest, on loop: EventLoop, respond: @escaping (HTTPResponse) -> Void) {
        switch request.path {
        case "/echo": respond(HTTPResponse(status: 200, contentType: "application/octet-stream", body: request.body))
        case "/async": loop.schedule(after: .zero) { respond(HTTPResponse.text(200, "later")) }
        default: respond(HTTPResponse.text(200, "ok"))
        }
    }
}

/// One server for the whole run. Held here: its loops refer to it unowned, so a server that
/// only lived inside this initialiser would be gone by the first request.
private let server: HTTPServer = {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.accessLog = false
    configuration.limits = HTTPLimits(maxHeaderBytes: 2_048, maxBodyBytes: 8_192)
    let server = HTTPServer(configuration: configuration, group: EventLoopGroup(count: 1), responder: FuzzResponder())
    do { try server.start() } catch { fatalError("the fuzz server could not start: \(error)") }
    return server
}()
private var port: Int { server.port }

/// The first byte picks how many times the rest is pipelined: 1, 2, 4 … 2,048.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPConnection(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 1 else { return 0 }
    let payload = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let copies = 1 << Int(data[0] % 12)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(payload.count * copies)
    for _ in 0..<copies { bytes.append(contentsOf: payload) }
    exchange(bytes)
    return 0
}

/// Sends `bytes` while reading whatever comes back, half-closes, and reads until the server
/// closes. Traps if the server stops answering (a hang) or refuses the connection (a crash).
private func exchange(_ bytes: [UInt8]) {
    let fd = connectToServer()
    defer { close(fd) }
    var sent = 0
    var halfClosed = false
    var scratch = [UInt8](repeating: 0, count: 65_536)
    while true {
        if sent == bytes.count && !halfClosed {
            shutdown(fd, Int32(SHUT_WR))
            halfClosed = true
        }
        var poller = pollfd(fd: fd, events: Int16(POLLIN) | (halfClosed ? 0 : Int16(POLLOUT)), revents: 0)
        guard poll(&poller, 1, 10_000) > 0 else { fatalError("the server neither answered nor closed within 10 s") }
        if poller.revents & Int16(POLLOUT) != 0 {
            let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if written > 0 { sent += written } else if errno != EAGAIN { return }   // the server closed: fine
        }
        if poller.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            let count = recv(fd, &scratch, scratch.count, Int32(MSG_DONTWAIT))
            if count == 0 || (count < 0 && errno != EAGAIN) { return }
        }
    }
}

private func connectToServer() -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    if result != 0 { fatalError("the server refused a connection: errno \(errno)") }
    return fd
}
