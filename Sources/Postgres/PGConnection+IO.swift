// The libpq side of PGConnection: driving PQconnectPoll, sending commands, flushing, reading
// results and notifications when the socket is ready, and performing the state machine's
// actions. All of it runs on the connection's loop thread.

import CPostgres
import EventLoop

extension PGConnection {
    typealias Action = PGConnectionState<Waiter>.Action

    /// Starts the connection and suspends until it is ready; returns the error if it failed.
    func start(_ parameters: PGConnectParameters, timeout: Duration) async -> PGError? {
        guard let pq = parameters.connectStart() else { return .unavailable("libpq is out of memory") }
        self.pq = pq
        guard PQstatus(pq) != CONNECTION_BAD else {
            let error = PGError.unavailable(PGError.trimmed(PQerrorMessage(pq)))
            perform(state.connectionLost(error))
            return error
        }
        PQsetNoticeProcessor(pq, { _, _ in }, nil)   // NOTICEs are not errors; keep stderr clean
        return await withUnsafeContinuation { waiter in
            connectWaiter = waiter
            timer = loop.schedule(after: timeout) { [weak self] in
                guard let self else { return }
                timer = nil
                perform(state.connectTimedOut(after: timeout.wholeMilliseconds))
            }
            // libpq: before the first PQconnectPoll, behave as if it answered POLLING_WRITING.
            perform(.wait(.writable))
        }
    }

    /// Called by the loop. While connecting, every readiness event means "poll again".
    public func ioReady(readable: Bool, writable: Bool, hangup: Bool) {
        guard let pq else { return }
        if state.isConnecting {
            pollConnect(pq)
            return
        }
        if readable || hangup {
            guard PQconsumeInput(pq) != 0 else {
                lose(.unavailable(PGError.trimmed(PQerrorMessage(pq))))
                return
            }
            // libpq: after consuming input while output is pending, flush again.
            if watchingWrites { flush() }
            collectResults()
            deliverNotifications()
            // Postgres never half-closes: a hangup means the session is over once the data
            // that came with it has been read.
            if let pq = self.pq, hangup || PQstatus(pq) == CONNECTION_BAD {
                let message = PGError.trimmed(PQerrorMessage(pq))
                lose(.unavailable(message == "unknown libpq error" ? "the server closed the connection" : message))
            }
        } else if writable {
            flush()
        }
    }

    private func pollConnect(_ pq: OpaquePointer) {
        let poll: PGConnectionState<Waiter>.ConnectPoll
        switch PQconnectPoll(pq) {
        case PGRES_POLLING_READING: poll = .reading
        case PGRES_POLLING_WRITING: poll = .writing
        case PGRES_POLLING_OK: poll = .ok
        default: poll = .failed(PGError.trimmed(PQerrorMessage(pq)))
        }
        perform(state.connectPolled(poll))
    }

    func perform(_ action: Action) {
        switch action {
        case .none:
            break
        case .wait(let readiness):
            watchWhileConnecting(readiness)
        case .ready(let next):
            cancelTimer()
            PQsetnonblocking(pq, 1)
            watchWhileConnecting(.readable)
            connectWaiter?.resume(returning: nil)
            connectWaiter = nil
            if let next { send(next) }
        case .send(let command):
            send(command)
        case .complete(let waiter, let outcome, let next):
            cancelTimer()
            waiter.resume(returning: outcome)
            if let next { send(next) }
        case .fail(let waiters, let error):
            release()
            connectWaiter?.resume(returning: error)
            connectWaiter = nil
            for waiter in waiters { waiter.resume(returning: .failure(error)) }
        }
    }

    /// The connection is lost: fail everything, free the socket, tell the owner once.
    func lose(_ error: PGError) {
        let wasUsable = !state.isFinished && !state.isConnecting
        perform(state.connectionLost(error))
        if wasUsable, let onBroken {
            self.onBroken = nil
            onBroken(error)
        }
    }

    // MARK: Sending

    private func send(_ command: PGConnectionState<Waiter>.Send) {
        guard let pq else { return }
        let sent: Int32
        switch command {
        case .prepare(let name, let sql):
            sent = PQsendPrepare(pq, name, sql, 0, nil)
        case .execute(let name, let params, let format):
            sent = withCStrings(params) { PQsendQueryPrepared(pq, name, Int32(params.count), $0, nil, nil, format.rawValue) }
        case .unnamed(let sql, let params, let format):
            sent = withCStrings(params) { PQsendQueryParams(pq, sql, Int32(params.count), nil, $0, nil, nil, format.rawValue) }
        case .simple(let sql):
            sent = PQsendQuery(pq, sql)
        case .pipeline(let steps):
            sent = sendPipeline(pq, steps)
        }
        guard sent == 1 else {
            let message = PGError.trimmed(PQerrorMessage(pq))
            lose(PQstatus(pq) == CONNECTION_BAD ? .unavailable(message) : .protocolError(message))
            return
        }
        if let answerTimeout {
            cancelTimer()
            timer = loop.schedule(after: answerTimeout) { [weak self] in
                guard let self else { return }
                timer = nil
                let error = PGError(kind: .timeout, message:
                    "Postgres did not answer within \(answerTimeout.wholeMilliseconds) ms; connection closed")
                let wasUsable = !state.isFinished
                perform(state.answerTimedOut(error))
                if wasUsable, state.isFinished, let onBroken {
                    self.onBroken = nil
                    onBroken(error)
                }
            }
        }
        flush()
    }

    /// Enters pipeline mode and queues every step and a Sync; libpq sends them in one write.
    private func sendPipeline(_ pq: OpaquePointer, _ steps: [PGConnectionState<Waiter>.Step]) -> Int32 {
        guard PQenterPipelineMode(pq) == 1 else { return 0 }
        for step in steps {
            let sent: Int32
            switch step {
            case .prepare(let name, let sql):
                sent = PQsendPrepare(pq, name, sql, 0, nil)
            case .execute(let name, let params, let format):
                sent = withCStrings(params) { PQsendQueryPrepared(pq, name, Int32(params.count), $0, nil, nil, format.rawValue) }
            case .unnamed(let sql, let params, let format):
                sent = withCStrings(params) { PQsendQueryParams(pq, sql, Int32(params.count), nil, $0, nil, nil, format.rawValue) }
            }
            guard sent == 1 else { return 0 }
        }
        pipelineOutcomes = []
        pipelineOutcomes.reserveCapacity(steps.count)
        return PQpipelineSync(pq)
    }

    /// PQflush until it returns 0; while it returns 1, also wait for the socket to be writable.
    private func flush() {
        guard let pq else { return }
        switch PQflush(pq) {
        case 0: watchWrites(false)
        case 1: watchWrites(true)
        default: lose(.unavailable(PGError.trimmed(PQerrorMessage(pq))))
        }
    }

    // MARK: Receiving

    /// Reads every complete result; PQgetResult's NULL ends the command in flight, after which
    /// the state machine may send the next one (whose results cannot be here yet).
    private func collectResults() {
        if state.isPipelining {
            collectPipelineResults()
            return
        }
        while let pq, state.awaitingResults, PQisBusy(pq) == 0 {
            guard let result = PQgetResult(pq) else {
                let outcome: Result<[PGResult], PGError> = collectedError.map { .failure($0) } ?? .success(collected)
                collected = []
                collectedError = nil
                perform(state.commandFinished(outcome))
                continue
            }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                if collectedError == nil {
                    collected.append(PGResult(taking: result))     // it clears the result
                    continue
                }
            case PGRES_FATAL_ERROR:
                if collectedError == nil {
                    collectedError = PGError(result: result, connectionLost: PQstatus(pq) == CONNECTION_BAD)
                }
            default:
                // COPY and the rest: not something this module speaks.
                let name = String(cString: PQresStatus(status))
                PQclear(result)
                lose(.protocolError("unexpected result \(name); COPY is not supported"))
                return
            }
            PQclear(result)
        }
    }

    /// In pipeline mode each step's results end with a NULL, a step skipped after an error
    /// reports PGRES_PIPELINE_ABORTED, and the Sync's own result ends the command.
    private func collectPipelineResults() {
        while let pq, state.isPipelining, PQisBusy(pq) == 0 {
            guard let result = PQgetResult(pq) else {
                pipelineOutcomes.append(collectedError.map { .failure($0) } ?? .success(collected))
                collected = []
                collectedError = nil
                continue
            }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                collected.append(PGResult(taking: result))         // it clears the result
                continue
            case PGRES_FATAL_ERROR:
                collectedError = PGError(result: result, connectionLost: PQstatus(pq) == CONNECTION_BAD)
            case PGRES_PIPELINE_ABORTED:
                collectedError = PGError(kind: .query, sqlState: "25P02",
                                         message: "not run: an earlier statement in the pipeline failed")
            case PGRES_PIPELINE_SYNC:
                PQclear(result)
                guard PQexitPipelineMode(pq) == 1 else {
                    lose(.protocolError("could not leave pipeline mode: \(PGError.trimmed(PQerrorMessage(pq)))"))
                    return
                }
                let outcomes = pipelineOutcomes
                pipelineOutcomes = []
                perform(state.pipelineFinished(outcomes))
                continue
            default:
                let name = String(cString: PQresStatus(status))
                PQclear(result)
                lose(.protocolError("unexpected result \(name) in a pipeline"))
                return
            }
            PQclear(result)
        }
    }

    private func deliverNotifications() {
        while let pq, let notice = PQnotifies(pq) {
            let channel = String(cString: notice.pointee.relname)
            let payload = String(cString: notice.pointee.extra)
            PQfreemem(notice)
            onNotification?(channel, payload)
        }
    }

    // MARK: Loop bookkeeping

    /// While connecting, libpq may switch sockets (another host, SSL or GSS fallback) and a new
    /// socket often reuses the old descriptor number, which epoll dropped when it was closed:
    /// so every step unregisters and registers afresh instead of modifying.
    private func watchWhileConnecting(_ readiness: PGConnectionState<Waiter>.Readiness) {
        guard let pq else { return }
        if let registration {
            loop.unregister(registration)
            self.registration = nil
        }
        let socket = PQsocket(pq)
        let interest: Interest = readiness == .readable ? .read : .write
        guard socket >= 0, let registration = loop.register(fd: socket, interest: interest, handler: self) else {
            lose(.unavailable("could not watch the Postgres socket (descriptor \(socket))"))
            return
        }
        self.registration = registration
        watchingWrites = readiness == .writable
    }

    private func watchWrites(_ on: Bool) {
        guard on != watchingWrites, let registration else { return }
        watchingWrites = on
        loop.modify(registration, interest: on ? [.read, .write] : .read)
    }

    private func cancelTimer() {
        if let timer {
            loop.cancel(timer)
            self.timer = nil
        }
    }

    /// Unregisters the socket and frees the PGconn; safe to call twice.
    private func release() {
        cancelTimer()
        if let registration {
            loop.unregister(registration)
            self.registration = nil
        }
        if let pq {
            PQfinish(pq)
            self.pq = nil
        }
        collected = []
        collectedError = nil
        pipelineOutcomes = []
    }
}

/// Calls `body` with a C array of NUL-terminated strings (nil entries stay NULL), all kept in
/// one buffer that lives for the duration of the call; libpq copies what it needs.
func withCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    var buffer: [CChar] = []
    var offsets: [Int] = []
    offsets.reserveCapacity(strings.count)
    for string in strings {
        guard let string else {
            offsets.append(-1)
            continue
        }
        offsets.append(buffer.count)
        for byte in string.utf8 { buffer.append(CChar(bitPattern: byte)) }
        buffer.append(0)
    }
    return buffer.withUnsafeBufferPointer { bytes in
        let pointers: [UnsafePointer<CChar>?] = offsets.map { $0 < 0 ? nil : bytes.baseAddress! + $0 }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

extension Duration {
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
