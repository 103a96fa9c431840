// A parsed HTTP/1.1 request as handlers see it: method, target split into path and query,
// headers, and the whole decoded body (chunked bodies arrive already joined).

/// The methods of RFC 9110, PATCH and QUERY (the safe method with a body, an IETF draft). A
/// request with one of these reaches the router, which answers 405 with `Allow` where the path
/// exists; any other token is 501 at the parser.
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable {
    case GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT, QUERY
}

/// Header fields in arrival order. Names compare case-insensitively.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    public mutating func replace(_ name: String, _ value: String) {
        fields.removeAll { $0.name.caseInsensitiveEquals(name) }
        fields.append((name, value))
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }
}

public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var target: String                 // as sent: "/v1/units?as_of=2026-01-01"
    public var path: String                   // percent-decoded path, no query
    public var query: [String: String]        // decoded query parameters; last one wins
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var pathParameters: [String: String] = [:]   // filled by the router
    public var requestID: String = ""                   // filled by the server
    public var clientAddress: String = ""               // filled by the server
    public var overHTTPS = false                        // filled by the server: the client's hop was TLS

    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http11,
                headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        let (path, query) = HTTPRequest.splitTarget(target)
        self.path = path
        self.query = query
    }

    /// Splits "/a%20b?x=1&y=2" into a decoded path and decoded parameters.
    static func splitTarget(_ target: String) -> (String, [String: String]) {
        guard let mark = target.firstIndex(of: "?") else { return (percentDecode(target) ?? target, [:]) }
        let rawPath = String(target[..<mark])
        var query: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(parts[0]), plusIsSpace: true) ?? String(parts[0])
            let value = parts.count > 1 ? (percentDecode(String(parts[1]), plusIsSpace: true) ?? String(parts[1])) : ""
            query[key] = value
        }
        return (percentDecode(rawPath) ?? rawPath, query)
    }
}

public enum HTTPVersion: Sendable, Equatable {
    case http10, http11
    public var text: String { self == .http10 ? "HTTP/1.0" : "HTTP/1.1" }
}

/// Decodes %XX escapes (and "+" as space in queries); nil when an escape is malformed or the
/// result is not UTF-8.
func percentDecode(_ text: String, plusIsSpace: Bool = false) -> String? {
    if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) {
        return text
    }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var bytes = text.utf8.makeIterator()
    while let byte = bytes.next() {
        if byte == UInt8(ascii: "%") {
            guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else { return nil }
            out.append(high << 4 | low)
        } else if plusIsSpace && byte == UInt8(ascii: "+") {
            out.append(UInt8(ascii: " "))
        } else {
            out.append(byte)
        }
    }
    return String(validating: out, as: UTF8.self)
}

func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}

extension String {
    /// ASCII case-insensitive comparison, the rule for header names.
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            if (x | 0x20) != (y | 0x20) || !((x | 0x20) >= 0x61 && (x | 0x20) <= 0x7a) { return false }
        }
        return true
    }
}
