// One connection's TLS: an OpenSSL SSL on the connection's non-blocking socket (SSL_set_fd),
// driven by the connection's loop. It turns the socket's ciphertext into plaintext reads and
// writes with the same outcomes as read(2)/write(2) on a plain socket, so HTTPConnection and
// its state machine see the same bytes either way.
//
// Blocking is never waited out here. A read or write that cannot go on says which readiness
// it needs: a handshake or read may need the socket writable (its reply did not fit), a write
// may need it readable (OpenSSL must read first). The connection asks epoll for that and
// retries the same call when it comes (`readWantsWrite`, `writeWantsRead`).

import COpenSSL
import Glibc

/// What one read from a connection's socket gave, plain or TLS.
enum SocketRead: Equatable {
    case bytes(Int)        // (plaintext) bytes placed in the buffer
    case wouldBlock        // nothing now; wait for readiness (for TLS, see readWantsWrite)
    case endOfStream       // the peer closed (FIN, close_notify)
    case failed            // a socket or TLS error: close
    case plainHTTP         // TLS only: the peer spoke plain HTTP where a ClientHello was due
}

/// What one write to a connection's socket did.
enum SocketWrite: Equatable {
    case bytes(Int)
    case wouldBlock
    case failed
}

final class TLSSession {
    // Owned by the connection's loop thread.
    private var ssl: OpaquePointer?
    private(set) var handshakeDone = false
    private(set) var readWantsWrite = false    // the last read/handshake waits for writability
    private(set) var writeWantsRead = false    // the last write waits for readability
    private var fatal = false                  // OpenSSL reported a fatal error: no close_notify

    init?(context: OpaquePointer, fd: Int32) {
        guard let ssl = SSL_new(context) else { return nil }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            return nil
        }
        SSL_set_accept_state(ssl)
        self.ssl = ssl
    }

    deinit { if let ssl { SSL_free(ssl) } }

    /// Decrypted plaintext waits inside OpenSSL, which epoll cannot announce (the last read
    /// stopped because the caller's buffer was full).
    var hasBufferedInput: Bool { ssl.map { SSL_pending($0) > 0 } ?? false }

    /// Finishes the handshake if needed, then fills `buffer` with plaintext until OpenSSL has
    /// none left or the buffer is full (like one read(2) of a plain socket, a short count means
    /// there is nothing more for now).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> SocketRead {
        guard let ssl else { return .failed }
        readWantsWrite = false
        if !handshakeDone {
            ERR_clear_error()
            let result = SSL_do_handshake(ssl)
            guard result == 1 else {
                switch SSL_get_error(ssl, result) {
                case SSL_ERROR_WANT_READ: return .wouldBlock
                case SSL_ERROR_WANT_WRITE: readWantsWrite = true; return .wouldBlock
                case SSL_ERROR_ZERO_RETURN: return .endOfStream
                default:
                    fatal = true
                    return orgd_ssl_error_is_plain_http() == 1 ? .plainHTTP : .failed
                }
            }
            handshakeDone = true
        }
        var filled = 0
        while filled < buffer.count {
            ERR_clear_error()
            let count = SSL_read(ssl, buffer.baseAddress! + filled, Int32(min(buffer.count - filled, Int(Int32.max))))
            if count > 0 {
                filled += Int(count)
                continue
            }
            // Bytes already read are returned first; the condition repeats on the next call.
            switch SSL_get_error(ssl, count) {
            case SSL_ERROR_WANT_READ:
                return filled > 0 ? .bytes(filled) : .wouldBlock
            case SSL_ERROR_WANT_WRITE:
                readWantsWrite = true
                return filled > 0 ? .bytes(filled) : .wouldBlock
            case SSL_ERROR_ZERO_RETURN:
                return filled > 0 ? .bytes(filled) : .endOfStream
            default:
                fatal = true
                return filled > 0 ? .bytes(filled) : .failed
            }
        }
        return .bytes(filled)
    }

    /// Encrypts and sends what it can of `bytes`. With partial writes on, a positive count may
    /// be less than asked; after `.wouldBlock` the next call must start at the same byte (the
    /// caller's unsent output does, and may have grown: OpenSSL allows that in this mode).
    func write(_ bytes: UnsafeRawBufferPointer) -> SocketWrite {
        guard let ssl, handshakeDone else { return .failed }
        guard !bytes.isEmpty else { return .bytes(0) }
        writeWantsRead = false
        ERR_clear_error()
        let count = SSL_write(ssl, bytes.baseAddress!, Int32(min(bytes.count, Int(Int32.max))))
        if count > 0 { return .bytes(Int(count)) }
        switch SSL_get_error(ssl, count) {
        case SSL_ERROR_WANT_WRITE: return .wouldBlock
        case SSL_ERROR_WANT_READ: writeWantsRead = true; return .wouldBlock
        default:
            fatal = true
            return .failed
        }
    }

    /// Sends close_notify if it can without waiting (a courtesy: HTTP's framing already tells
    /// a complete response), and frees the SSL. The caller closes the socket.
    func close() {
        guard let ssl else { return }
        if handshakeDone && !fatal {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
        }
        SSL_free(ssl)
        self.ssl = nil
        ERR_clear_error()
    }
}
