// One event loop: a thread that waits on its own epoll set, runs I/O callbacks, timers, work
// posted from other threads, and the Swift tasks that prefer it as their executor.
//
// Everything a loop owns (connections, buffers, libpq handles) is touched only on the loop's
// thread. Other threads talk to a loop only through `execute(_:)`, which goes through a locked
// mailbox and wakes the loop with an eventfd. Handlers are `async`; their tasks are started with
// `executorPreference: loop`, so each `await` resumes on this same thread: no hop, no lock on
// the hot path (a job enqueued from the loop's own thread skips the lock, see `enqueue`).

import CLinux
import Glibc
import Synchronization

/// Something with a file descriptor in a loop's epoll set.
public protocol IOHandler: AnyObject {
    /// Called on the loop thread. Readable is delivered before writable: a handler that reads a
    /// request and answers it at once finds its socket still writable in the same turn.
    func ioReady(readable: Bool, writable: Bool, hangup: Bool)
}

public struct Interest: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let read = Interest(rawValue: ORGD_EPOLLIN | ORGD_EPOLLRDHUP)
    public static let write = Interest(rawValue: ORGD_EPOLLOUT)
}

/// Identifies one registered descriptor in one loop.
public struct Registration: Hashable, Sendable {
    let token: UInt64
    public let fd: Int32
}

/// Identifies one scheduled timer; cancelling an expired or unknown timer does nothing.
public struct TimerID: Hashable, Sendable {
    let id: UInt64
}

public final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: every stored property but `mailbox` and `wakeFD` is touched only on
    // the loop thread (checked with `assertInLoop` in debug builds).
    public let name: String
    private let epoll = Epoll()
    private let wakeFD: Int32                          // eventfd: another thread posted work
    private let mailbox = Mutex<[UnownedWork]>([])     // work posted from other threads
    private let wakePending = Atomic<Bool>(false)      // an eventfd write is in flight
    private var localWork: [UnownedWork] = []          // work posted from the loop itself
    private var handlers: [UInt64: IOHandler] = [:]    // token -> handler
    private var nextToken: UInt64 = 1                  // 0 is the wake eventfd
    var timers = TimerHeap()
    private var beforeSleep: [() -> Void] = []
    private var stopping = false
    private var thread: pthread_t?

    public init(name: String) {
        self.name = name
        wakeFD = orgd_eventfd()
        precondition(wakeFD >= 0, "eventfd could not be created")
        _ = epoll.add(wakeFD, events: ORGD_EPOLLIN, token: 0)
    }

    deinit {
        epoll.close()
        close(wakeFD)
    }

    /// True on this loop's own thread.
    public var inLoop: Bool {
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    @inline(__always) func assertInLoop() {
        assert(thread == nil || inLoop, "\(name) touched from another thread")
    }

    // MARK: Descriptors

    /// Adds `fd` to the epoll set. Returns nil (and errno is set) if epoll refuses it.
    public func register(fd: Int32, interest: Interest, handler: IOHandler) -> Registration? {
        assertInLoop()
        let token = nextToken
        nextToken += 1
        guard epoll.add(fd, events: interest.rawValue, token: token) else { return nil }
        handlers[token] = handler
        return Registration(token: token, fd: fd)
    }

    public func modify(_ registration: Registration, interest: Interest) {
        assertInLoop()
        epoll.modify(registration.fd, events: interest.rawValue, token: registration.token)
    }

    /// Removes the descriptor; events already collected for it in this turn are dropped.
    public func unregister(_ registration: Registration) {
        assertInLoop()
        epoll.remove(registration.fd)
        handlers[registration.token] = nil
    }

    // MARK: Timers

    /// Runs `callback` on the loop thread after `delay` (millisecond resolution).
    @discardableResult
    public func schedule(after delay: Duration, _ callback: @escaping () -> Void) -> TimerID {
        assertInLoop()
        return timers.add(deadline: MonotonicClock.nowMillis() + delay.milliseconds, callback)
    }

    public func cancel(_ timer: TimerID) {
        assertInLoop()
        timers.cancel(timer)
    }

    /// Runs `hook` once per turn, after events and before the loop sleeps (batching flushes).
    public func addBeforeSleep(_ hook: @escaping () -> Void) {
        assertInLoop()
        beforeSleep.append(hook)
    }

    // MARK: Work from anywhere

    /// Runs `work` on the loop thread soon. Safe from any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        post(.closure(work))
    }

    private func post(_ work: UnownedWork) {
        if inLoop {
            localWork.append(work)
            return
        }
        mailbox.withLock { $0.append(work) }
        if !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    // MARK: Running

    /// Binds the loop to the calling thread; `run()` does it too. Separate so a group can
    /// publish the binding before work is posted (see EventLoopGroup).
    func markStarted() {
        thread = pthread_self()
    }

    /// Runs the loop on the calling thread until `stop()`.
    public func run() {
        thread = pthread_self()
        var tokens = [UInt64](repeating: 0, count: 256)
        var masks = [UInt32](repeating: 0, count: 256)
        while !stopping {
            runWork()
            for hook in beforeSleep { hook() }
            if stopping { break }               // posted work may have asked to stop: don't sleep
            let timeout = localWork.isEmpty ? timers.timeoutMillis(now: MonotonicClock.nowMillis()) : 0
            let count = epoll.wait(tokens: &tokens, masks: &masks, timeoutMillis: timeout)
            for index in 0..<count {
                dispatch(token: tokens[index], mask: masks[index])
            }
            let now = MonotonicClock.nowMillis()
            while let expired = timers.popExpired(now: now) { expired() }
        }
        runWork()
    }

    /// Makes `run()` return after the current turn. Safe from any thread.
    public func stop() {
        execute { [self] in stopping = true }
    }

    private func dispatch(token: UInt64, mask: UInt32) {
        if token == 0 {
            var value: UInt64 = 0
            _ = read(wakeFD, &value, 8)
            wakePending.store(false, ordering: .releasing)
            return
        }
        guard let handler = handlers[token] else { return }
        let hangup = mask & (ORGD_EPOLLHUP | ORGD_EPOLLERR | ORGD_EPOLLRDHUP) != 0
        handler.ioReady(readable: mask & (ORGD_EPOLLIN | ORGD_EPOLLRDHUP | ORGD_EPOLLHUP) != 0,
                        writable: mask & ORGD_EPOLLOUT != 0,
                        hangup: hangup)
    }

    private func runWork() {
        // Posted work may post more; run in rounds, at most 64, so I/O is never starved.
        for _ in 0..<64 {
            var batch = mailbox.withLock { box -> [UnownedWork] in
                if box.isEmpty { return [] }
                let taken = box
                box.removeAll(keepingCapacity: true)
                return taken
            }
            if !localWork.isEmpty {
                batch.append(contentsOf: localWork)
                localWork.removeAll(keepingCapacity: true)
            }
            if batch.isEmpty { return }
            for work in batch {
                switch work {
                case .closure(let body): body()
                case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
                }
            }
        }
    }
}

/// Lets Swift tasks run on the loop: `Task(executorPreference: loop) { ... }`.
extension EventLoop: TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        post(.job(UnownedJob(job)))
    }
}

enum UnownedWork: @unchecked Sendable {
    case closure(@Sendable () -> Void)
    case job(UnownedJob)
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
