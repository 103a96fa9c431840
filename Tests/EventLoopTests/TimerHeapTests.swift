// The loop's timer heap alone: earliest deadline first, lazy cancellation.

import Testing
@testable import EventLoop

@Suite("timer heap")
struct TimerHeapTests {
    @Test("timers fire earliest first, and a cancelled one never fires")
    func order() {
        var heap = TimerHeap()
        var fired: [Int] = []
        nonisolated(unsafe) var log: [Int] = []
        _ = heap.add(deadline: 30) { log.append(30) }
        let cancelled = heap.add(deadline: 10) { log.append(10) }
        _ = heap.add(deadline: 20) { log.append(20) }
        _ = heap.add(deadline: 5) { log.append(5) }
        heap.cancel(cancelled)
        #expect(heap.count == 3)
        #expect(heap.timeoutMillis(now: 0) == 5)
        while let callback = heap.popExpired(now: 25) { callback() }
        fired = log
        #expect(fired == [5, 20])
        #expect(heap.timeoutMillis(now: 25) == 5)
        while let callback = heap.popExpired(now: 100) { callback() }
        #expect(log == [5, 20, 30])
        #expect(heap.timeoutMillis(now: 100) == -1)
    }
}
