// libcrypto (hashing, scrypt, randomness) and libssl, imported into Swift as COpenSSL.
// The wrappers below stand in for OpenSSL's function-like macros, which Swift cannot call;
// the policy they are given (versions, ciphers, modes) is chosen in Swift (HTTP/TLSContext).
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

static inline int orgd_ssl_ctx_set_protocol_range(SSL_CTX *ctx, int lowest, int highest) {
    return SSL_CTX_set_min_proto_version(ctx, lowest) == 1 && SSL_CTX_set_max_proto_version(ctx, highest) == 1;
}

/// Partial writes (a write returns after each record sent), a buffer that may move between a
/// write that would block and its retry (Swift arrays do), and read/write buffers released
/// while a connection is idle.
static inline void orgd_ssl_ctx_set_nonblocking_modes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
}

/// No renegotiation (a client-triggered CPU sink), no compression (CRIME), and a peer's EOF
/// without close_notify read as an ordinary end of stream (HTTP framing detects truncation).
static inline void orgd_ssl_ctx_set_hardening_options(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
}

/// ALPN: selects "http/1.1" when the client offers it; otherwise the handshake goes on
/// without ALPN (no fatal alert), and the client speaks HTTP/1.1 or nothing.
static inline int orgd_alpn_select_http11(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                                          const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl; (void)arg;
    static const unsigned char ours[] = "\x08http/1.1";
    unsigned char *chosen = NULL;
    if (SSL_select_next_proto(&chosen, outlen, ours, sizeof(ours) - 1, in, inlen) != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

static inline void orgd_ssl_ctx_select_http11(SSL_CTX *ctx) {
    SSL_CTX_set_alpn_select_cb(ctx, orgd_alpn_select_http11, NULL);
}

/// Whether the error at the head of this thread's queue says the peer spoke plain HTTP
/// (or an HTTPS-proxy CONNECT) where a ClientHello was due.
static inline int orgd_ssl_error_is_plain_http(void) {
    unsigned long code = ERR_peek_error();
    return ERR_GET_LIB(code) == ERR_LIB_SSL
        && (ERR_GET_REASON(code) == SSL_R_HTTP_REQUEST || ERR_GET_REASON(code) == SSL_R_HTTPS_PROXY_REQUEST);
}
