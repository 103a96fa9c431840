// One non-blocking libpq connection whose socket lives in its loop's epoll set. Commands are
// queued FIFO and sent one at a time; statements given to `query` are prepared once per
// connection. The decisions are PGConnectionState's; this file only performs them.
//
// Thread ownership: a PGConnection belongs to the loop it was connected on. Every method, and
// every callback it makes, runs on that loop's thread (a precondition checks the async entry
// points); it is `@unchecked Sendable` only so that tasks running on that loop can hold it.
// No blocking libpq call is made here: connect is PQconnectStartParams + PQconnectPoll driven
// by readiness, results are read with PQconsumeInput/PQisBusy/PQgetResult on readable. One
// exception libpq imposes: resolving a host *name* happens inside PQconnectStartParams, so
// production URLs should name a Unix-socket directory or an IP address (or `hostaddr`).

import CPostgres
import EventLoop

public final class PGConnection: IOHandler, @unchecked Sendable {
    typealias Waiter = UnsafeContinuation<Result<[PGResult], PGError>, Never>

    public let loop: EventLoop
    var pq: OpaquePointer?                          // the PGconn; nil once released
    var registration: Registration?                 // PQsocket in the loop's epoll set
    var watchingWrites = false                      // EPOLLOUT is in the interest set
    var state = PGConnectionState<Waiter>()
    var collected: [PGResult] = []                  // results of the command in flight so far
    var collectedError: PGError?                    // and its first error
    var pipelineOutcomes: [Result<[PGResult], PGError>] = []   // one per finished pipeline step
    var timer: TimerID?                             // connect deadline, then answer deadline
    let answerTimeout: Duration?                    // nil: wait for the server indefinitely
    var connectWaiter: UnsafeContinuation<PGError?, Never>?
    /// A transaction's opening (BEGIN, the tenant's set_config) not sent yet: `transaction`
    /// leaves it here and the transaction's first command takes it along (PGPool+Transaction).
    var deferredBegin: [PGConnectionState<Waiter>.Statement]?

    /// Called on the loop for each NOTIFY received on this connection (after LISTEN).
    public var onNotification: ((_ channel: String, _ payload: String) -> Void)?
    /// Called once if the connection is lost (not when it is closed by its owner).
    var onBroken: ((PGError) -> Void)?

    init(loop: EventLoop, answerTimeout: Duration?) {
        self.loop = loop
        self.answerTimeout = answerTimeout
    }

    deinit {
        // A registered connection is kept alive by its loop, so it is unregistered by now.
        if let pq { PQfinish(pq) }
    }

    /// Connects without blocking the loop; call from a task running on `loop`.
    /// `statementTimeoutMillis` becomes the session's statement_timeout; the connection also
    /// gives up on an answer 5 s after it (a server that stopped answering).
    /// `applicationName` is what pg_stat_activity shows unless the URL names one.
    /// Throws `.unavailable` with libpq's message if the server cannot be reached in `timeout`.
    public static func connect(_ url: String, on loop: EventLoop, statementTimeoutMillis: Int? = nil,
                               timeout: Duration = .seconds(5), applicationName: String = "orgd") async throws(PGError) -> PGConnection {
        precondition(loop.inLoop, "PGConnection.connect must run on its loop (\(loop.name))")
        let answerTimeout = statementTimeoutMillis.map { Duration.milliseconds($0) + .seconds(5) }
        let connection = PGConnection(loop: loop, answerTimeout: answerTimeout)
        let parameters = try PGConnectParameters(url: url, statementTimeoutMillis: statementTimeoutMillis,
                                                 applicationName: applicationName)
        if let error = await connection.start(parameters, timeout: timeout) { throw error }
        return connection
    }

    // MARK: Commands

    /// Runs one statement with text parameters ($1, $2, ...; nil is NULL). The statement is
    /// prepared on first use and reused by its SQL text afterwards.
    public func query(_ sql: String, _ params: [any PGEncodable] = []) async throws(PGError) -> PGResult {
        let texts = try PGConnection.texts(params)
        let results = try await run(.query(sql: sql, params: texts)).get()
        return results.last ?? PGResult(columns: [], rows: [])
    }

    /// Runs one statement built by interpolation: its values are bound as $1, $2, ... and its
    /// results come in `query.resultFormat`. Prepared and reused like `query(_:_:)`.
    public func query(_ query: PGQuery) async throws(PGError) -> PGResult {
        let texts = try PGConnection.checked(query.params)
        let results = try await run(.query(sql: query.sql, params: texts, format: query.resultFormat)).get()
        return results.last ?? PGResult(columns: [], rows: [])
    }

    /// Runs one or more statements separated by semicolons with the simple protocol (no
    /// parameters); returns one result per statement. The first error fails the whole call.
    public func simpleQuery(_ sql: String) async throws(PGError) -> [PGResult] {
        try await run(.simple(sql: sql)).get()
    }

    /// Runs `statements` in one round trip (libpq pipeline mode, one Sync) and in one implicit
    /// transaction: if one fails, none of them has any effect and its error is thrown (the
    /// statements after it report 25P02). Returns one result per statement. Do not use inside
    /// an explicit transaction you expect to keep: a failure there aborts it as usual.
    public func pipeline(_ statements: [PGStatement]) async throws(PGError) -> [PGResult] {
        var list: [PGConnectionState<Waiter>.Statement] = []
        list.reserveCapacity(statements.count)
        for statement in statements {
            list.append(.init(sql: statement.sql, params: try PGConnection.texts(statement.params),
                              format: statement.resultFormat))
        }
        return try await run(.pipeline(list)).get()
    }

    /// Runs `command`, behind a deferred transaction opening when there is one: a statement or
    /// a pipeline goes in one pipeline with it (the opening's results are dropped), a simple
    /// query after it.
    private func run(_ command: PGConnectionState<Waiter>.Command) async -> Result<[PGResult], PGError> {
        guard let opening = deferredBegin else { return await send(command) }
        deferredBegin = nil
        switch command {
        case .query(let sql, let params, let format):
            return await send(.pipeline(opening + [.init(sql: sql, params: params, format: format)])).map { Array($0.dropFirst(opening.count)) }
        case .pipeline(let statements):
            return await send(.pipeline(opening + statements)).map { Array($0.dropFirst(opening.count)) }
        case .simple:
            if case .failure(let error) = await send(.pipeline(opening)) { return .failure(error) }
            return await send(command)
        }
    }

    private func send(_ command: PGConnectionState<Waiter>.Command) async -> Result<[PGResult], PGError> {
        precondition(loop.inLoop, "PGConnection used off its loop (\(loop.name))")
        return await withUnsafeContinuation { waiter in
            perform(state.submit(command, waiter: waiter))
        }
    }

    // MARK: State

    /// True once the connection was lost or closed; a pool then discards it.
    public var isBroken: Bool { state.isFinished }

    public var transactionStatus: PGTransactionStatus {
        guard let pq else { return .unknown }
        return PGTransactionStatus(PQtransactionStatus(pq))
    }

    /// The server process serving this connection (for pg_stat_activity), 0 if none.
    public var backendPID: Int32 { pq.map { PQbackendPID($0) } ?? 0 }

    /// Closes the connection; commands queued or in flight fail with `.poolClosed`.
    public func close() {
        onNotification = nil
        onBroken = nil
        perform(state.close())
    }

    /// Quotes `text` as an SQL string literal for this connection's encoding (PQescapeLiteral).
    public func literal(_ text: String) throws(PGError) -> String {
        guard let pq else { throw PGError.closed }
        guard !text.utf8.contains(0) else { throw PGConnection.nulError(1) }
        guard let escaped = PQescapeLiteral(pq, text, text.utf8.count) else {
            throw PGError(kind: .query, message: PGError.trimmed(PQerrorMessage(pq)))
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    // MARK: Parameters

    static func texts(_ params: [any PGEncodable]) throws(PGError) -> [String?] {
        var texts: [String?] = []
        texts.reserveCapacity(params.count)
        for (index, param) in params.enumerated() {
            let text = param.pgText
            if let text, text.utf8.contains(0) { throw nulError(index + 1) }
            texts.append(text)
        }
        return texts
    }

    /// `texts` unchanged, once none of them holds a NUL character.
    static func checked(_ texts: [String?]) throws(PGError) -> [String?] {
        for (index, text) in texts.enumerated() where text?.utf8.contains(0) == true {
            throw nulError(index + 1)
        }
        return texts
    }

    static func nulError(_ position: Int) -> PGError {
        PGError(kind: .query, sqlState: "22021",
                message: "parameter $\(position) contains a NUL character, which Postgres text cannot hold")
    }
}

/// One statement of a pipeline: SQL with $1, $2, ... and its parameters.
public struct PGStatement {
    public var sql: String
    public var params: [any PGEncodable]
    public var resultFormat: PGFormat = .text

    public init(_ sql: String, _ params: [any PGEncodable] = []) {
        self.sql = sql
        self.params = params
    }

    /// A statement built by interpolation, with its result format.
    public init(_ query: PGQuery) {
        sql = query.sql
        params = query.params.map { $0 as any PGEncodable }
        resultFormat = query.resultFormat
    }
}

/// PQtransactionStatus: whether a connection is inside a transaction block.
public enum PGTransactionStatus: Sendable {
    case idle, active, inTransaction, inFailedTransaction, unknown

    init(_ status: PGTransactionStatusType) {
        switch status {
        case PQTRANS_IDLE: self = .idle
        case PQTRANS_ACTIVE: self = .active
        case PQTRANS_INTRANS: self = .inTransaction
        case PQTRANS_INERROR: self = .inFailedTransaction
        default: self = .unknown
        }
    }
}
