// A timer-backed pause for tasks running on an event loop (retry backoff between attempts).

extension EventLoop {
    /// Suspends the calling task, which must run on this loop, for about `delay`.
    public func suspend(for delay: Duration) async {
        await withUnsafeContinuation { (resume: UnsafeContinuation<Void, Never>) in
            schedule(after: delay) { resume.resume() }
        }
    }
}
