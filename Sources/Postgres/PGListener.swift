// LISTEN/NOTIFY for cache invalidation: one dedicated connection (per loop for the caller cache,
// one per process for the answer cache's GenerationBoard) that subscribes to a fixed set of
// channels, reconnects by itself (immediately, then with backoff) and re-subscribes.
// Notifications sent while it was disconnected are lost, so `onReconnect` is called after every
// successful subscription, the first included: callers drop their caches;
// `onLost` is called as soon as a subscription's connection breaks (and on `stop`), for callers
// that must stop trusting what they learnt at once rather than at the next subscription.
//
// Thread ownership: `start()` and `stop()` may be called from any thread (they post to the
// loop); everything else, including both callbacks, runs on `loop`'s thread.

import EventLoop

public final class PGListener: @unchecked Sendable {
    public let url: String
    public let loop: EventLoop
    public let channels: [String]
    private let onNotification: (String, String) -> Void
    private let onReconnect: () -> Void
    private let onLost: () -> Void
    private let applicationName: String
    private var connection: PGConnection?
    private var connecting = false
    private var stopped = false
    private var policy = PGReconnectPolicy()
    private var retryTimer: TimerID?

    public init(url: String, loop: EventLoop, channels: [String],
                onNotification: @escaping (String, String) -> Void,
                onReconnect: @escaping () -> Void, onLost: @escaping () -> Void = {},
                applicationName: String = "orgd") {
        self.url = url
        self.loop = loop
        self.channels = channels
        self.onNotification = onNotification
        self.onReconnect = onReconnect
        self.onLost = onLost
        self.applicationName = applicationName
    }

    /// Connects and subscribes in the background; safe from any thread.
    public func start() {
        loop.execute { [self] in connect() }
    }

    /// Closes the connection and stops reconnecting; safe from any thread.
    public func stop() {
        loop.execute { [self] in
            stopped = true
            if let retryTimer { loop.cancel(retryTimer) }
            retryTimer = nil
            connection?.close()
            connection = nil
            onLost()
        }
    }

    /// True while subscribed (on the loop).
    public var isListening: Bool { connection != nil && !connecting }

    /// LISTEN "a"; LISTEN "b"; ... with each channel quoted as an identifier.
    var listenSQL: String {
        channels.map { "LISTEN \"\($0.replacingQuotes())\"" }.joined(separator: "; ")
    }

    private func connect() {
        guard !stopped, !connecting, connection == nil else { return }
        connecting = true
        Task(executorPreference: loop) { [self] in
            do throws(PGError) {
                let connection = try await PGConnection.connect(url, on: loop, applicationName: applicationName)
                self.connection = connection
                connection.onNotification = { [weak self] channel, payload in
                    self?.onNotification(channel, payload)
                }
                connection.onBroken = { [weak self] _ in self?.connectionLost() }
                if !channels.isEmpty { _ = try await connection.simpleQuery(listenSQL) }
                connecting = false
                if stopped {
                    connection.close()
                    self.connection = nil
                    return
                }
                policy.succeeded()
                onReconnect()
            } catch {
                connecting = false
                connection?.close()
                connection = nil
                policy.failed(now: MonotonicClock.nowMillis())
                scheduleRetry()
            }
        }
    }

    /// The subscription was lost: try again at once (the usual cause is a server restart or a
    /// terminated backend, and a fast resubscribe loses the fewest notifications).
    private func connectionLost() {
        onLost()
        if connecting { return }          // the connect task sees the failure and retries
        connection = nil
        connect()
    }

    private func scheduleRetry() {
        guard retryTimer == nil, !stopped else { return }
        retryTimer = loop.schedule(after: .milliseconds(policy.delay)) { [weak self] in
            guard let self else { return }
            retryTimer = nil
            connect()
        }
    }
}

extension String {
    /// Doubles every `"` so the string can sit inside a quoted SQL identifier.
    func replacingQuotes() -> String {
        var result = ""
        for character in self {
            result.append(character)
            if character == "\"" { result.append("\"") }
        }
        return result
    }
}
