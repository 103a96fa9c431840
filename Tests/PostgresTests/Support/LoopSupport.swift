// Running test bodies on a real event loop: a one-loop group on its own thread, the body as a
// task that prefers the loop (as orgd's handlers do), and small loop-owned helpers.

import Foundation
import EventLoop
import Synchronization

/// Runs `body` as a task on a fresh event-loop thread and stops the loop afterwards.
func onLoop<T: Sendable>(_ body: @escaping @Sendable (EventLoop) async throws -> T) async throws -> T {
    let group = EventLoopGroup(count: 1, name: "pg-test")
    defer { group.shutdown() }
    let loop = group.loops[0]
    return try await Task(executorPreference: loop) { try await body(loop) }.value
}

/// Runs blocking work (the migrator, pg_ctl) on a thread of its own, so neither a loop nor
/// Swift's cooperative pool is blocked while the caller awaits it.
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.start()
    }
}

/// Milliseconds since `start` (monotonic).
func elapsed(since start: Int64) -> Int64 { MonotonicClock.nowMillis() - start }

/// Values produced by callbacks on the loop, awaited by the test on the same loop.
final class Inbox<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: used only on `loop`'s thread.
    private let loop: EventLoop
    private var values: [Value] = []
    private var waiter: (CheckedContinuation<Value?, Never>, TimerID)?

    init(loop: EventLoop) { self.loop = loop }

    func put(_ value: Value) {
        if let (continuation, timer) = waiter {
            waiter = nil
            loop.cancel(timer)
            continuation.resume(returning: value)
        } else {
            values.append(value)
        }
    }

    /// The next value, or nil if none arrives within `timeout`.
    func next(within timeout: Duration) async -> Value? {
        if !values.isEmpty { return values.removeFirst() }
        return await withCheckedContinuation { continuation in
            let timer = loop.schedule(after: timeout) { [self] in
                guard let (continuation, _) = waiter else { return }
                waiter = nil
                continuation.resume(returning: nil)
            }
            waiter = (continuation, timer)
        }
    }
}

/// Holds tasks on the loop until `count` of them have arrived.
final class Barrier: @unchecked Sendable {
    // @unchecked Sendable: used only on one loop's thread.
    private var remaining: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { remaining = count }

    func arrive() async {
        remaining -= 1
        if remaining <= 0 {
            waiting.forEach { $0.resume() }
            waiting = []
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

/// A mutable value shared by tasks on one loop.
final class LoopBox<Value>: @unchecked Sendable {
    // @unchecked Sendable: used only on one loop's thread.
    var value: Value
    init(_ value: Value) { self.value = value }
}
