// Why a request's bytes could not be framed. Each case maps to one status and one stable
// problem code; after any of them the connection's framing is in doubt, so it is answered and
// closed.

public enum HTTPParseError: Error, Equatable, Sendable {
    case badRequest(String)        // 400; says what was wrong, e.g. "missing Host header"
    case headerTooLarge            // 431: the request line and headers exceed HTTPLimits.maxHeaderBytes
    case bodyTooLarge              // 413: the body exceeds HTTPLimits.maxBodyBytes
    case notImplemented(String)    // 501; names what, e.g. "method BREW", "transfer coding gzip"
    case versionNotSupported       // 505: a well-formed version other than HTTP/1.0 and HTTP/1.1

    public var status: Int {
        switch self {
        case .badRequest: 400
        case .headerTooLarge: 431
        case .bodyTooLarge: 413
        case .notImplemented: 501
        case .versionNotSupported: 505
        }
    }

    /// Stable, greppable problem codes. Never reuse a retired one.
    public var code: String {
        switch self {
        case .badRequest: "HTTP_BAD_REQUEST"
        case .headerTooLarge: "HTTP_HEADER_TOO_LARGE"
        case .bodyTooLarge: "HTTP_BODY_TOO_LARGE"
        case .notImplemented: "HTTP_NOT_IMPLEMENTED"
        case .versionNotSupported: "HTTP_VERSION_NOT_SUPPORTED"
        }
    }

    /// A message for the human reading the problem response.
    public var detail: String {
        switch self {
        case .badRequest(let what): "The request is malformed: \(what)."
        case .headerTooLarge: "The request line and headers are larger than this server accepts."
        case .bodyTooLarge: "The request body is larger than this server accepts."
        case .notImplemented(let what): "This server does not implement \(what)."
        case .versionNotSupported: "Only HTTP/1.0 and HTTP/1.1 are supported."
        }
    }
}
