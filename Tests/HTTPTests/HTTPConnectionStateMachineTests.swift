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
        #expect(machine.tick(now: 9_999) == .none)
        #expect(machine.tick(now: 10_000) == .timeoutResponse)      // a first head counts from the accept
    }

    @Test("body progress resets the body timer; silence inside a body gets 408")
    func bodyTimeout() {
        let silenceOnly = HTTPTimeouts(headMillis: 10_000, bodyMillis: 30_000, idleMillis: 60_000,
                                       bodyTotalMillis: 100_000, bodyMinBytesPerSecond: 0)
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: silenceOnly)
        machine.partialRequest(now: 100, headComplete: false)
        machine.partialRequest(now: 200, headComplete: true)
        #expect(machine.phase == .receivingBody)
        machine.partialRequest(now: 20_000, headComplete: true, bodyBytes: 10)   // the body grew
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

@Suite("slow clients and back pressure in the connection state machine")
struct HTTPSlowClientTests {
    let timeouts = HTTPTimeouts(headMillis: 10_000, bodyMillis: 30_000, idleMillis: 60_000,
                                bodyTotalMillis: 60_000, bodyMinBytesPerSecond: 1_000, bodyRateGraceMillis: 5_000)

    /// A machine whose head completed at `now` with `bytes` of the body already here.
    func receivingBody(at now: Int64 = 0, bytes: Int = 0, timeouts: HTTPTimeouts? = nil) -> HTTPConnectionStateMachine {
        var machine = HTTPConnectionStateMachine(now: now, timeouts: timeouts ?? self.timeouts)
        machine.partialRequest(now: now, headComplete: true, bodyBytes: bytes)
        return machine
    }

    @Test("issue 9 defect 4: a body trickling one byte every 5 s is cut off by the total body deadline")
    func tricklingBodyHitsTotalDeadline() {
        let noRate = HTTPTimeouts(headMillis: 10_000, bodyMillis: 30_000, idleMillis: 60_000,
                                  bodyTotalMillis: 60_000, bodyMinBytesPerSecond: 0)
        var machine = receivingBody(timeouts: noRate)
        var now: Int64 = 0
        var bytes = 0
        while now < 59_000 {
            now += 5_000
            bytes += 1
            machine.partialRequest(now: now, headComplete: true, bodyBytes: bytes)   // never silent for 30 s
            #expect(machine.tick(now: min(now, 59_999)) == .none)
        }
        #expect(machine.tick(now: 60_000) == .timeoutResponse)
        #expect(machine.expired == .bodyTotal)
    }

    @Test("a body slower than the minimum rate gets 408 once the grace has passed")
    func slowBodyHitsRate() {
        var machine = receivingBody()
        machine.partialRequest(now: 1_000, headComplete: true, bodyBytes: 10)
        #expect(machine.tick(now: 4_999) == .none)                 // within the grace anything goes
        #expect(machine.tick(now: 5_000) == .timeoutResponse)      // 10 bytes in 5 s < 1,000 bytes/s
        #expect(machine.expired == .bodyRate)
    }

    @Test("a body that keeps up with the minimum rate runs until the total deadline, not longer")
    func bodyAtRate() {
        var machine = receivingBody()
        for second in Int64(1)...59 {          // a burst a second, averaging twice the minimum rate
            machine.partialRequest(now: second * 1_000, headComplete: true, bodyBytes: Int(second) * 2_000)
            #expect(machine.tick(now: second * 1_000 + 999) == .none)
        }
        #expect(machine.tick(now: 60_000) == .timeoutResponse)
        #expect(machine.expired == .bodyTotal)
    }

    @Test("a body read without a pause for a whole silence interval gets 408 for silence")
    func silentBody() {
        let slowRate = HTTPTimeouts(headMillis: 10_000, bodyMillis: 3_000, idleMillis: 60_000,
                                    bodyTotalMillis: 60_000, bodyMinBytesPerSecond: 1, bodyRateGraceMillis: 50_000)
        var machine = receivingBody(bytes: 5, timeouts: slowRate)
        machine.partialRequest(now: 2_000, headComplete: true, bodyBytes: 5)      // no progress: the timer stays
        #expect(machine.tick(now: 2_999) == .none)
        #expect(machine.tick(now: 3_000) == .timeoutResponse)
        #expect(machine.expired == .bodySilence)
    }

    @Test("a connection's first head deadline counts from the accept, not from its first byte")
    func firstHeadFromAccept() {
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        machine.partialRequest(now: 9_000, headComplete: false)
        #expect(machine.tick(now: 10_000) == .timeoutResponse)
        #expect(machine.expired == .head)
    }

    @Test("a later request's head deadline counts from its first byte and never moves")
    func laterHeadFromFirstByte() {
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts)
        machine.requestReceived(keepAlive: true)
        machine.responseStarted()
        _ = machine.responseWritten(now: 1_000)
        machine.partialRequest(now: 2_000, headComplete: false)
        machine.partialRequest(now: 11_000, headComplete: false)
        #expect(machine.tick(now: 11_999) == .none)
        #expect(machine.tick(now: 12_000) == .timeoutResponse)
    }

    @Test("issue 9 defect 1: pipelined answers yield to the loop after maxRequestsPerTurn, and resume next turn")
    func requestsPerTurn() {
        var limits = HTTPLimits()
        limits.maxRequestsPerTurn = 3
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts, limits: limits)
        var actions: [HTTPConnectionStateMachine.Action] = []
        for _ in 0..<4 {
            machine.requestReceived(keepAlive: true)
            machine.responseStarted()
            actions.append(machine.responseWritten(now: 1))
        }
        #expect(actions == [.parseMore, .parseMore, .parseNextTurn, .parseNextTurn])
        machine.newTurn()
        machine.requestReceived(keepAlive: true)
        machine.responseStarted()
        #expect(machine.responseWritten(now: 2) == .parseMore)
    }

    @Test("back pressure: no reading while pipelined requests or an unsent response are over their bounds")
    func backPressure() {
        var limits = HTTPLimits(maxHeaderBytes: 1_000, maxBodyBytes: 10_000)
        limits.maxPipelinedBytes = 4_000
        limits.maxUnsentBytes = 2_000
        var machine = HTTPConnectionStateMachine(now: 0, timeouts: timeouts, limits: limits)
        #expect(machine.wantsInput(unparsed: 3_999, unsent: 0))
        #expect(!machine.wantsInput(unparsed: 4_000, unsent: 0))
        machine.requestReceived(keepAlive: true)                    // handling: pipelined bytes wait
        #expect(machine.wantsInput(unparsed: 3_999, unsent: 1_999))
        #expect(!machine.wantsInput(unparsed: 4_000, unsent: 0))
        machine.responseStarted()                                   // writing, and the client does not read
        #expect(!machine.wantsInput(unparsed: 0, unsent: 2_000))
        _ = machine.responseWritten(now: 1)
        machine.partialRequest(now: 2, headComplete: true)          // a body may fill up to its limit
        #expect(machine.wantsInput(unparsed: 13_999, unsent: 0))
        #expect(!machine.wantsInput(unparsed: 14_000, unsent: 0))
        machine.failed()
        #expect(!machine.wantsInput(unparsed: 0, unsent: 0))
    }
}
