// One client connection on one loop: reads bytes, feeds the parser and the state machine,
// hands requests to the responder and writes responses. All of it runs on the loop thread.
// On a TLS listener the bytes pass through a TLSSession first (`receive`, `transmit`); the
// parser and the state machine see the same plaintext either way.

import CLinux
import EventLoop
import Glibc

final class HTTPConnection: IOHandler {
    // Owned by `server.loop`'s thread, like everything in it.
    let fd: Int32
    let client: String
    let tls: TLSSession?                       // nil on a plain listener
    unowned let server: LoopServer
    var registration: Registration?
    private var input: [UInt8] = []            // received bytes; input[inputStart...] not yet parsed
    private var inputStart = 0
    private var parser: HTTPParser
    var state: HTTPConnectionStateMachine
    private var output: [UInt8] = []           // bytes of responses not yet written
    private var outputStart = 0
    // A large body, written from its own buffer after the head in `output` rather than copied
    // into it: a cached answer's buffer is shared, not copied, and no megabyte output buffer is
    // allocated and freed per response (with allocations from 64 KiB mapped, each such buffer
    // cost page faults: a warm 1,001-unit tree took 0.62 ms of CPU instead of 0.41).
    private var outputBody: [UInt8] = []
    private var outputBodyStart = 0
    private static let separateBodyBytes = 64 * 1024
    private var watchingWritable = false
    private var interest: Interest = .read     // what the epoll registration asks for now
    private var parsing = false                // parseBuffered's loop is on the stack
    private var parsePending = false           // a response was written: parse the next request
    private var generation = 0                 // bumps per request; stale `respond` calls are ignored
    private var readScheduled = false          // a read of plaintext OpenSSL holds is queued on the loop
    // The request being answered. started: ns; method "-" when unparsed; client: the peer, or the
    // address a trusted proxy named (TrustedProxies).
    private var current: (method: String, target: String, requestID: String, started: Int64, client: String)?

    init(fd: Int32, client: String, tls: TLSSession?, server: LoopServer) {
        self.fd = fd
        self.client = client
        self.tls = tls
        self.server = server
        parser = HTTPParser(limits: server.configuration.limits)
        state = HTTPConnectionStateMachine(now: MonotonicClock.nowMillis(), timeouts: server.configuration.timeouts,
                                           limits: server.configuration.limits)
    }

    // MARK: Events from the loop

    /// TLS may need the other readiness to go on: a handshake's reply may wait for
    /// writability, and a write for readability; the call that waited is retried then.
    func ioReady(readable: Bool, writable: Bool, hangup: Bool) {
        state.newTurn()
        if readable || (writable && tls?.readWantsWrite == true) { readAvailable() }
        if (writable || (readable && tls?.writeWantsRead == true)) && state.phase != .closed { flush() }
        if hangup && !readable && state.phase != .closed { apply(state.peerClosed()) }
        updateInterest()
    }

    /// Reads while the state machine wants input (back pressure: it stops wanting it while
    /// pipelined requests or an unsent response are over their bounds), then parses.
    private func readAvailable() {
        var sawEOF = false
        reading: while state.wantsInput(unparsed: input.count - inputStart, unsent: unsent) {
            switch server.scratch.withUnsafeMutableBytes({ receive(into: $0) }) {
            case .bytes(let count):
                input.append(contentsOf: server.scratch[0..<count])
                if count < server.scratch.count { break reading }
            case .endOfStream:
                sawEOF = true
                break reading
            case .wouldBlock:
                break reading
            case .failed:
                close()
                return
            case .plainHTTP:
                refusePlainHTTP()
                return
            }
        }
        if state.phase == .idle || state.phase == .receivingHead || state.phase == .receivingBody {
            parseBuffered()
        }
        if sawEOF && state.phase != .closed { apply(state.peerClosed()) }
    }

    // MARK: Requests

    /// Parses and dispatches buffered requests one after another, by iteration, never by
    /// recursion: a synchronous responder answers inside `dispatch`, its response is written,
    /// and the state machine asks for the next request while this call is still on the stack.
    /// That nested call only sets `parsePending`; this loop picks it up once the stack has
    /// unwound. However many requests are pipelined, the stack stays as deep as one.
    private func parseBuffered() {
        parsePending = true
        guard !parsing else { return }
        parsing = true
        defer { parsing = false }
        while parsePending && state.phase != .closed {
            parsePending = false
            parseOne()
        }
    }

    /// Parses at most one request and hands it over; the next waits for this one's response.
    private func parseOne() {
        let now = MonotonicClock.nowMillis()
        while state.phase == .idle || state.phase == .receivingHead || state.phase == .receivingBody {
            switch parser.next(input, start: &inputStart) {
            case .needMore:
                compactInput()
                noteProgress(now: now)
                return
            case .expectContinue:
                noteProgress(now: now)
                enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                flush()
            case .request(var request):
                compactInput()
                state.requestReceived(keepAlive: parser.lastKeepAlive)
                dispatch(&request, now: now)
                return
            case .failure(let error):
                state.requestReceived(keepAlive: false)
                current = ("-", "-", server.makeRequestID(nil), MonotonicClock.nowPrecise(), client)
                send(Problem.from(error).response, generation: generation, head: false)
                return
            }
        }
    }

    /// Tells the state machine how far the request being received has come. A body counts as
    /// in progress even when the parser has consumed every byte so far (chunked data), so its
    /// deadlines keep running instead of turning into the idle timeout.
    private func noteProgress(now: Int64) {
        if parser.isReadingBody {
            state.partialRequest(now: now, headComplete: true,
                                 bodyBytes: parser.bodyBytesArrived(input, start: inputStart))
        } else if inputStart == input.count {
            state.nothingBuffered(now: now)
        } else {
            state.partialRequest(now: now, headComplete: false)
        }
    }

    private func dispatch(_ request: inout HTTPRequest, now: Int64) {
        generation += 1
        let generation = self.generation
        request.requestID = server.makeRequestID(request.headers["X-Request-Id"])
        request.overTLS = tls != nil
        let proxies = server.configuration.trustedProxies
        request.clientAddress = proxies.isEmpty ? client
            : proxies.client(peer: client, forwardedFor: request.headers.values("X-Forwarded-For"))
        // The client's own hop was TLS: to orgd itself, or to a trusted proxy that says so.
        request.overHTTPS = request.overTLS
            || (!proxies.isEmpty && proxies.forwardedHTTPS(peer: client, forwardedProto: request.headers.values("X-Forwarded-Proto")))
        current = (request.method.rawValue, request.target, request.requestID, MonotonicClock.nowPrecise(), request.clientAddress)
        let isHead = request.method == .HEAD
        server.responder.handle(request, on: server.loop) { [self] response in
            send(response, generation: generation, head: isHead)
        }
    }

    /// Serialises and writes one response; ignored if the connection moved on or closed.
    private func send(_ response: HTTPResponse, generation: Int, head: Bool) {
        guard generation == self.generation, state.phase == .handling else { return }
        state.responseStarted()
        let close = state.closeAfterResponse
        let requestID = current?.requestID ?? ""
        let separateBody = !head && response.body.count >= Self.separateBodyBytes
        ResponseWriter.write(response, into: &output, date: server.dateHeader(), requestID: requestID,
                             close: close, omitBody: head || separateBody)
        if separateBody {
            outputBody = response.body
            outputBodyStart = 0
        }
        if let current {
            let elapsed = Double(MonotonicClock.nowPrecise() - current.started) / 1e9
            server.requestFinished(method: current.method, target: current.target, requestID: requestID,
                                   client: current.client, route: response.route ?? "unmatched",
                                   status: response.status, bytes: response.body.count, seconds: max(0, elapsed))
        }
        flush()
        updateInterest()       // an asynchronous answer arrives outside ioReady
    }

    // MARK: Writing

    /// Bytes of responses not yet written.
    private var unsent: Int { output.count - outputStart + outputBody.count - outputBodyStart }

    private func enqueue(_ bytes: [UInt8]) {
        joinBody()
        output.append(contentsOf: bytes)
    }

    /// Moves a separately held body's unwritten bytes to the end of `output`, so bytes appended
    /// after it are written after it.
    private func joinBody() {
        guard outputBodyStart < outputBody.count else { return }
        output.append(contentsOf: outputBody[outputBodyStart...])
        outputBody = []
        outputBodyStart = 0
    }

    private func flush() {
        guard drain(body: false), drain(body: true) else { return }
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
        outputStart = 0
        outputBody = []
        outputBodyStart = 0
        watchWritable(false)
        if state.phase == .writing {
            apply(state.responseWritten(now: MonotonicClock.nowMillis()))
        }
    }

    /// Writes the unwritten bytes of `output` (false) or of `outputBody` (true) until they are
    /// all written (true) or the socket is full or failed (false: writability is watched, or the
    /// connection is closed). The buffers are read in place, never passed inout: writability
    /// changes read them while this runs.
    private func drain(body: Bool) -> Bool {
        while true {
            let result: SocketWrite
            if body {
                guard outputBodyStart < outputBody.count else { return true }
                result = outputBody.withUnsafeBytes { transmit(UnsafeRawBufferPointer(rebasing: $0[outputBodyStart...])) }
            } else {
                guard outputStart < output.count else { return true }
                result = output.withUnsafeBytes { transmit(UnsafeRawBufferPointer(rebasing: $0[outputStart...])) }
            }
            switch result {
            case .bytes(let written):
                if body { outputBodyStart += written } else { outputStart += written }
            case .wouldBlock:
                watchWritable(tls?.writeWantsRead != true)     // a TLS write waiting to read: readability retries it
                return false
            case .failed:
                close()
                return false
            }
        }
    }

    private func watchWritable(_ on: Bool) {
        watchingWritable = on
        updateInterest()
    }

    /// Asks epoll for what the connection can use now: writability while a response is stuck,
    /// readability only while the state machine wants input. Dropping readability is the back
    /// pressure: the client's further bytes wait in the kernel, then in the client.
    private func updateInterest() {
        guard let registration else { return }
        // A TLS read waiting to write is retried on writability only: asking for readability
        // too would wake the loop for every byte the client sends meanwhile, to no avail.
        let readWaitsToWrite = tls?.readWantsWrite == true
        var wanted: Interest = watchingWritable || readWaitsToWrite ? .write : []
        if (state.wantsInput(unparsed: input.count - inputStart, unsent: unsent) && !readWaitsToWrite)
            || tls?.writeWantsRead == true {
            wanted.insert(.read)
        }
        if wanted.contains(.read), tls?.hasBufferedInput == true { readBufferedPlaintext() }
        guard wanted != interest else { return }
        interest = wanted
        server.loop.modify(registration, interest: wanted)
    }

    // MARK: State machine actions

    func apply(_ action: HTTPConnectionStateMachine.Action) {
        switch action {
        case .none:
            break
        case .parseMore:
            parseBuffered()
        case .parseNextTurn:
            server.loop.schedule(after: .zero) { [self] in
                guard state.phase != .closed else { return }
                state.newTurn()
                parseBuffered()
                updateInterest()
            }
        case .close:
            close()
        case .timeoutResponse:
            var problem = Problem(status: 408, code: "HTTP_REQUEST_TIMEOUT", detail: timeoutDetail())
            problem.title = "Request Timeout"
            joinBody()
            ResponseWriter.write(problem.response, into: &output, date: server.dateHeader(),
                                 requestID: server.makeRequestID(nil), close: true, omitBody: false)
            flushThenClose()
        }
    }

    /// Names the rule a 408 enforced, with the configured number.
    private func timeoutDetail() -> String {
        let timeouts = server.configuration.timeouts
        switch state.expired {
        case .bodyTotal?:
            return "the request body did not arrive within \(timeouts.bodyTotalMillis) ms of its head"
        case .bodySilence?:
            return "nothing of the request body arrived for \(timeouts.bodyMillis) ms"
        case .bodyRate?:
            return "the request body arrived slower than \(timeouts.bodyMinBytesPerSecond) bytes/s"
        case .head?, nil:
            return "the request head did not arrive within \(timeouts.headMillis) ms"
        }
    }

    private func flushThenClose() {
        joinBody()
        if outputStart < output.count {
            _ = output.withUnsafeBytes { transmit(UnsafeRawBufferPointer(rebasing: $0[outputStart...])) }
        }
        close()
    }

    private func compactInput() {
        if inputStart == input.count {
            input.removeAll(keepingCapacity: input.capacity <= 64 * 1024)
            inputStart = 0
        } else if inputStart > 32 * 1024 {
            input.removeSubrange(0..<inputStart)
            inputStart = 0
        }
    }

    func close() {
        guard fd >= 0, registration != nil else { return }
        state.failed()
        generation += 1
        if let registration { server.loop.unregister(registration) }
        registration = nil
        if let tls {
            if !tls.handshakeDone { server.server.metrics.tlsHandshakeFailed() }
            tls.close()
        }
        Glibc.close(fd)
        server.connectionClosed(self)
    }
}

// MARK: - The socket, plain or TLS

extension HTTPConnection {
    /// One read: plaintext from the TLS session (which finishes the handshake first), or the
    /// socket's bytes.
    private func receive(into buffer: UnsafeMutableRawBufferPointer) -> SocketRead {
        if let tls {
            let wasDone = tls.handshakeDone
            let outcome = tls.read(into: buffer)
            if !wasDone && tls.handshakeDone { server.server.metrics.tlsHandshakeCompleted() }
            return outcome
        }
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .endOfStream }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed
        }
    }

    /// One write of what it can of `bytes`.
    private func transmit(_ bytes: UnsafeRawBufferPointer) -> SocketWrite {
        if let tls { return tls.write(bytes) }
        while true {
            let written = Glibc.write(fd, bytes.baseAddress, bytes.count)
            if written > 0 { return .bytes(written) }
            if written < 0 && errno == EINTR { continue }
            return written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? .wouldBlock : .failed
        }
    }

    /// Plaintext OpenSSL already decrypted makes no epoll event: when the connection wants
    /// input again (back pressure lifted), it is read on the next turn of the loop.
    private func readBufferedPlaintext() {
        guard !readScheduled else { return }
        readScheduled = true
        server.loop.schedule(after: .zero) { [self] in
            readScheduled = false
            guard state.phase != .closed else { return }
            ioReady(readable: true, writable: false, hangup: false)
        }
    }

    /// A plain-HTTP request reached the TLS port: answer it in plain text, so whoever typed
    /// http:// reads why, then close. The request's unread bytes are drained first: closing a
    /// socket with unread input sends a reset, which can destroy the answer before it is read.
    private func refusePlainHTTP() {
        let problem = Problem(status: 400, code: "HTTP_BAD_REQUEST",
                              detail: "this port speaks HTTPS (TLS) only: use https://")
        var bytes: [UInt8] = []
        ResponseWriter.write(problem.response, into: &bytes, date: server.dateHeader(),
                             requestID: server.makeRequestID(nil), close: true, omitBody: false)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(fd, Int32(SHUT_WR))
        _ = server.scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        close()
    }
}
