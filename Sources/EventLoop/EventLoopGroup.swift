// A fixed set of event loops, each on its own thread: one per core by default.

import Foundation

public final class EventLoopGroup: @unchecked Sendable {
    // @unchecked Sendable: `loops` is immutable after init; threads are joined in `shutdown`.
    public let loops: [EventLoop]
    private let finished: [DispatchSemaphore]

    public init(count: Int, name: String = "orgd-loop") {
        precondition(count > 0)
        loops = (0..<count).map { EventLoop(name: "\(name)-\($0)") }
        finished = loops.map { _ in DispatchSemaphore(value: 0) }
        let started = DispatchSemaphore(value: 0)
        for (loop, done) in zip(loops, finished) {
            let thread = Thread {
                loop.markStarted()
                started.signal()
                loop.run()
                done.signal()
            }
            thread.name = loop.name
            thread.stackSize = 1 << 20
            thread.start()
        }
        for _ in loops { started.wait() }
    }

    /// Runs `body` on every loop and waits until each has run it.
    public func onEach(_ body: @escaping @Sendable (Int, EventLoop) -> Void) {
        let done = DispatchSemaphore(value: 0)
        for (index, loop) in loops.enumerated() {
            loop.execute {
                body(index, loop)
                done.signal()
            }
        }
        for _ in loops { done.wait() }
    }

    /// Stops every loop and waits for its thread to finish.
    public func shutdown() {
        for loop in loops { loop.stop() }
        for done in finished { done.wait() }
    }
}
