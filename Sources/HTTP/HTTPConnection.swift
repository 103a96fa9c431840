// One client connection on one loop: reads bytes, feeds the parser and the state machine,
// hands requests to the responder and writes responses. All of it runs on the loop thread.

import CLinux
import EventLoop
import Glibc

final class HTTPConnection: IOHandler {
    // Owned by `server.loop`'s thread, like everything in it.
    let fd: Int32
    let client: String
    unowned let server: LoopServer
    var registration: Registration?
    private var input: [UInt8] = []            // received bytes; input[inputStart...] not yet parsed
    private var inputStart = 0
    private var parser: HTTPParser
    var state: HTTPConnectionStateMachine
    private var output: [UInt8] = []           // bytes of responses not yet written
    private var outputStart = 0
    private var watchingWritable = false
    private var interest: Interest = .read     // what the epoll registration asks for now
    private var parsing = false                // parseBuffered's loop is on the stack
    private var parsePending = false           // a response was written: parse the next request
    private var generation = 0                 // bumps per request; stale `respond` calls are ignored
    // The request being answered. started: ns; method "-" when unparsed; client: the peer, or the
    // address a trusted proxy named (TrustedProxies).
    private var current: (method: String, target: String, requestID: String, started: Int64, client: String)?

    init(fd: Int32, client: String, server: LoopServer) {
        self.fd = fd
        self.client = client
        self.server = server
        parser = HTTPParser(limits: server.configuration.limits)
        state = HTTPConnectionStateMachine(now: MonotonicClock.nowMillis(), timeouts: server.configuration.timeouts,
                                           limits: server.configuration.limits)
    }

    // MARK: Events from the loop

    func ioReady(readable: Bool, writable: Bool, hangup: Bool) {
        state.newTurn()
        if readable { readAvailable() }
        if writable && state.phase != .closed { flush() }
        if hangup && !readable && state.phase != .closed { apply(state.peerClosed()) }
        updateInterest()
    }

    /// Reads while the state machine wants input (back pressure: it stops wanting it while
    /// pipelined requests or an unsent response are over their bounds), then parses.
    private func readAvailable() {
        var sawEOF = false
        while state.wantsInput(unparsed: input.count - inputStart, unsent: output.count - outputStart) {
            let count = server.scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                input.append(contentsOf: server.scratch[0..<count])
                if count < server.scratch.count { break }
            } else if count == 0 {
                sawEOF = true
                break
            } else {
                let code = errno
                if code == EINTR { continue }
                if code != EAGAIN && code != EWOULDBLOCK { close() ; return }
                break
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
        let proxies = server.configuration.trustedProxies
        request.clientAddress = proxies.isEmpty ? client
            : proxies.client(peer: client, forwardedFor: request.headers.values("X-Forwarded-For"))
        if !proxies.isEmpty {
            request.overHTTPS = proxies.forwardedHTTPS(peer: client, forwardedProto: request.headers.values("X-Forwarded-Proto"))
        }
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
        ResponseWriter.write(response, into: &output, date: server.dateHeader(), requestID: requestID,
                             close: close, omitBody: head)
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

    private func enqueue(_ bytes: [UInt8]) {
        output.append(contentsOf: bytes)
    }

    private func flush() {
        while outputStart < output.count {
            let written = output.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + outputStart, raw.count - outputStart)
            }
            if written > 0 {
                outputStart += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                watchWritable(true)
                return
            } else {
                close()
                return
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
        outputStart = 0
        watchWritable(false)
        if state.phase == .writing {
            apply(state.responseWritten(now: MonotonicClock.nowMillis()))
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
        var wanted: Interest = watchingWritable ? .write : []
        if state.wantsInput(unparsed: input.count - inputStart, unsent: output.count - outputStart) {
            wanted.insert(.read)
        }
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
        _ = output.withUnsafeBytes { raw in
            Glibc.write(fd, raw.baseAddress! + outputStart, raw.count - outputStart)
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
        Glibc.close(fd)
        server.connectionClosed(self)
    }
}
