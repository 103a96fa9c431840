// The life of one HTTP/1.1 connection as a pure state machine: which phase it is in, when it
// must give up, and whether it may serve another request. The I/O wrapper (HTTPConnection)
// feeds it events and performs the actions it returns; tests drive it with a fake clock.
//
// Requests on one connection are answered strictly in order: the next pipelined request is
// parsed only after the previous response is written, so ordering needs no queue.

public struct HTTPTimeouts: Sendable {
    public var headMillis: Int64 = 10_000       // first byte of a request to its last header line
    public var bodyMillis: Int64 = 30_000       // longest silence while a body is being received
    public var idleMillis: Int64 = 60_000       // keep-alive connection with nothing to do
    public init(headMillis: Int64 = 10_000, bodyMillis: Int64 = 30_000, idleMillis: Int64 = 60_000) {
        self.headMillis = headMillis
        self.bodyMillis = bodyMillis
        self.idleMillis = idleMillis
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
        case parseMore                    // try to parse the next buffered request
        case close                        // close the socket now
        case timeoutResponse              // send 408 (head/body too slow) and close
    }

    public private(set) var phase: Phase = .idle
    public private(set) var deadline: Int64?          // monotonic ms; nil: none
    private(set) var keepAlive = true                  // the current request allows another
    private(set) var draining = false                  // shutting down: serve what's in flight only
    private let timeouts: HTTPTimeouts

    /// A new connection must send its first request head within the head timeout, not the
    /// (longer) idle one: a connection that never speaks is a slow-header attack too.
    public init(now: Int64, timeouts: HTTPTimeouts) {
        self.timeouts = timeouts
        deadline = now + timeouts.headMillis
    }

    /// Bytes arrived and the parser wants more. `headComplete` tells head from body.
    public mutating func partialRequest(now: Int64, headComplete: Bool) {
        switch phase {
        case .idle:
            phase = headComplete ? .receivingBody : .receivingHead
            deadline = now + (headComplete ? timeouts.bodyMillis : timeouts.headMillis)
        case .receivingHead where headComplete:
            phase = .receivingBody
            deadline = now + timeouts.bodyMillis
        case .receivingBody:
            deadline = now + timeouts.bodyMillis    // progress on the body resets its timer
        default:
            break                                   // the head deadline never moves
        }
    }

    /// A whole request was parsed and goes to its handler.
    public mutating func requestReceived(keepAlive: Bool) {
        phase = .handling
        deadline = nil
        self.keepAlive = keepAlive && !draining
    }

    /// Whether the response being written must say `Connection: close`.
    public var closeAfterResponse: Bool { !keepAlive || draining }

    public mutating func responseStarted() {
        phase = .writing
    }

    /// The response is fully written.
    public mutating func responseWritten(now: Int64) -> Action {
        if closeAfterResponse {
            phase = .closed
            return .close
        }
        phase = .idle
        deadline = now + timeouts.idleMillis
        return .parseMore
    }

    /// The buffer holds no bytes of a next request.
    public mutating func nothingBuffered(now: Int64) {
        if phase == .receivingHead || phase == .receivingBody {
            phase = .idle
            deadline = now + timeouts.idleMillis
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
        case .receivingHead, .receivingBody:
            phase = .closed
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
