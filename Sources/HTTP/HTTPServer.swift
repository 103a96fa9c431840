// The HTTP/1.1 server: one listener and one LoopServer per event loop, a global connection cap,
// and graceful shutdown. It knows nothing of orgd's domain: requests go to an HTTPResponder.

import CLinux
import EventLoop
import Foundation
import Glibc
import Synchronization

public struct HTTPServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080                      // 0: any free port (tests)
    public var limits = HTTPLimits()
    public var timeouts = HTTPTimeouts()
    public var maxConnections = 10_000
    public var accessLog = true
    /// Peers whose X-Forwarded-For names the client (a load balancer); nobody by default.
    public var trustedProxies = TrustedProxies()
    /// Certificate and key when the port speaks TLS (and only TLS); nil: plain HTTP.
    public var tls: TLSServerContext?
    public init() {}
}

public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    public let metrics: HTTPMetrics
    private let group: EventLoopGroup
    private let responder: HTTPResponder
    private let loopServers = Mutex<UncheckedBox<[LoopServer]>>(UncheckedBox([]))   // set once in start(); each used on its own loop
    private let admitted = Atomic<Int>(0)
    private let boundPort = Atomic<Int>(0)

    public init(configuration: HTTPServerConfiguration, group: EventLoopGroup, responder: HTTPResponder,
                metrics: HTTPMetrics? = nil) {
        self.configuration = configuration
        self.group = group
        self.responder = responder
        self.metrics = metrics ?? HTTPMetrics(shards: group.loops.count)
    }

    /// The port actually bound (differs from the configured one when that was 0).
    public var port: Int { boundPort.load(ordering: .relaxed) }

    public var openConnections: Int { admitted.load(ordering: .relaxed) }

    /// Binds one SO_REUSEPORT listener per loop and starts accepting. Throws if binding fails.
    public func start() throws(SocketError) {
        // OpenSSL writes with write(2), not send(MSG_NOSIGNAL): a peer's reset must not raise
        // SIGPIPE in a process that has not blocked it (orgd serve blocks it; tests may not).
        if configuration.tls != nil { orgd_ignore_sigpipe() }
        var port = configuration.port
        var fds: [Int32] = []
        do {
            for _ in group.loops {
                let fd = try Listener.open(host: configuration.host, port: port)
                if port == 0 { port = Listener.boundPort(fd) }
                fds.append(fd)
            }
        } catch {
            fds.forEach { _ = close($0) }
            throw error
        }
        boundPort.store(port, ordering: .relaxed)
        let servers = group.loops.enumerated().map { index, loop in
            LoopServer(loop: loop, index: index, listenFD: fds[index], configuration: configuration,
                       responder: responder, server: self)
        }
        let boxed = UncheckedBox(servers)
        loopServers.withLock { $0 = boxed }
        group.onEach { index, _ in boxed.value[index].start() }
    }

    /// Graceful shutdown: stop accepting, let in-flight requests finish, close idle
    /// connections; after `timeout`, close whatever is left. Blocks the calling thread (not a
    /// loop thread). Returns true if everything finished within the bound.
    @discardableResult
    public func shutdown(timeout: Duration = .seconds(10)) -> Bool {
        let servers = loopServers.withLock { $0 }
        group.onEach { index, _ in servers.value[index].drain() }
        let deadline = ContinuousClock.now + timeout
        while openConnections > 0 && ContinuousClock.now < deadline {
            usleep(10_000)
        }
        let clean = openConnections == 0
        group.onEach { index, _ in servers.value[index].closeAll() }
        return clean
    }

    // MARK: Connection accounting (any loop)

    func admitConnection() -> Bool {
        let now = admitted.add(1, ordering: .relaxed).newValue
        if now > configuration.maxConnections {
            admitted.subtract(1, ordering: .relaxed)
            return false
        }
        metrics.connectionOpened()
        return true
    }

    func connectionReleased() {
        admitted.subtract(1, ordering: .relaxed)
        metrics.connectionClosed()
    }
}

/// Carries loop-owned objects into a closure that runs on their own loop.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
