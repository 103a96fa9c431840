// Decodes a chunked request body (RFC 9112 §7.1) as its bytes arrive: hex sizes with optional
// extensions, the data, and the trailer section, whose fields are read and dropped. Consumes
// input as it goes, so a large body is copied once, into `body`.

struct ChunkedDecoder: Sendable {
    enum Progress { case needMore, done }

    private enum Phase: Sendable {
        case size                      // reading "hex-size [; ext] CRLF"
        case data(remaining: Int)      // copying chunk data
        case dataEnd                   // expecting the CRLF after chunk data
        case trailer                   // reading trailer lines until the blank one
    }

    static let maxSizeLineBytes = 4096 // a size line plus extensions longer than this is a 400

    private(set) var body: [UInt8] = []
    private(set) var consumed = 0      // input bytes taken so far, framing included
    private var phase = Phase.size
    private var scanned = 0            // bytes past `start` already searched for the current line's LF
    private var trailerBytes = 0       // trailer section so far; bounded by maxHeaderBytes (431)
    private let limits: HTTPLimits

    init(limits: HTTPLimits) { self.limits = limits }

    /// Consumes what it can of `bytes[start...]`. Returns `.done` once the trailer section has
    /// ended; throws 400 on bad syntax, 413 as soon as a chunk size would take the body past
    /// the limit (before its data arrives), 431 for an oversized trailer section.
    mutating func decode(_ bytes: [UInt8], start: inout Int) throws(HTTPParseError) -> Progress {
        let entry = start
        defer { consumed += start - entry }
        while true {
            switch phase {
            case .size:
                guard let line = try nextLine(bytes, start: &start, limit: Self.maxSizeLineBytes,
                                              tooLong: .badRequest("chunk size line too long")) else { return .needMore }
                let size = try Self.parseSize(bytes, line)
                if size == 0 {
                    phase = .trailer
                } else {
                    guard size <= limits.maxBodyBytes - body.count else { throw .bodyTooLarge }
                    phase = .data(remaining: size)
                }
            case .data(let remaining):
                let take = min(remaining, bytes.count - start)
                guard take > 0 else { return .needMore }
                body.append(contentsOf: bytes[start..<start + take])
                start += take
                phase = take == remaining ? .dataEnd : .data(remaining: remaining - take)
            case .dataEnd:
                guard bytes.count - start >= 2 else {
                    if start < bytes.count && bytes[start] != HTTPGrammar.cr { throw .badRequest("missing CRLF after chunk data") }
                    return .needMore
                }
                guard bytes[start] == HTTPGrammar.cr && bytes[start + 1] == HTTPGrammar.lf else {
                    throw .badRequest("missing CRLF after chunk data")
                }
                start += 2
                phase = .size
            case .trailer:
                let budget = max(0, limits.maxHeaderBytes - trailerBytes) + 2   // + the blank line
                guard let line = try nextLine(bytes, start: &start, limit: budget, tooLong: .headerTooLarge) else { return .needMore }
                if line.isEmpty { return .done }
                trailerBytes += line.count + 2
                if trailerBytes > limits.maxHeaderBytes { throw .headerTooLarge }
            }
        }
    }

    /// The next CRLF-terminated line, without its CRLF, consuming it; nil if its end has not
    /// arrived. Remembers how far it searched so a line fed byte by byte is scanned once.
    private mutating func nextLine(_ bytes: [UInt8], start: inout Int, limit: Int,
                                   tooLong: HTTPParseError) throws(HTTPParseError) -> Range<Int>? {
        let scanEnd = start + min(bytes.count - start, limit)
        var i = start + scanned
        while i < scanEnd && bytes[i] != HTTPGrammar.lf { i += 1 }
        guard i < scanEnd else {
            scanned = i - start
            if scanned >= limit { throw tooLong }
            return nil
        }
        guard i > start, bytes[i - 1] == HTTPGrammar.cr else { throw .badRequest("bare LF in chunked body") }
        let line = start..<(i - 1)
        if line.contains(where: { !HTTPGrammar.isFieldValueByte(bytes[$0]) }) {
            throw .badRequest("invalid byte in chunked body")
        }
        scanned = 0
        start = i + 1
        return line
    }

    /// chunk-size [ BWS ";" chunk-ext ]: at least one hex digit, checked for overflow.
    private static func parseSize(_ bytes: [UInt8], _ line: Range<Int>) throws(HTTPParseError) -> Int {
        var size = 0
        var i = line.lowerBound
        while i < line.upperBound, let digit = hexValue(bytes[i]) {
            let (shifted, o1) = size.multipliedReportingOverflow(by: 16)
            let (sum, o2) = shifted.addingReportingOverflow(Int(digit))
            if o1 || o2 { throw .badRequest("chunk size overflow") }
            size = sum
            i += 1
        }
        guard i > line.lowerBound else { throw .badRequest("malformed chunk size") }
        while i < line.upperBound && HTTPGrammar.isWhitespace(bytes[i]) { i += 1 }
        guard i == line.upperBound || bytes[i] == HTTPGrammar.semicolon else { throw .badRequest("malformed chunk size") }
        return size
    }
}
