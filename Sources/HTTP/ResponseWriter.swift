// Serialises a response head and body into the connection's output buffer. The server owns
// the framing headers (Date, Content-Length, Connection, X-Request-Id): a handler's own values
// for those are dropped so a handler can never break framing.

enum ResponseWriter {
    static func write(_ response: HTTPResponse, into out: inout [UInt8], date: String, requestID: String,
                      close: Bool, omitBody: Bool) {
        out.reserveCapacity(out.count + 256 + (omitBody ? 0 : response.body.count))
        append(&out, "HTTP/1.1 ")
        append(&out, String(response.status))
        out.append(32)
        append(&out, reasonPhrase(response.status))
        append(&out, "\r\nDate: ")
        append(&out, date)
        // 204 and 304 have no content by definition. A 204 must not carry Content-Length at all
        // (RFC 9110 §8.6); a 304's may only repeat the length the 200 would have had, which the
        // handler did not render: none either.
        let bodiless = response.status == 204 || response.status == 304
        if !bodiless {
            append(&out, "\r\nContent-Length: ")
            append(&out, String(response.body.count))
        }
        if close { append(&out, "\r\nConnection: close") }
        if !requestID.isEmpty {
            append(&out, "\r\nX-Request-Id: ")
            append(&out, requestID)
        }
        for (name, value) in response.headers where !isFramingHeader(name) {
            append(&out, "\r\n")
            append(&out, name)
            append(&out, ": ")
            append(&out, sanitized(value))
        }
        append(&out, "\r\n\r\n")
        if !omitBody && !bodiless { out.append(contentsOf: response.body) }
    }

    @inline(__always)
    private static func append(_ out: inout [UInt8], _ text: String) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    private static func isFramingHeader(_ name: String) -> Bool {
        name.caseInsensitiveEquals("Content-Length") || name.caseInsensitiveEquals("Date")
            || name.caseInsensitiveEquals("Connection") || name.caseInsensitiveEquals("Transfer-Encoding")
            || name.caseInsensitiveEquals("X-Request-Id")
    }

    /// Header values never carry CR or LF (response splitting).
    private static func sanitized(_ value: String) -> String {
        value.utf8.contains(where: { $0 == 13 || $0 == 10 }) ? String(value.filter { $0 != "\r" && $0 != "\n" }) : value
    }
}
