// One structured (JSON) access-log line per request. Lines are buffered per loop and written
// with one write(2) before the loop sleeps, so logging costs no syscall per request.

import EventLoop
import Glibc

final class AccessLog {
    // Owned by one loop thread.
    private var buffer: [UInt8] = []
    private let fd: Int32

    init(fd: Int32 = STDOUT_FILENO) {
        self.fd = fd
        buffer.reserveCapacity(64 * 1024)
    }

    func record(requestID: String, client: String, method: String, target: String, route: String,
                status: Int, bytes: Int, millis: Double) {
        var json = JSONWriter()
        json.beginObject()
        json.key("ts"); json.string(UTCTime.iso8601Now())
        json.key("request_id"); json.string(requestID)
        json.key("client"); json.string(client)
        json.key("method"); json.string(method)
        json.key("target"); json.string(target)
        json.key("route"); json.string(route)
        json.key("status"); json.int(status)
        json.key("bytes"); json.int(bytes)
        json.key("ms"); json.double((millis * 1000).rounded() / 1000)
        json.endObject()
        buffer.append(contentsOf: json.bytes)
        buffer.append(10)
        if buffer.count > 60 * 1024 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { break }      // a closed stdout must not stop the server
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
