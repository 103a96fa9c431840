// The loop on its own thread, with no HTTP or database above it: timers fire in deadline order
// and can be cancelled, work posted from another thread runs on the loop, tasks that prefer the
// loop run on it, and the monotonic clock never goes back.

import EventLoop
import Foundation
import Synchronization
import Testing

@Suite("the event loop alone")
struct EventLoopTests {
    /// Runs `body` with a started loop of one thread, then stops it.
    func withLoop<T>(_ body: (EventLoop) async throws -> T) async rethrows -> T {
        let group = EventLoopGroup(count: 1, name: "test-loop")
        defer { group.shutdown() }
        return try await body(group.loops[0])
    }

    @Test("timers fire in deadline order on the loop's thread; a cancelled one never fires")
    func timersInOrder() async throws {
        let fired = Mutex<[Int]>([])
        await withLoop { loop in
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                loop.execute {
                    _ = loop.schedule(after: .milliseconds(30)) { fired.withLock { $0.append(3) } }
                    _ = loop.schedule(after: .milliseconds(10)) { fired.withLock { $0.append(1) } }
                    let cancelled = loop.schedule(after: .milliseconds(20)) { fired.withLock { $0.append(99) } }
                    _ = loop.schedule(after: .milliseconds(20)) {
                        precondition(loop.inLoop)
                        fired.withLock { $0.append(2) }
                    }
                    loop.cancel(cancelled)
                    _ = loop.schedule(after: .milliseconds(50)) { done.resume() }
                }
            }
        }
        #expect(fired.withLock { $0 } == [1, 2, 3])
    }

    @Test("work posted from other threads all runs, on the loop")
    func crossThreadWork() async throws {
        let count = Mutex(0)
        let onLoop = Mutex(true)
        await withLoop { loop in
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                DispatchQueue.concurrentPerform(iterations: 1_000) { _ in
                    loop.execute {
                        if !loop.inLoop { onLoop.withLock { $0 = false } }
                        if count.withLock({ $0 += 1; return $0 }) == 1_000 { done.resume() }
                    }
                }
            }
        }
        #expect(count.withLock { $0 } == 1_000)
        #expect(onLoop.withLock { $0 })
    }

    @Test("a task whose executor preference is the loop runs on it, also after a suspension")
    func taskOnLoop() async throws {
        let answers = await withLoop { loop in
            await Task(executorPreference: loop) {
                let before = loop.inLoop
                await loop.suspend(for: .milliseconds(5))
                return [before, loop.inLoop]
            }.value
        }
        #expect(answers == [true, true])
    }

    @Test("the monotonic clock never goes back, in milliseconds or nanoseconds")
    func monotonic() {
        var lastMillis = MonotonicClock.nowMillis()
        var lastNanos = MonotonicClock.nowPrecise()
        for _ in 0..<10_000 {
            let millis = MonotonicClock.nowMillis(), nanos = MonotonicClock.nowPrecise()
            #expect(millis >= lastMillis && nanos >= lastNanos)
            lastMillis = millis
            lastNanos = nanos
        }
    }
}
