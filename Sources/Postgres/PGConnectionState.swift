// The lifecycle of one libpq connection as a pure state machine: connecting → idle →
// preparing → executing (or pipelining) → idle, ending broken or closed. It owns the FIFO of commands and the
// prepared-statement cache; PGConnection performs its actions with libpq and the event loop,
// so everything here is testable without a socket.
//
// Invariants: at most one command is in flight (libpq outside pipeline mode allows no more);
// a command's waiter is answered exactly once, by `.complete` or `.fail`; once broken or
// closed, the state never changes again and every later command fails at once.

public struct PGConnectionState<Waiter> {
    public enum Command: Equatable, Sendable {
        case query(sql: String, params: [String?], format: PGFormat = .text)   // extended protocol, statement prepared once
        case simple(sql: String)                     // simple protocol, several statements allowed
        case pipeline([Statement])                   // pipeline mode, one Sync: one round trip, one implicit transaction
    }

    public struct Statement: Equatable, Sendable {
        public var sql: String
        public var params: [String?]
        public var format: PGFormat                          // of the statement's result
        public init(sql: String, params: [String?], format: PGFormat = .text) {
            self.sql = sql
            self.params = params
            self.format = format
        }
    }

    /// One command inside a pipeline.
    public enum Step: Equatable, Sendable {
        case prepare(name: String, sql: String)
        case execute(name: String, params: [String?], format: PGFormat = .text)
        case unnamed(sql: String, params: [String?], format: PGFormat = .text)
    }

    /// What to hand to libpq next.
    public enum Send: Equatable, Sendable {
        case prepare(name: String, sql: String)            // PQsendPrepare
        case execute(name: String, params: [String?], format: PGFormat = .text)   // PQsendQueryPrepared
        case unnamed(sql: String, params: [String?], format: PGFormat = .text)    // PQsendQueryParams, once the cache is full
        case simple(sql: String)                           // PQsendQuery
        case pipeline([Step])                              // PQenterPipelineMode, the steps, PQpipelineSync
    }

    /// What PQconnectPoll answered.
    public enum ConnectPoll: Equatable, Sendable {
        case reading, writing, ok
        case failed(String)
    }

    public enum Readiness: Equatable, Sendable { case readable, writable }

    public enum Action {
        case none                                          // queued behind the command in flight
        case wait(Readiness)                               // connecting: poll again when the socket is
        case ready(next: Send?)                            // connected; send `next` if something was queued
        case send(Send)
        case complete(Waiter, Result<[PGResult], PGError>, next: Send?)
        case fail([Waiter], PGError)                       // finished: release the socket, fail these
    }

    struct Pending {
        var command: Command
        var waiter: Waiter
    }

    enum Phase {
        case connecting
        case idle
        case preparing(Pending, name: String)              // Parse sent; Execute follows if it succeeds
        case executing(Pending)                            // results of the command are arriving
        case pipelining(Pending, steps: [Step])            // results of each step, then the Sync
        case broken(PGError)
        case closed
    }

    private(set) var phase: Phase = .connecting
    private var queue = FIFO<Pending>()
    private var statements: [String: String] = [:]         // SQL text → prepared statement name
    private var nextStatement = 1                          // names are "s1", "s2", ... per connection
    public let maxPreparedStatements: Int                  // beyond this, statements run unnamed

    public init(maxPreparedStatements: Int = 500) {
        self.maxPreparedStatements = maxPreparedStatements
    }

    // MARK: Questions

    public var isConnecting: Bool { if case .connecting = phase { true } else { false } }
    public var isIdle: Bool { if case .idle = phase { true } else { false } }
    /// Broken or closed: nothing can be sent any more.
    public var isFinished: Bool {
        switch phase {
        case .broken, .closed: true
        default: false
        }
    }
    /// A command was sent and its results (ending with PQgetResult's NULL) are not all in.
    public var awaitingResults: Bool {
        switch phase {
        case .preparing, .executing, .pipelining: true
        default: false
        }
    }
    /// The command in flight is a pipeline: its results end with a Sync, not a NULL.
    public var isPipelining: Bool { if case .pipelining = phase { true } else { false } }
    public var queuedCount: Int { queue.count }
    public var preparedCount: Int { statements.count }
    public func statementName(for sql: String) -> String? { statements[sql] }

    // MARK: Connecting

    public mutating func connectPolled(_ poll: ConnectPoll) -> Action {
        guard isConnecting else { return .none }
        switch poll {
        case .reading: return .wait(.readable)
        case .writing: return .wait(.writable)
        case .ok: return .ready(next: startNext())
        case .failed(let message): return finish(PGError.unavailable(message))
        }
    }

    public mutating func connectTimedOut(after milliseconds: Int64) -> Action {
        guard isConnecting else { return .none }
        return finish(PGError.unavailable("could not connect to Postgres within \(milliseconds) ms"))
    }

    // MARK: Commands

    /// Sends `command` now if the connection is idle, queues it otherwise.
    public mutating func submit(_ command: Command, waiter: Waiter) -> Action {
        let pending = Pending(command: command, waiter: waiter)
        switch phase {
        case .idle:
            return .send(start(pending))
        case .connecting, .preparing, .executing, .pipelining:
            queue.append(pending)
            return .none
        case .broken(let error):
            return .fail([waiter], error)
        case .closed:
            return .fail([waiter], PGError.closed)
        }
    }

    /// PQgetResult returned NULL: the command in flight is done, with these results or its
    /// first error.
    public mutating func commandFinished(_ outcome: Result<[PGResult], PGError>) -> Action {
        switch phase {
        case .preparing(let pending, let name):
            guard case .success = outcome, case .query(let sql, let params, let format) = pending.command else {
                return complete(pending, outcome)
            }
            statements[sql] = name
            phase = .executing(pending)
            return .send(.execute(name: name, params: params, format: format))
        case .executing(let pending):
            // The server forgot the statement (DISCARD ALL) or its result type changed under it
            // (ALTER TABLE): prepare it afresh, under a new name, next time.
            if case .failure(let error) = outcome, case .query(let sql, _, _) = pending.command,
               error.sqlState == "26000" || error.sqlState == "0A000" {
                statements[sql] = nil
            }
            return complete(pending, outcome)
        default:
            return .none
        }
    }

    /// The pipeline's Sync arrived: `outcomes` has one entry per step, in order (a step not run
    /// because an earlier one failed is a failure too). Statements prepared successfully are
    /// cached; the waiter gets one result per statement, or the first error.
    public mutating func pipelineFinished(_ outcomes: [Result<[PGResult], PGError>]) -> Action {
        guard case .pipelining(let pending, let steps) = phase else { return .none }
        var results: [PGResult] = []
        var firstError: PGError?
        for (step, outcome) in zip(steps, outcomes) {
            switch (step, outcome) {
            case (.prepare(let name, let sql), .success):
                statements[sql] = name
            case (.execute, .success(let stepResults)), (.unnamed, .success(let stepResults)):
                results.append(stepResults.last ?? PGResult(columns: [], rows: []))
            case (.execute(let name, _, _), .failure(let error)) where error.sqlState == "26000" || error.sqlState == "0A000":
                statements = statements.filter { $0.value != name }     // forgotten or stale: prepare afresh
                if firstError == nil { firstError = error }
            case (_, .failure(let error)):
                if firstError == nil { firstError = error }
            }
        }
        if firstError == nil && outcomes.count != steps.count {
            firstError = PGError.protocolError("a pipeline of \(steps.count) steps returned \(outcomes.count) results")
        }
        return complete(pending, firstError.map { .failure($0) } ?? .success(results))
    }

    /// The socket hung up, libpq reported CONNECTION_BAD, or a send or flush failed.
    public mutating func connectionLost(_ error: PGError) -> Action {
        isFinished ? .none : finish(error)
    }

    /// The server did not answer the command in flight in time; the connection cannot be
    /// trusted (libpq's cancel is blocking), so it is given up.
    public mutating func answerTimedOut(_ error: PGError) -> Action {
        awaitingResults ? finish(error) : .none
    }

    /// The owner closes the connection: every waiter fails with `.poolClosed`. Always returns
    /// `.fail`, so the socket is released even if it already was.
    public mutating func close() -> Action {
        let waiters = isFinished ? [] : takeWaiters()
        phase = .closed
        return .fail(waiters, PGError.closed)
    }

    // MARK: Transitions

    private mutating func complete(_ pending: Pending, _ outcome: Result<[PGResult], PGError>) -> Action {
        .complete(pending.waiter, outcome, next: startNext())
    }

    private mutating func finish(_ error: PGError) -> Action {
        let waiters = takeWaiters()
        phase = .broken(error)
        return .fail(waiters, error)
    }

    /// The waiter in flight first, then the queue in order.
    private mutating func takeWaiters() -> [Waiter] {
        var waiters: [Waiter] = []
        switch phase {
        case .preparing(let pending, _), .executing(let pending), .pipelining(let pending, _):
            waiters.append(pending.waiter)
        default: break
        }
        waiters += queue.removeAll().map(\.waiter)
        return waiters
    }

    /// Starts the oldest queued command, or goes idle.
    private mutating func startNext() -> Send? {
        guard let pending = queue.popFirst() else {
            phase = .idle
            return nil
        }
        return start(pending)
    }

    private mutating func start(_ pending: Pending) -> Send {
        switch pending.command {
        case .simple(let sql):
            phase = .executing(pending)
            return .simple(sql: sql)
        case .query(let sql, let params, let format):
            if let name = statements[sql] {
                phase = .executing(pending)
                return .execute(name: name, params: params, format: format)
            }
            if statements.count >= maxPreparedStatements {
                phase = .executing(pending)
                return .unnamed(sql: sql, params: params, format: format)
            }
            let name = "s\(nextStatement)"
            nextStatement += 1
            phase = .preparing(pending, name: name)
            return .prepare(name: name, sql: sql)
        case .pipeline(let list):
            let steps = plan(list)
            phase = .pipelining(pending, steps: steps)
            return .pipeline(steps)
        }
    }

    /// Cached statements are executed by name; new ones are prepared inside the same pipeline
    /// (once, even if they appear twice) and cached when the Sync shows the Parse succeeded.
    private mutating func plan(_ list: [Statement]) -> [Step] {
        var steps: [Step] = []
        var preparing: [String: String] = [:]
        for statement in list {
            if let name = statements[statement.sql] ?? preparing[statement.sql] {
                steps.append(.execute(name: name, params: statement.params, format: statement.format))
            } else if statements.count + preparing.count >= maxPreparedStatements {
                steps.append(.unnamed(sql: statement.sql, params: statement.params, format: statement.format))
            } else {
                let name = "s\(nextStatement)"
                nextStatement += 1
                preparing[statement.sql] = name
                steps.append(.prepare(name: name, sql: statement.sql))
                steps.append(.execute(name: name, params: statement.params, format: statement.format))
            }
        }
        return steps
    }
}
