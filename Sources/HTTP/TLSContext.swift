// The server's TLS settings as one OpenSSL SSL_CTX, built from a certificate chain and a key
// file, and the holder that swaps it on reload (SIGHUP) without touching live connections.
//
// Thread-safety. One SSL_CTX serves every loop: after setup it is only read, and OpenSSL 3
// makes creating SSL objects from a shared SSL_CTX safe (reference counts are atomic, the
// session cache has its own lock). Each SSL_new takes a reference to its SSL_CTX, so a
// connection keeps the context it was accepted with for its whole life; a reload only changes
// which context the next accept uses, and the old one is freed with its last connection.

import COpenSSL
import Glibc
import Synchronization

public struct TLSError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }

    /// `message`, followed by what OpenSSL queued on this thread (its queue is then empty).
    static func openSSL(_ message: String) -> TLSError {
        var reasons: [String] = []
        var code = ERR_get_error()
        while code != 0 {
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            reasons.append(text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
            code = ERR_get_error()
        }
        return TLSError(message: reasons.isEmpty ? message : "\(message) (\(reasons.joined(separator: "; ")))")
    }
}

/// One immutable SSL_CTX. Freed when the last Swift reference goes; connections hold their own
/// OpenSSL reference, so freeing here never pulls a context from under an SSL.
final class TLSContext: @unchecked Sendable {    // read-only after init; see the file comment
    let pointer: OpaquePointer

    /// TLS 1.2 ciphers: ECDHE key exchange and AEAD only (Mozilla's "intermediate" list without
    /// the finite-field DHE suites). TLS 1.3 suites: all three AEADs of the RFC.
    static let tls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
    static let tls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

    /// Reads the PEM certificate chain and private key; throws naming the file at fault.
    init(certificatePath: String, keyPath: String) throws(TLSError) {
        for (what, path) in [("certificate", certificatePath), ("key", keyPath)] where access(path, R_OK) != 0 {
            throw TLSError(message: "cannot read the TLS \(what) file \(path): \(String(cString: strerror(errno)))")
        }
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw .openSSL("SSL_CTX_new failed") }
        pointer = context
        guard orgd_ssl_ctx_set_protocol_range(context, TLS1_2_VERSION, TLS1_3_VERSION) == 1,
              SSL_CTX_set_cipher_list(context, Self.tls12Ciphers) == 1,
              SSL_CTX_set_ciphersuites(context, Self.tls13Suites) == 1 else {
            throw .openSSL("cannot set the TLS versions and ciphers")
        }
        orgd_ssl_ctx_set_hardening_options(context)
        orgd_ssl_ctx_set_nonblocking_modes(context)
        orgd_ssl_ctx_select_http11(context)
        guard SSL_CTX_use_certificate_chain_file(context, certificatePath) == 1 else {
            throw .openSSL("the TLS certificate file \(certificatePath) holds no usable PEM certificate chain")
        }
        guard SSL_CTX_use_PrivateKey_file(context, keyPath, SSL_FILETYPE_PEM) == 1 else {
            // OpenSSL compares the key with the certificate while loading it.
            let mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH
            throw .openSSL(mismatch ? "the TLS key file \(keyPath) does not match the certificate in \(certificatePath)"
                                    : "the TLS key file \(keyPath) holds no usable PEM private key")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw .openSSL("the TLS key file \(keyPath) does not match the certificate in \(certificatePath)")
        }
    }

    deinit { SSL_CTX_free(pointer) }
}

/// What a TLS listener serves: the current context, replaced whole by `reload()`.
public final class TLSServerContext: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let current: Mutex<TLSContext>

    /// Builds the first context; throws (naming the file) when a file is unreadable, not PEM,
    /// or the key does not match the certificate.
    public init(certificatePath: String, keyPath: String) throws(TLSError) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        current = Mutex(try TLSContext(certificatePath: certificatePath, keyPath: keyPath))
    }

    /// Re-reads both files into a new context for new connections. On failure the old context
    /// stays in use and the error says why; established connections are never affected.
    public func reload() throws(TLSError) {
        let fresh = try TLSContext(certificatePath: certificatePath, keyPath: keyPath)
        current.withLock { $0 = fresh }
    }

    /// A server-side SSL for an accepted socket, from the context current now; nil if OpenSSL
    /// cannot allocate one.
    func makeSession(fd: Int32) -> TLSSession? {
        let context = current.withLock { $0 }
        return TLSSession(context: context.pointer, fd: fd)
    }
}
