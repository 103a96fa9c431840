// The incremental HTTP/1.1 request parser (RFC 9112): a connection feeds it its read buffer
// after every read and gets whole requests back, one per call, in order. Pure: no I/O, no
// clock, no Foundation. It keeps just enough state to resume where it stopped, so a head that
// trickles in one byte at a time is still scanned once, not once per read.
//
// Buffer contract: between calls the caller may append to the buffer and may drop the bytes
// before `start` (shifting `start` down to match), but must not change bytes at or after
// `start`. Positions the parser remembers are relative to `start`.

public struct HTTPParser: Sendable {
    public enum Event: Sendable {
        case needMore                 // the buffer holds no complete message yet
        case expectContinue           // head read, it has "Expect: 100-continue" and the body is not all here:
                                      // emitted once per request; send "100 Continue", then call next() again
        case request(HTTPRequest)     // one whole request, body decoded (chunked bodies joined)
        case failure(HTTPParseError)  // framing is in doubt: answer and close. Every later call repeats it.
    }

    private let limits: HTTPLimits
    private var head: RequestHead?           // read, waiting for its body
    private var chunked: ChunkedDecoder      // the body of `head` when it is chunked
    private var continueSent = false         // `.expectContinue` already emitted for `head`
    private var failed: HTTPParseError?      // sticky: after a failure the byte stream is unframed
    private var scanned = 0                  // head bytes past `start` already searched for the blank line
    private var lineStart = 0                // where the head line being scanned begins, relative to `start`

    /// True if the last request returned asked to keep the connection open: HTTP/1.1 unless it
    /// said `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`. False after a failure.
    public private(set) var lastKeepAlive = true

    /// True while a head has been read and its body has not all arrived (the connection uses
    /// this to choose between the head and the body timeout).
    public var isReadingBody: Bool { head != nil }

    /// Bytes of the body being read that have arrived so far, counted as sent (chunk framing
    /// included), for the connection's minimum-rate rule; 0 when no body is being read.
    public func bodyBytesArrived(_ buffer: [UInt8], start: Int) -> Int {
        guard let head else { return 0 }
        switch head.framing {
        case .none: return 0
        case .length(let length): return min(length, buffer.count - start)
        case .chunked: return chunked.consumed + buffer.count - start
        }
    }

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
        chunked = ChunkedDecoder(limits: limits)
    }

    /// Parses from `buffer[start...]`, advancing `start` past what it consumed. Call repeatedly
    /// until `.needMore`: pipelined requests come out one per call, in order. Never traps on
    /// any bytes; `start` itself must be within `0...buffer.count`.
    public mutating func next(_ buffer: [UInt8], start: inout Int) -> Event {
        precondition(start >= 0 && start <= buffer.count, "HTTPParser.next: start out of range")
        if let failed { return .failure(failed) }
        do throws(HTTPParseError) {
            if head == nil {
                guard let parsed = try readHead(buffer, start: &start) else { return .needMore }
                head = parsed
                continueSent = false
                if parsed.framing == .chunked { chunked = ChunkedDecoder(limits: limits) }
            }
            guard let current = head else { return .needMore }
            let body: [UInt8]
            switch current.framing {
            case .none:
                body = []
            case .length(let length):
                guard buffer.count - start >= length else { return waitForBody(current) }
                body = Array(buffer[start..<start + length])
                start += length
            case .chunked:
                guard try chunked.decode(buffer, start: &start) == .done else { return waitForBody(current) }
                body = chunked.body
                chunked = ChunkedDecoder(limits: limits)
            }
            head = nil
            lastKeepAlive = current.keepAlive
            return .request(HTTPRequest(method: current.method, target: current.target, version: current.version,
                                        headers: current.headers, body: body))
        } catch {
            failed = error
            lastKeepAlive = false
            return .failure(error)
        }
    }

    private mutating func waitForBody(_ head: RequestHead) -> Event {
        guard head.expectsContinue && !continueSent else { return .needMore }
        continueSent = true
        return .expectContinue
    }

    /// Finds the blank line that ends the head and parses the head. Returns nil if it has not
    /// arrived; throws 431 once more than `maxHeaderBytes` are buffered without it.
    private mutating func readHead(_ buffer: [UInt8], start: inout Int) throws(HTTPParseError) -> RequestHead? {
        if scanned == 0 && !skipLeadingBlankLines(buffer, start: &start) { return nil }
        let scanEnd = start + min(buffer.count - start, limits.maxHeaderBytes)
        var i = start + scanned
        while i < scanEnd {
            if buffer[i] == HTTPGrammar.lf {
                let lineLength = i - (start + lineStart)
                if lineLength == 0 || (lineLength == 1 && buffer[i - 1] == HTTPGrammar.cr) {
                    let end = i + 1
                    scanned = 0
                    lineStart = 0
                    let parsed = try RequestHead.parse(buffer, start..<end, limits: limits)
                    start = end
                    return parsed
                }
                lineStart = i + 1 - start
            }
            i += 1
        }
        scanned = i - start
        if scanned >= limits.maxHeaderBytes { throw .headerTooLarge }
        return nil
    }

    /// RFC 9112 §2.2: empty lines before a request line are ignored (some clients send a CRLF
    /// after a POST body). Returns false if a lone CR at the end leaves this undecided.
    private func skipLeadingBlankLines(_ buffer: [UInt8], start: inout Int) -> Bool {
        while start < buffer.count {
            if buffer[start] == HTTPGrammar.lf {
                start += 1
            } else if buffer[start] == HTTPGrammar.cr {
                guard start + 1 < buffer.count else { return false }
                guard buffer[start + 1] == HTTPGrammar.lf else { return true }
                start += 2
            } else {
                return true
            }
        }
        return true
    }
}
