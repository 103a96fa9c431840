// The seam between the HTTP server and the application: the server hands each parsed request
// to a responder, which answers through `respond` exactly once, on the loop thread.

import EventLoop

public protocol HTTPResponder: Sendable {
    /// Answers `request`. Synchronous routes call `respond` before returning (no task, no hop);
    /// others start a task with `executorPreference: loop` and call it when done. Calling
    /// `respond` after the connection has gone is harmless.
    func handle(_ request: HTTPRequest, on loop: EventLoop, respond: @escaping (HTTPResponse) -> Void)
}
