// The part of the HTTP server that lives on one loop: its listener, its connections, the
// periodic sweep that enforces timeouts, the cached Date header and the access log buffer.

import CLinux
import EventLoop
import Glibc

final class LoopServer: IOHandler {
    // Owned by `loop`'s thread.
    let loop: EventLoop
    let index: Int                             // the loop's number, also its metrics shard
    let configuration: HTTPServerConfiguration
    let responder: HTTPResponder
    unowned let server: HTTPServer
    var scratch = [UInt8](repeating: 0, count: 64 * 1024)   // read buffer shared by this loop's connections
    private var listenFD: Int32
    private var listenRegistration: Registration?
    private var connections: [ObjectIdentifier: HTTPConnection] = [:]
    private var cachedDateSecond = -1
    private var cachedDate = ""
    private let accessLog: AccessLog?
    private var requestCounter: UInt64 = 0
    private let idPrefix: String
    private var draining = false

    init(loop: EventLoop, index: Int, listenFD: Int32, configuration: HTTPServerConfiguration,
         responder: HTTPResponder, server: HTTPServer) {
        self.loop = loop
        self.index = index
        self.listenFD = listenFD
        self.configuration = configuration
        self.responder = responder
        self.server = server
        accessLog = configuration.accessLog ? AccessLog() : nil
        idPrefix = String(UInt32.random(in: .min ... .max), radix: 16) + "-\(index)-"
    }

    /// Registers the listener and starts the sweep; on the loop thread.
    func start() {
        listenRegistration = loop.register(fd: listenFD, interest: .read, handler: self)
        if let accessLog { loop.addBeforeSleep { accessLog.flush() } }
        scheduleSweep()
    }

    // MARK: Accepting

    func ioReady(readable: Bool, writable: Bool, hangup: Bool) {
        for _ in 0..<64 {
            let fd = orgd_accept(listenFD)
            if fd < 0 {
                let code = errno
                if code == EMFILE || code == ENFILE {
                    pauseAccepting()       // out of descriptors: stop spinning, retry shortly
                }
                return
            }
            guard server.admitConnection() else {
                rejectOverCapacity(fd)
                continue
            }
            _ = orgd_set_int_option(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            var tls: TLSSession?
            if let context = configuration.tls {
                guard let session = context.makeSession(fd: fd) else {
                    Glibc.close(fd)
                    server.connectionReleased()
                    continue
                }
                tls = session
            }
            let connection = HTTPConnection(fd: fd, client: Listener.peerAddress(fd), tls: tls, server: self)
            guard let registration = loop.register(fd: fd, interest: .read, handler: connection) else {
                Glibc.close(fd)
                server.connectionReleased()
                continue
            }
            connection.registration = registration
            connections[ObjectIdentifier(connection)] = connection
        }
    }

    /// Over the connection cap: a short 503 and close, so clients see why. A TLS client could
    /// not read a plain-text answer, and a handshake is the work the cap exists to refuse: it
    /// is closed without one.
    private func rejectOverCapacity(_ fd: Int32) {
        guard configuration.tls == nil else {
            Glibc.close(fd)
            return
        }
        var problem = Problem(status: 503, code: "HTTP_TOO_MANY_CONNECTIONS",
                              detail: "the server has reached its connection limit; retry shortly")
        problem.title = "Service Unavailable"
        var out: [UInt8] = []
        var response = problem.response
        response.headers.add("Retry-After", "1")
        ResponseWriter.write(response, into: &out, date: dateHeader(), requestID: "", close: true, omitBody: false)
        _ = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        Glibc.close(fd)
    }

    private func pauseAccepting() {
        guard let registration = listenRegistration else { return }
        loop.unregister(registration)
        listenRegistration = nil
        loop.schedule(after: .milliseconds(100)) { [self] in
            if !draining { listenRegistration = loop.register(fd: listenFD, interest: .read, handler: self) }
        }
    }

    func connectionClosed(_ connection: HTTPConnection) {
        connections[ObjectIdentifier(connection)] = nil
        server.connectionReleased()
    }

    // MARK: Timeouts

    private func scheduleSweep() {
        loop.schedule(after: .milliseconds(250)) { [self] in
            let now = MonotonicClock.nowMillis()
            for connection in Array(connections.values) {
                connection.apply(connection.state.tick(now: now))
            }
            if !(draining && connections.isEmpty) { scheduleSweep() }
        }
    }

    // MARK: Shutdown

    /// Stops accepting and closes idle connections; busy ones close after their response.
    func drain() {
        draining = true
        if let registration = listenRegistration { loop.unregister(registration) }
        listenRegistration = nil
        if listenFD >= 0 { Glibc.close(listenFD) }
        listenFD = -1
        for connection in Array(connections.values) {
            connection.apply(connection.state.drain())
        }
    }

    /// Closes every connection at once (the shutdown bound has passed).
    func closeAll() {
        for connection in Array(connections.values) { connection.close() }
        accessLog?.flush()
    }

    // MARK: Per-request helpers

    func dateHeader() -> String {
        let (seconds, _) = UTCTime.now()
        if seconds != cachedDateSecond {
            cachedDateSecond = seconds
            cachedDate = UTCTime.httpDate(seconds)
        }
        return cachedDate
    }

    /// The client's X-Request-Id if it is short printable ASCII, else a new unique id.
    func makeRequestID(_ offered: String?) -> String {
        if let offered, !offered.isEmpty, offered.utf8.count <= 128,
           offered.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) {
            return offered
        }
        requestCounter += 1
        return idPrefix + String(requestCounter, radix: 16)
    }

    func requestFinished(method: String, target: String, requestID: String, client: String, route: String,
                         status: Int, bytes: Int, seconds: Double) {
        server.metrics.record(shard: index, route: route, method: method, status: status, seconds: seconds)
        accessLog?.record(requestID: requestID, client: client, method: method, target: target, route: route,
                          status: status, bytes: bytes, millis: seconds * 1000)
    }
}
