// The connection state machine driven by a fake clock: which timeout applies in which phase,
// keep-alive versus close, and graceful draining.

@testable import HTTP
import Testing

@Suite("HTTP connection state machine")
struct HTTPConnectionStateMachineTests {
    let timeouts = HTTPTimeouts(headMillis: 10_000, bodyMillis: 30_000, idleMillis: 60_000)

    @Test("a new connection that sends nothing is closed after the head timeout, not the idle one")
    func silentConnection() {
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        #expect(machine.tick(now: 9_999) == .none)
        #expect(machine.tick(now: 10_000) == .close)
        #expect(machine.phase == .closed)
    }

    @Test("a slow head gets 408 at the head deadline however much it trickles")
    func slowHead() {
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        machine.partialRequest(now: 1_000, headComplete: false)
        machine.partialRequest(now: 9_000, headComplete: false)     // progress does not move the deadline
        #expect(machine.tick(now: 10_999) == .none)
        #expect(machine.tick(now: 11_000) == .timeoutResponse)
    }

    @Test("body progress resets the body timer; silence inside a body gets 408")
    func bodyTimeout() {
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        machine.partialRequest(now: 100, headComplete: false)
        machine.partialRequest(now: 200, headComplete: true)
        #expect(machine.phase == .receivingBody)
        machine.partialRequest(now: 20_000, headComplete: true)
        #expect(machine.tick(now: 49_999) == .none)
        #expect(machine.tick(now: 50_000) == .timeoutResponse)
    }

    @Test("no timeout applies while a handler works")
    func handlingHasNoDeadline() {
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        machine.requestReceived(keepAlive: true)
        #expect(machine.deadline == nil)
        #expect(machine.tick(now: 1_000_000) == .none)
    }

    @Test("after a keep-alive response the idle timeout applies and the next request is parsed")
    func keepAlive() {
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        machine.requestReceived(keepAlive: true)
        machine.responseStarted()
        #expect(!machine.closeAfterResponse)
        #expect(machine.responseWritten(now: 5_000) == .parseMore)
        #expect(machine.phase == .idle)
        #expect(machine.tick(now: 64_999) == .none)
        #expect(machine.tick(now: 65_000) == .close)
    }

    @Test("Connection: close ends the connection after its response")
    func close() {
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        machine.requestReceived(keepAlive: false)
        #expect(machine.closeAfterResponse)
        machine.responseStarted()
        #expect(machine.responseWritten(now: 1) == .close)
    }

    @Test("a peer that closes while its request is handled still gets the answer attempt, then close")
    func peerClosedDuringHandling() {
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        machine.requestReceived(keepAlive: true)
        #expect(machine.peerClosed() == .none)
        machine.responseStarted()
        #expect(machine.responseWritten(now: 1) == .close)
    }

    @Test("draining closes an idle connection at once and a busy one after its response")
    func draining() {
        var idle = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        #expect(idle.drain() == .close)

        var busy = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        busy.requestReceived(keepAlive: true)
        #expect(busy.drain() == .none)
        #expect(busy.closeAfterResponse)
        busy.responseStarted()
        #expect(busy.responseWritten(now: 1) == .close)
    }

    @Test("a request that arrives during draining is answered with Connection: close")
    func requestDuringDrain() {
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        machine.requestReceived(keepAlive: true)
        _ = machine.drain()
        machine.responseStarted()
        #expect(machine.closeAfterResponse)
    }
}

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
