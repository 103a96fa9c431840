// A small pool of PGConnections for one event loop: connections are opened lazily up to
// `size`, lent to one task at a time, and handed to waiters in arrival order. While the
// database is down it fails fast and reconnects in the background (see PGReconnectPolicy),
// so requests get 503 quickly during an outage and service resumes by itself afterwards.
//
// Thread ownership: create it anywhere, then use it only from tasks running on `loop`
// (`Task(executorPreference: loop)`); its state is never touched by another thread, hence
// `@unchecked Sendable`. The one exception is `stats`, which any thread may read (/metrics
// renders every loop's pool): it reads atomic copies of the counts, not the pool's state.

import EventLoop
import Synchronization

public final class PGPool: @unchecked Sendable {
    public let url: String
    public let loop: EventLoop
    public let size: Int
    public let statementTimeoutMillis: Int?
    public let waitTimeout: Duration                  // a task waits this long for a connection
    public let connectTimeout: Duration
    public let check: ConnectionCheck?                // runs on every new connection before its first use
    public let applicationName: String                // pg_stat_activity's name for its connections

    /// Vets a new connection before the pool lends it; throwing `.refused` discards it, and tasks
    /// waiting for a connection get that error until a later connect passes the check.
    public typealias ConnectionCheck = @Sendable (PGConnection) async throws(PGError) -> Void

    private var idle: [PGConnection] = [] {           // most recently returned last, lent first
        didSet { idleCount.store(idle.count, ordering: .relaxed) }
    }
    private var open = 0 {                            // connected or connecting, idle or lent
        didSet { openCount.store(open, ordering: .relaxed) }
    }
    private var waiters = FIFO<PoolWaiter>()          // may hold waiters already served or timed out
    private var waiting = 0 {                         // waiters still waiting
        didSet { waitingCount.store(waiting, ordering: .relaxed) }
    }
    private let idleCount = Atomic<Int>(0)            // copies of the three counts for `stats`
    private let openCount = Atomic<Int>(0)
    private let waitingCount = Atomic<Int>(0)
    private var policy = PGReconnectPolicy()
    private var lastError: PGError?                   // of the last failed connect
    private var retryTimer: TimerID?                  // background reconnect
    private var closed = false

    public init(url: String, loop: EventLoop, size: Int, statementTimeoutMillis: Int? = nil,
                waitTimeout: Duration = .seconds(5), connectTimeout: Duration = .seconds(5),
                check: ConnectionCheck? = nil, applicationName: String = "orgd") {
        precondition(size > 0, "a pool needs at least one connection")
        self.url = url
        self.loop = loop
        self.size = size
        self.statementTimeoutMillis = statementTimeoutMillis
        self.waitTimeout = waitTimeout
        self.connectTimeout = connectTimeout
        self.check = check
        self.applicationName = applicationName
    }

    /// Safe from any thread; the three counts are each exact but read one after the other.
    public var stats: (size: Int, open: Int, idle: Int, waiting: Int) {
        (size, openCount.load(ordering: .relaxed), idleCount.load(ordering: .relaxed),
         waitingCount.load(ordering: .relaxed))
    }

    /// True between a failed connect and the next successful one (the background retry is
    /// pending). Call on `loop`.
    public var isReconnecting: Bool { policy.isFailing }

    /// Lends a connection to `body` for its duration. The connection must not escape `body`.
    /// A transaction `body` leaves open is rolled back before the connection is reused.
    /// Throws `.unavailable` if no connection can be had (database down, or none free within
    /// `waitTimeout`), `.poolClosed` after `close()`, or whatever `body` throws.
    public func withConnection<T>(_ body: (PGConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            await rollBackIfOpen(connection)
            release(connection)
            return value
        } catch {
            await rollBackIfOpen(connection)
            release(connection)
            throw error
        }
    }

    /// One statement on any free connection.
    public func query(_ sql: String, _ params: [any PGEncodable] = []) async throws(PGError) -> PGResult {
        let connection = try await acquire()
        defer { release(connection) }
        return try await connection.query(sql, params)
    }

    /// One statement built by interpolation on any free connection.
    public func query(_ query: PGQuery) async throws(PGError) -> PGResult {
        let connection = try await acquire()
        defer { release(connection) }
        return try await connection.query(query)
    }

    /// Closes idle connections and fails waiters with `.poolClosed`; connections lent out are
    /// closed when they come back.
    public func close() {
        closed = true
        if let retryTimer { loop.cancel(retryTimer) }
        retryTimer = nil
        for connection in idle { discard(connection) }
        idle = []
        failWaiters(PGError(kind: .poolClosed, message: "the pool was closed"))
    }

    // MARK: Lending

    func acquire() async throws(PGError) -> PGConnection {
        precondition(loop.inLoop, "PGPool used off its loop (\(loop.name))")
        if closed { throw PGError(kind: .poolClosed, message: "the pool was closed") }
        // Invariant: idle is empty while tasks wait, so taking one here never jumps the queue.
        while let connection = idle.popLast() {
            if !connection.isBroken { return connection }
            discard(connection)
        }
        if open < size {
            if policy.shouldFailFast(now: MonotonicClock.nowMillis()) {
                if open == 0 { throw unavailableError() }
            } else {
                openConnection()
            }
        }
        let result = await withUnsafeContinuation { continuation in
            let waiter = PoolWaiter(continuation)
            waiter.timer = loop.schedule(after: waitTimeout) { [weak self, waiter] in
                guard let self, let continuation = waiter.take() else { return }
                waiting -= 1
                if waiting == 0 { _ = waiters.removeAll() }     // only answered waiters are left
                let seconds = Double(waitTimeout.wholeMilliseconds) / 1000
                continuation.resume(returning: .failure(.unavailable("pool wait timed out after \(seconds) s")))
            }
            waiters.append(waiter)
            waiting += 1
        }
        return try result.get()
    }

    func release(_ connection: PGConnection) {
        if closed || connection.isBroken || connection.transactionStatus != .idle {
            discard(connection)
            replenish()
            return
        }
        handOff(connection)
    }

    /// Gives `connection` to the oldest waiter, or keeps it idle.
    private func handOff(_ connection: PGConnection) {
        while let waiter = waiters.popFirst() {
            guard let continuation = waiter.take() else { continue }
            if let timer = waiter.timer { loop.cancel(timer) }
            waiting -= 1
            continuation.resume(returning: .success(connection))
            return
        }
        idle.append(connection)
    }

    private func discard(_ connection: PGConnection) {
        connection.close()
        open -= 1
    }

    /// After a connection was discarded: open another if tasks are waiting for one.
    private func replenish() {
        guard waiting > 0, open < size, !closed else { return }
        if !policy.shouldFailFast(now: MonotonicClock.nowMillis()) {
            openConnection()
        } else if open == 0 {
            failWaiters(unavailableError())
        }
    }

    private func rollBackIfOpen(_ connection: PGConnection) async {
        guard !connection.isBroken, connection.transactionStatus != .idle else { return }
        _ = try? await connection.simpleQuery("ROLLBACK")
    }

    // MARK: Connecting

    private func openConnection() {
        open += 1
        Task(executorPreference: loop) { [self] in
            do throws(PGError) {
                let connection = try await PGConnection.connect(url, on: loop,
                                                                statementTimeoutMillis: statementTimeoutMillis,
                                                                timeout: connectTimeout, applicationName: applicationName)
                if let check {
                    do throws(PGError) { try await check(connection) } catch { connection.close(); throw error }
                }
                policy.succeeded()
                lastError = nil
                if closed {
                    discard(connection)
                    return
                }
                connection.onBroken = { [weak self, weak connection] _ in
                    guard let self, let connection else { return }
                    evictIfIdle(connection)
                }
                handOff(connection)
            } catch {
                open -= 1
                lastError = error
                policy.failed(now: MonotonicClock.nowMillis())
                if open == 0 { failWaiters(unavailableError()) }
                scheduleRetry()
            }
        }
    }

    /// An idle connection died (server restart, idle timeout): forget it now, so that `stats`
    /// is true and the next task does not pick it.
    private func evictIfIdle(_ connection: PGConnection) {
        guard let index = idle.firstIndex(where: { $0 === connection }) else { return }
        idle.remove(at: index)
        discard(connection)
    }

    /// While connects fail, try again in the background after the policy's delay, so the pool
    /// is warm again soon after the database is back even if no request comes.
    private func scheduleRetry() {
        guard retryTimer == nil, !closed else { return }
        retryTimer = loop.schedule(after: .milliseconds(policy.delay)) { [weak self] in
            guard let self else { return }
            retryTimer = nil
            if !closed, policy.isFailing, open < size { openConnection() }
        }
    }

    private func failWaiters(_ error: PGError) {
        while let waiter = waiters.popFirst() {
            guard let continuation = waiter.take() else { continue }
            if let timer = waiter.timer { loop.cancel(timer) }
            waiting -= 1
            continuation.resume(returning: .failure(error))
        }
    }

    private func unavailableError() -> PGError {
        if let lastError, lastError.kind == .refused { return lastError }
        return .unavailable("database unavailable: \(lastError?.message ?? "connect failed")")
    }
}

/// A task waiting for a connection; answered once, by a hand-off, a timeout or a failure.
private final class PoolWaiter {
    private var continuation: UnsafeContinuation<Result<PGConnection, PGError>, Never>?
    var timer: TimerID?

    init(_ continuation: UnsafeContinuation<Result<PGConnection, PGError>, Never>) {
        self.continuation = continuation
    }

    /// The continuation, the first time only.
    func take() -> UnsafeContinuation<Result<PGConnection, PGError>, Never>? {
        defer { continuation = nil }
        return continuation
    }
}
