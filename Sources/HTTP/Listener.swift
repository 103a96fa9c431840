// Listening sockets: one per loop, all bound to the same address with SO_REUSEPORT so the
// kernel spreads new connections across loops without a shared accept lock.

import CLinux
import Glibc

public struct SocketError: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var code: Int32
    public var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
}

enum Listener {
    /// Opens a non-blocking listening socket on host:port (IPv4 or IPv6 literal, or
    /// "localhost"). Port 0 picks a free port; `boundPort` reads it back.
    static func open(host: String, port: Int, backlog: Int32 = 1024) throws(SocketError) -> Int32 {
        let literal = host == "localhost" ? "127.0.0.1" : host
        var v4 = in_addr()
        var v6 = in6_addr()
        let isV4 = inet_pton(AF_INET, literal, &v4) == 1
        guard isV4 || inet_pton(AF_INET6, literal, &v6) == 1 else {
            throw SocketError(operation: "parsing the address \(host)", code: EINVAL)
        }
        let fd = orgd_socket(isV4 ? AF_INET : AF_INET6)
        guard fd >= 0 else { throw SocketError(operation: "socket", code: errno) }
        _ = orgd_set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        _ = orgd_set_int_option(fd, SOL_SOCKET, SO_REUSEPORT, 1)
        var result: Int32
        if isV4 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr = v4
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } else {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.sin6_addr = v6
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw SocketError(operation: "bind \(host):\(port)", code: code)
        }
        guard listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw SocketError(operation: "listen", code: code)
        }
        return fd
    }

    static func boundPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: withUnsafeBytes(of: &storage) { raw in
            raw.load(fromByteOffset: 2, as: UInt16.self)     // sin_port and sin6_port sit at offset 2
        }))
    }

    /// The peer's address as text ("127.0.0.1", "::1"), or "" if unknown.
    static func peerAddress(_ fd: Int32) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        guard ok == 0 else { return "" }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(storage.ss_family) {
        case AF_INET:
            var address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }.sin_addr
            inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
        case AF_INET6:
            var address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }.sin6_addr
            inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
        default:
            return ""
        }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
