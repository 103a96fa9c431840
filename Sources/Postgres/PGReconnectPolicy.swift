// When to try the database again after a failed connect: fail fast for a second instead of
// hammering a server that is down, and retry in the background with a doubling delay
// (250 ms, 500 ms, 1 s, then every 2 s) so service resumes soon after it comes back.
// Pure: the caller passes the monotonic time in milliseconds.

public struct PGReconnectPolicy: Sendable {
    public let failFastWindow: Int64           // ms after a failure during which no connect is tried
    public let initialDelay: Int64             // ms before the first background retry
    public let maxDelay: Int64                 // ms, cap of the doubling delay
    public private(set) var lastFailure: Int64?   // monotonic ms of the last failed connect; nil after a success
    public private(set) var delay: Int64          // ms before the next background retry

    public init(failFastWindow: Int64 = 1000, initialDelay: Int64 = 250, maxDelay: Int64 = 2000) {
        self.failFastWindow = failFastWindow
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        delay = initialDelay
    }

    /// True between a failed connect and the next successful one.
    public var isFailing: Bool { lastFailure != nil }

    /// True if a connect failed less than `failFastWindow` ago: callers should report the
    /// database unavailable at once instead of trying again.
    public func shouldFailFast(now: Int64) -> Bool {
        guard let lastFailure else { return false }
        return now - lastFailure < failFastWindow
    }

    public mutating func failed(now: Int64) {
        if lastFailure != nil { delay = min(delay * 2, maxDelay) }
        lastFailure = now
    }

    public mutating func succeeded() {
        lastFailure = nil
        delay = initialDelay
    }
}
