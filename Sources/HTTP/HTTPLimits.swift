// How much one connection may send and how much of it orgd holds in memory: the parser's
// size limits (431, 413) and the connection's back-pressure bounds, which make a client that
// pipelines without reading its answers wait instead of growing orgd's buffers.

public struct HTTPLimits: Sendable {
    public var maxHeaderBytes: Int = 16 * 1024   // request line + headers + blank line; beyond → 431
    public var maxBodyBytes: Int = 1 << 20       // decoded body; beyond → 413
    /// Unparsed bytes a connection holds beyond the request it is receiving (pipelined requests
    /// waiting their turn). Over this, orgd stops reading the socket until it has caught up.
    public var maxPipelinedBytes: Int = 64 * 1024
    /// Response bytes not yet accepted by the socket. Over this, orgd stops reading: a client
    /// that does not read its answers gets no further requests parsed.
    public var maxUnsentBytes: Int = 64 * 1024
    /// Pipelined requests answered in one go before the connection lets the loop serve others.
    public var maxRequestsPerTurn: Int = 64

    public init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1 << 20) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }
}
