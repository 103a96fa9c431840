// One request's line and header section, parsed from the bytes up to and including the blank
// line, and the framing decided from them (RFC 9112 §3, §5, §6): how the body is delimited,
// whether the connection stays open, and whether the client waits for "100 Continue".

/// How the body that follows a head is delimited.
enum BodyFraming: Equatable, Sendable {
    case none                 // no body (no Content-Length, or Content-Length: 0)
    case length(Int)          // exactly this many bytes; already checked against the body limit
    case chunked
}

struct RequestHead: Sendable {
    var method: HTTPMethod
    var target: String        // origin-form ("/path?query"), or "*" for OPTIONS
    var version: HTTPVersion
    var headers: HTTPHeaders
    var framing: BodyFraming
    var keepAlive: Bool
    var expectsContinue: Bool // HTTP/1.1 with "Expect: 100-continue"

    /// Parses `bytes[range]`, which runs from the request line through the blank line.
    /// Throws the error the client should be answered with; never traps on any bytes.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>, limits: HTTPLimits) throws(HTTPParseError) -> RequestHead {
        var lines = LineReader(bytes: bytes, position: range.lowerBound, end: range.upperBound)
        guard let requestLine = try lines.next() else { throw .badRequest("malformed request line") }
        let (method, target, version) = try parseRequestLine(bytes, requestLine)

        var headers = HTTPHeaders()
        var facts = FramingFacts()
        while let line = try lines.next() {
            if line.isEmpty { break }
            let (name, value) = try parseField(bytes, line)
            facts.note(bytes, name: name, value: value)
            headers.add(String(decoding: bytes[name], as: UTF8.self), String(decoding: bytes[value], as: UTF8.self))
        }

        if version == .http11 && facts.hostCount == 0 { throw .badRequest("missing Host header") }
        if facts.hostCount > 1 { throw .badRequest("repeated Host header") }
        if let host = facts.host, !bytes[host].allSatisfy(isHostByte) { throw .badRequest("invalid Host header") }

        let framing = try facts.framing(bytes, version: version, limits: limits)
        let keepAlive = version == .http11 ? !facts.connectionClose : (facts.connectionKeepAlive && !facts.connectionClose)
        return RequestHead(method: method, target: target, version: version, headers: headers,
                           framing: framing, keepAlive: keepAlive,
                           expectsContinue: version == .http11 && facts.expectContinue)
    }

    /// `method SP request-target SP HTTP-version`, single spaces, nothing else.
    private static func parseRequestLine(_ bytes: [UInt8], _ line: Range<Int>) throws(HTTPParseError) -> (HTTPMethod, String, HTTPVersion) {
        guard let sp1 = line.first(where: { bytes[$0] == HTTPGrammar.space }), sp1 > line.lowerBound,
              let sp2 = (sp1 + 1..<line.upperBound).first(where: { bytes[$0] == HTTPGrammar.space }), sp2 > sp1 + 1
        else { throw .badRequest("malformed request line") }
        let methodBytes = line.lowerBound..<sp1, targetBytes = sp1 + 1..<sp2, versionBytes = sp2 + 1..<line.upperBound
        guard methodBytes.allSatisfy({ HTTPGrammar.isTokenByte(bytes[$0]) }) else { throw .badRequest("malformed request line") }
        guard targetBytes.allSatisfy({ HTTPGrammar.isTargetByte(bytes[$0]) }) else { throw .badRequest("invalid request target") }

        // Version first: the rest of the message is read by its rules.
        let version = try parseVersion(bytes, versionBytes)
        let methodName = String(decoding: bytes[methodBytes], as: UTF8.self)
        guard let method = HTTPMethod(rawValue: methodName) else { throw .notImplemented("method \(methodName)") }
        let target = try originForm(String(decoding: bytes[targetBytes], as: UTF8.self), method: method)
        return (method, target, version)
    }

    /// "HTTP/" DIGIT "." DIGIT; only 1.0 and 1.1 are served.
    private static func parseVersion(_ bytes: [UInt8], _ range: Range<Int>) throws(HTTPParseError) -> HTTPVersion {
        let text = bytes[range]
        guard text.count == 8, text.starts(with: "HTTP/".utf8),
              HTTPGrammar.isDigit(text[range.lowerBound + 5]), text[range.lowerBound + 6] == UInt8(ascii: "."),
              HTTPGrammar.isDigit(text[range.lowerBound + 7])
        else { throw .badRequest("malformed HTTP version") }
        switch (text[range.lowerBound + 5], text[range.lowerBound + 7]) {
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): return .http11
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): return .http10
        default: throw .versionNotSupported
        }
    }

    /// Accepts origin-form ("/p?q"), asterisk-form for OPTIONS, and absolute-form
    /// ("http://host/p?q", reduced to "/p?q"). Anything else is a 400.
    private static func originForm(_ target: String, method: HTTPMethod) throws(HTTPParseError) -> String {
        if target.utf8.first == UInt8(ascii: "/") { return target }
        if target == "*" {
            guard method == .OPTIONS else { throw .badRequest("invalid request target") }
            return target
        }
        let lower = target.lowercased()
        let schemeLength = lower.hasPrefix("http://") ? 7 : lower.hasPrefix("https://") ? 8 : 0
        guard schemeLength > 0 else { throw .badRequest("invalid request target") }
        let afterScheme = target.utf8.dropFirst(schemeLength)
        let pathStart = afterScheme.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? afterScheme.endIndex
        guard pathStart > afterScheme.startIndex else { throw .badRequest("invalid request target") }
        let rest = String(target[pathStart...])
        return rest.isEmpty ? "/" : rest.hasPrefix("?") ? "/" + rest : rest
    }

    /// `field-name ":" OWS field-value OWS`. Returns the name and the trimmed value.
    private static func parseField(_ bytes: [UInt8], _ line: Range<Int>) throws(HTTPParseError) -> (Range<Int>, Range<Int>) {
        if HTTPGrammar.isWhitespace(bytes[line.lowerBound]) { throw .badRequest("obsolete line folding") }
        guard let colon = line.first(where: { bytes[$0] == HTTPGrammar.colon }), colon > line.lowerBound,
              (line.lowerBound..<colon).allSatisfy({ HTTPGrammar.isTokenByte(bytes[$0]) })
        else { throw .badRequest("invalid header field") }
        let value = HTTPGrammar.trimmed(bytes, colon + 1..<line.upperBound)
        guard value.allSatisfy({ HTTPGrammar.isFieldValueByte(bytes[$0]) }) else {
            throw .badRequest("invalid header field value")
        }
        return (line.lowerBound..<colon, value)
    }

    /// uri-host [ ":" port ]: unreserved, pct-encoded, sub-delims, ":" and IP-literal brackets.
    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~%!$&'()*+,;=:[]".utf8.contains(byte)
        }
    }
}

/// Splits a head into lines. Every line must end in CRLF: a bare LF, or a CR anywhere else,
/// is a 400 (both are request-smuggling vectors when proxies disagree).
private struct LineReader {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    /// The next line without its CRLF; nil at the end of the head.
    mutating func next() throws(HTTPParseError) -> Range<Int>? {
        guard position < end else { return nil }
        var i = position
        while i < end && bytes[i] != HTTPGrammar.lf {
            if bytes[i] == HTTPGrammar.cr && (i + 1 >= end || bytes[i + 1] != HTTPGrammar.lf) {
                throw .badRequest("lone CR in head")
            }
            i += 1
        }
        guard i < end, i > position, bytes[i - 1] == HTTPGrammar.cr else { throw .badRequest("bare LF in head") }
        defer { position = i + 1 }
        return position..<(i - 1)
    }
}

/// What the framing-relevant headers said, gathered while the fields are read.
private struct FramingFacts {
    var hostCount = 0
    var host: Range<Int>?
    var contentLengths: [Range<Int>] = []   // every field value, each possibly a list "5, 5"
    var transferEncodings: [Range<Int>] = []
    var connectionClose = false
    var connectionKeepAlive = false
    var expectContinue = false

    mutating func note(_ bytes: [UInt8], name: Range<Int>, value: Range<Int>) {
        if HTTPGrammar.equalsLowercase(bytes, name, "host") {
            hostCount += 1
            host = value
        } else if HTTPGrammar.equalsLowercase(bytes, name, "content-length") {
            contentLengths.append(value)
        } else if HTTPGrammar.equalsLowercase(bytes, name, "transfer-encoding") {
            transferEncodings.append(value)
        } else if HTTPGrammar.equalsLowercase(bytes, name, "connection") {
            for option in listElements(bytes, value) {
                if HTTPGrammar.equalsLowercase(bytes, option, "close") { connectionClose = true }
                if HTTPGrammar.equalsLowercase(bytes, option, "keep-alive") { connectionKeepAlive = true }
            }
        } else if HTTPGrammar.equalsLowercase(bytes, name, "expect") {
            if HTTPGrammar.equalsLowercase(bytes, value, "100-continue") { expectContinue = true }
        }
    }

    /// RFC 9112 §6.3, strictly: Content-Length with Transfer-Encoding is refused rather than
    /// resolved, because a proxy in front may have resolved it the other way.
    func framing(_ bytes: [UInt8], version: HTTPVersion, limits: HTTPLimits) throws(HTTPParseError) -> BodyFraming {
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty { throw .badRequest("both Content-Length and Transfer-Encoding") }
            if version == .http10 { throw .badRequest("Transfer-Encoding in an HTTP/1.0 request") }
            let codings = transferEncodings.flatMap { listElements(bytes, $0) }
            guard codings.count == 1, HTTPGrammar.equalsLowercase(bytes, codings[0], "chunked") else {
                let named = codings.map { String(decoding: bytes[$0], as: UTF8.self) }.joined(separator: ", ")
                throw .notImplemented("transfer coding \"\(named)\"")
            }
            return .chunked
        }
        return try contentLength(bytes, limits: limits)
    }

    /// Repeated identical values ("5" twice, or "5, 5") are one length; different ones are a 400.
    /// A length beyond the limit (or beyond Int) is a 413 before any body byte is read.
    private func contentLength(_ bytes: [UInt8], limits: HTTPLimits) throws(HTTPParseError) -> BodyFraming {
        var digits: ArraySlice<UInt8>?
        for element in contentLengths.flatMap({ listElements(bytes, $0, keepEmpty: true) }) {
            guard !element.isEmpty, element.allSatisfy({ HTTPGrammar.isDigit(bytes[$0]) }) else {
                throw .badRequest("malformed Content-Length")
            }
            var significant = bytes[element]
            while significant.count > 1 && significant.first == UInt8(ascii: "0") { significant = significant.dropFirst() }
            if let seen = digits, !seen.elementsEqual(significant) { throw .badRequest("conflicting Content-Length") }
            digits = significant
        }
        guard let digits else { return .none }
        var length = 0
        for digit in digits {
            let (times10, o1) = length.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            if o1 || o2 { throw .bodyTooLarge }
            length = sum
        }
        if length > limits.maxBodyBytes { throw .bodyTooLarge }
        return length == 0 ? .none : .length(length)
    }
}

/// The comma-separated elements of a list-valued field, each trimmed of OWS. Empty elements
/// are dropped unless `keepEmpty` (Content-Length, where "5," is malformed).
private func listElements(_ bytes: [UInt8], _ value: Range<Int>, keepEmpty: Bool = false) -> [Range<Int>] {
    var elements: [Range<Int>] = []
    var start = value.lowerBound
    for i in value.lowerBound...value.upperBound where i == value.upperBound || bytes[i] == HTTPGrammar.comma {
        let element = HTTPGrammar.trimmed(bytes, start..<i)
        if keepEmpty || !element.isEmpty { elements.append(element) }
        start = i + 1
    }
    return elements
}
