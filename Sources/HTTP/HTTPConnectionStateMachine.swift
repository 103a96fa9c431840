// The life of one HTTP/1.1 connection as a pure state machine: which phase it is in, when it
// must give up, whether it may serve another request, and whether it should read more. The I/O
// wrapper (HTTPConnection) feeds it events and performs the actions it returns; tests drive it
// with a fake clock.
//
// Requests on one connection are answered strictly in order: the next pipelined request is
// parsed only after the previous response is written, so ordering needs no queue.
//
// Slow clients. Every phase that waits on the client has a deadline that progress cannot push
// back indefinitely: the head must arrive within `headMillis` of its first byte (of the accept,
// for a connection's first request); a body must arrive within `bodyTotalMillis` of its head,
// with no silence longer than `bodyMillis`, and, after `bodyRateGraceMillis`, at an average of
// at least `bodyMinBytesPerSecond`. The connection reads the whole body before any handler
// runs, so these hold for every route, before authentication as after it.

public struct HTTPTimeouts: Sendable {
    public var headMillis: Int64 = 10_000       // first byte of a request to its last header line
    public var bodyMillis: Int64 = 30_000       // longest silence while a body is being received
    public var idleMillis: Int64 = 60_000       // keep-alive connection with nothing to do
    public var bodyTotalMillis: Int64 = 60_000  // end of the head to the last byte of the body
    public var bodyMinBytesPerSecond = 1_024    // average body rate owed once the grace has passed; 0: none
    public var bodyRateGraceMillis: Int64 = 5_000  // how long a body may be slower than the rate at first
    public init(headMillis: Int64 = 10_000, bodyMillis: Int64 = 30_000, idleMillis: Int64 = 60_000,
                bodyTotalMillis: Int64 = 60_000, bodyMinBytesPerSecond: Int = 1_024,
                bodyRateGraceMillis: Int64 = 5_000) {
        self.headMillis = headMillis
        self.bodyMillis = bodyMillis
        self.idleMillis = idleMillis
        self.bodyTotalMillis = bodyTotalMillis
        self.bodyMinBytesPerSecond = bodyMinBytesPerSecond
        self.bodyRateGraceMillis = bodyRateGraceMillis
    }
}

public struct HTTPConnectionStateMachine: Sendable {
    public enum Phase: Equatable, Sendable {
        case idle          // between requests (or before the first): idle timeout applies
        case receivingHead // some bytes of a request head are buffered: head timeout applies
        case receivingBody // head complete, body incomplete: body timeout applies
        case handling      // a request is with its handler: no timeout here (the handler bounds itself)
        case writing       // the response is being written
        case closed
    }

    public enum Action: Equatable, Sendable {
        case none
        case parseMore                    // try to parse the next buffered request now
        case parseNextTurn                // the same, but after the loop has served its other work
        case close                        // close the socket now
        case timeoutResponse              // send 408 (head/body too slow, see `expired`) and close
    }

    /// Which rule a 408 enforced, for the problem's detail.
    public enum Expiry: Equatable, Sendable {
        case head                         // the head took longer than headMillis
        case bodySilence                  // nothing arrived inside a body for bodyMillis
        case bodyTotal                    // the body took longer than bodyTotalMillis
        case bodyRate                     // the body arrived slower than bodyMinBytesPerSecond
    }

    public private(set) var phase: Phase = .idle
    public private(set) var deadline: Int64?          // monotonic ms; nil: none
    public private(set) var expired: Expiry?           // set with `.timeoutResponse`
    private(set) var keepAlive = true                  // the current request allows another
    private(set) var draining = false                  // shutting down: serve what's in flight only
    private var firstRequest = true                    // no request yet: the head deadline runs from the accept
    private var body = BodyProgress()                  // the body being received
    private var answeredThisTurn = 0                   // responses written since `newTurn`
    private let timeouts: HTTPTimeouts
    private let limits: HTTPLimits

    /// A new connection must send its first request head within the head timeout, not the
    /// (longer) idle one: a connection that never speaks is a slow-header attack too.
    public init(now: Int64, timeouts: HTTPTimeouts, limits: HTTPLimits = HTTPLimits()) {
        self.timeouts = timeouts
        self.limits = limits
        deadline = now + timeouts.headMillis
    }

    /// Bytes arrived and the parser wants more. `headComplete` tells head from body;
    /// `bodyBytes` is how much of the body has arrived in all (HTTPParser.bodyBytesArrived).
    public mutating func partialRequest(now: Int64, headComplete: Bool, bodyBytes: Int = 0) {
        switch phase {
        case .idle where headComplete, .receivingHead where headComplete:
            phase = .receivingBody
            body = BodyProgress(started: now, lastProgress: now, bytes: bodyBytes)
            deadline = body.deadline(timeouts)
        case .idle:
            phase = .receivingHead
            if !firstRequest { deadline = now + timeouts.headMillis }   // the first keeps the accept's
        case .receivingBody:
            body.arrived(bodyBytes, now: now)
            deadline = body.deadline(timeouts)
        default:
            break                                   // the head deadline never moves
        }
    }

    /// A whole request was parsed and goes to its handler.
    public mutating func requestReceived(keepAlive: Bool) {
        phase = .handling
        deadline = nil
        firstRequest = false
        self.keepAlive = keepAlive && !draining
    }

    /// Whether the response being written must say `Connection: close`.
    public var closeAfterResponse: Bool { !keepAlive || draining }

    public mutating func responseStarted() {
        phase = .writing
    }

    /// The response is fully written. After `maxRequestsPerTurn` answers in one turn the next
    /// request waits for the next turn, so one connection's pipeline cannot starve the loop.
    public mutating func responseWritten(now: Int64) -> Action {
        if closeAfterResponse {
            phase = .closed
            return .close
        }
        phase = .idle
        deadline = now + timeouts.idleMillis
        answeredThisTurn += 1
        return answeredThisTurn < limits.maxRequestsPerTurn ? .parseMore : .parseNextTurn
    }

    /// The loop is starting a new turn for this connection (an I/O event, or `.parseNextTurn`).
    public mutating func newTurn() {
        answeredThisTurn = 0
    }

    /// The buffer holds no bytes of a next request.
    public mutating func nothingBuffered(now: Int64) {
        if phase == .receivingHead || phase == .receivingBody {
            phase = .idle
            deadline = now + timeouts.idleMillis
        }
    }

    /// Back pressure: whether to read more from the socket, given the bytes received and not
    /// yet parsed and the response bytes not yet written. A body being received may buffer up
    /// to the body limit (the parser refuses larger ones); otherwise pipelined requests wait in
    /// at most `maxPipelinedBytes`, and nothing is read while a response is stuck unsent.
    public func wantsInput(unparsed: Int, unsent: Int) -> Bool {
        switch phase {
        case .closed:
            return false
        case .receivingBody:
            return unparsed < limits.maxBodyBytes + limits.maxPipelinedBytes
        case .idle, .receivingHead:
            return unparsed < max(limits.maxPipelinedBytes, limits.maxHeaderBytes) && unsent < limits.maxUnsentBytes
        case .handling, .writing:
            return unparsed < limits.maxPipelinedBytes && unsent < limits.maxUnsentBytes
        }
    }

    /// The peer closed its side. A request in flight still gets its answer attempt.
    public mutating func peerClosed() -> Action {
        switch phase {
        case .handling, .writing:
            keepAlive = false
            return .none
        default:
            phase = .closed
            return .close
        }
    }

    /// Graceful shutdown: idle connections close now, busy ones after their response.
    public mutating func drain() -> Action {
        draining = true
        switch phase {
        case .handling, .writing:
            return .none
        case .closed:
            return .none
        default:
            phase = .closed
            return .close
        }
    }

    /// Called periodically by the loop's sweep.
    public mutating func tick(now: Int64) -> Action {
        guard let deadline, now >= deadline else { return .none }
        switch phase {
        case .receivingHead:
            phase = .closed
            expired = .head
            return .timeoutResponse
        case .receivingBody:
            phase = .closed
            expired = body.expiry(now: now, timeouts)
            return .timeoutResponse
        case .idle:
            phase = .closed
            return .close
        default:
            return .none
        }
    }

    /// An unrecoverable error on the socket or in framing.
    public mutating func failed() {
        phase = .closed
        deadline = nil
    }
}

/// How a request body is arriving, and the three deadlines that follow from it.
struct BodyProgress: Sendable {
    var started: Int64 = 0                 // ms: when the head was complete
    var lastProgress: Int64 = 0            // ms: when the body last grew
    var bytes = 0                          // body bytes arrived so far

    mutating func arrived(_ total: Int, now: Int64) {
        if total > bytes { lastProgress = now }
        bytes = max(bytes, total)
    }

    /// When the average rate since the head first falls below the minimum: never before the
    /// grace has passed, and later the more bytes have come.
    func rateDeadline(_ timeouts: HTTPTimeouts) -> Int64? {
        guard timeouts.bodyMinBytesPerSecond > 0 else { return nil }
        let owedBy = Int64(bytes) * 1000 / Int64(timeouts.bodyMinBytesPerSecond) + 1
        return started + max(timeouts.bodyRateGraceMillis, owedBy)
    }

    func deadline(_ timeouts: HTTPTimeouts) -> Int64 {
        let total = started + timeouts.bodyTotalMillis
        return min(lastProgress + timeouts.bodyMillis, total, rateDeadline(timeouts) ?? total)
    }

    /// Which rule a body past its deadline broke (the total first: it is the plainest).
    func expiry(now: Int64, _ timeouts: HTTPTimeouts) -> HTTPConnectionStateMachine.Expiry {
        if now >= started + timeouts.bodyTotalMillis { return .bodyTotal }
        if now >= lastProgress + timeouts.bodyMillis { return .bodySilence }
        return .bodyRate
    }
}
