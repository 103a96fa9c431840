// TLS for tests: a self-signed certificate made with the openssl CLI, and a plain-to-TLS
// tunnel (python3's ssl, a real TLS client) so that the raw-socket tests of framing, limits
// and timeouts run unchanged against a TLS listener: they connect to the tunnel's port, and
// every byte they send reaches orgd encrypted. `Transport` is the parameter those tests take.

import Foundation
import Glibc
import HTTP
import OrgdApp
import Testing

enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case plain, tls
    var testDescription: String { rawValue }
}

/// A fresh temporary folder for one test's certificates and files.
func temporaryFolder(_ tag: String) throws -> String {
    let path = NSTemporaryDirectory() + "orgd-\(tag)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A self-signed P-256 certificate for localhost and 127.0.0.1, and its key.
struct TestCertificate {
    let certificatePath: String
    let keyPath: String

    static func make(in folder: String, name: String = "server", serial: Int = Int.random(in: 0x1000...0xFFFFFF)) throws -> TestCertificate {
        let certificate = TestCertificate(certificatePath: "\(folder)/\(name).crt", keyPath: "\(folder)/\(name).key")
        let (status, output) = try Subprocess.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", certificate.keyPath, "-out", certificate.certificatePath, "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-set_serial", String(serial),
        ])
        guard status == 0 else { throw TestFailure("openssl req failed: \(output)") }
        return certificate
    }

    /// The serial number as `openssl x509 -serial` prints it (upper-case hex).
    var serial: String {
        get throws {
            let (status, output) = try Subprocess.run("/usr/bin/openssl", ["x509", "-noout", "-serial", "-in", certificatePath])
            guard status == 0, let line = output.split(separator: "\n").first(where: { $0.hasPrefix("serial=") }) else {
                throw TestFailure("openssl x509 failed: \(output)")
            }
            return String(line.dropFirst("serial=".count))
        }
    }

    func serverContext() throws -> TLSServerContext {
        try TLSServerContext(certificatePath: certificatePath, keyPath: keyPath)
    }
}

/// Listens on a free loopback port and carries each connection to `target` over TLS,
/// verifying the server against `caFile`. Single-threaded and non-blocking, with back
/// pressure both ways (a client that stops reading stops the tunnel reading orgd), and it
/// closes the client's side when orgd closes the TLS side.
final class TLSTunnel {
    let process: ChildProcess
    let port: Int

    init(target: Int, caFile: String) throws {
        process = try ChildProcess.start("/usr/bin/env", ["python3", "-c", TLSTunnel.script, String(target), caFile])
        var found: Int?
        for _ in 0..<200 where found == nil {
            found = Int(process.output.prefix { $0.isNumber })
            if found == nil { usleep(25_000) }
        }
        guard let found else {
            process.signal(SIGKILL)
            _ = process.wait()
            throw TestFailure("the TLS tunnel did not start: \(process.output)")
        }
        port = found
    }

    deinit {
        process.signal(SIGKILL)
        _ = process.wait()
        try? FileManager.default.removeItem(atPath: process.outputPath)
    }

    static let script = #"""
import selectors, socket, ssl, sys
target, cafile = int(sys.argv[1]), sys.argv[2]
context = ssl.create_default_context(cafile=cafile)
context.set_alpn_protocols(["http/1.1"])
listener = socket.create_server(("127.0.0.1", 0), backlog=128)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
LIMIT = 256 * 1024
selector = selectors.DefaultSelector()
selector.register(listener, selectors.EVENT_READ, None)

class Pair:
    def __init__(self, plain):
        self.plain = plain
        raw = socket.create_connection(("127.0.0.1", target))
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.tls = context.wrap_socket(raw, server_hostname="localhost")
        self.tls.setblocking(False)
        plain.setblocking(False)
        self.to_tls, self.to_plain = bytearray(), bytearray()
        self.plain_eof = self.tls_eof = self.closed = False
        self.masks = {}
        self.want(plain, selectors.EVENT_READ)
        self.want(self.tls, selectors.EVENT_READ)

    def want(self, sock, mask):
        old = self.masks.get(sock, 0)
        if mask == old: return
        if not mask: selector.unregister(sock)
        elif not old: selector.register(sock, mask, self)
        else: selector.modify(sock, mask, self)
        self.masks[sock] = mask

    def close(self):
        if self.closed: return
        self.closed = True
        for s in (self.plain, self.tls):
            self.want(s, 0)
            s.close()
        pairs.discard(self)

    def pump(self):
        try:
            while not self.plain_eof and len(self.to_tls) < LIMIT:
                try: data = self.plain.recv(65536)
                except BlockingIOError: break
                if not data: self.plain_eof = True; break
                self.to_tls += data
            while self.to_tls:
                try: n = self.tls.send(self.to_tls[:16384])
                except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError): break
                del self.to_tls[:n]
            while not self.tls_eof and len(self.to_plain) < LIMIT:
                try: data = self.tls.recv(65536)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError): break
                if not data: self.tls_eof = True; break
                self.to_plain += data
            while self.to_plain:
                try: n = self.plain.send(self.to_plain)
                except BlockingIOError: break
                del self.to_plain[:n]
        except (OSError, ssl.SSLError):
            self.close(); return
        if (self.tls_eof and not self.to_plain) or (self.plain_eof and not self.to_tls):
            self.close(); return
        plain = (0 if self.plain_eof or len(self.to_tls) >= LIMIT else selectors.EVENT_READ) | (selectors.EVENT_WRITE if self.to_plain else 0)
        tls = (0 if self.tls_eof or len(self.to_plain) >= LIMIT else selectors.EVENT_READ) | (selectors.EVENT_WRITE if self.to_tls else 0)
        self.want(self.plain, plain)
        self.want(self.tls, tls)

pairs = set()
while True:
    waiting = any(p.tls.pending() and len(p.to_plain) < LIMIT for p in pairs)
    for key, _ in selector.select(0 if waiting else 1):
        if key.data is None:
            try: connection, _ = listener.accept()
            except BlockingIOError: continue
            try: pairs.add(Pair(connection))
            except OSError: connection.close()
        else:
            key.data.pump()
    for pair in list(pairs):
        if pair.tls.pending(): pair.pump()
"""#
}

/// What python3's ssl module saw of one TLS request: the negotiated version and ALPN
/// protocol, the certificate's serial, the status and the body's length and SHA-256.
struct PythonTLSResult: Decodable {
    var version: String
    var alpn: String?
    var serial: String
    var status: Int
    var length: Int
    var sha256: String
}

enum PythonTLSClient {
    /// GETs `path` over a new TLS connection verified against `caFile`, offering `alpn`
    /// (none if empty); waits `readDelay` seconds before reading, so a large answer backs up.
    static func get(port: Int, caFile: String, path: String = "/healthz", alpn: [String] = ["h2", "http/1.1"],
                    readDelay: Double = 0) throws -> PythonTLSResult {
        let (status, output) = try Subprocess.run("/usr/bin/env", [
            "python3", "-c", script, String(port), caFile, path, alpn.joined(separator: ","), String(readDelay),
        ])
        guard status == 0, let line = output.split(separator: "\n").last,
              let result = try? JSONDecoder().decode(PythonTLSResult.self, from: Data(line.utf8)) else {
            throw TestFailure("python3 TLS client failed (\(status)): \(output)")
        }
        return result
    }

    static let script = #"""
import hashlib, json, socket, ssl, sys, time
port, cafile, path, alpn, delay = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
context = ssl.create_default_context(cafile=cafile)
if alpn: context.set_alpn_protocols(alpn.split(","))
with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
    with context.wrap_socket(raw, server_hostname="localhost") as tls:
        tls.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        time.sleep(delay)
        data = b""
        while chunk := tls.recv(1 << 16): data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        print(json.dumps({"version": tls.version(), "alpn": tls.selected_alpn_protocol(),
                          "serial": tls.getpeercert()["serialNumber"], "status": int(head.split(b" ")[1]),
                          "length": len(body), "sha256": hashlib.sha256(body).hexdigest()}))
"""#
}

extension TestEnvironment {
    /// `withServer` over the given transport: for `.tls`, orgd serves a fresh self-signed
    /// certificate and `body` gets the port of a tunnel in front of it.
    static func withServer<T>(over transport: Transport, _ adjust: (inout Configuration) -> Void = { _ in },
                              _ body: (Int) async throws -> T) async throws -> T {
        guard transport == .tls else { return try await withServer(adjust, body) }
        let certificate = try TestCertificate.make(in: try temporaryFolder("tls"))
        return try await withServer({
            $0.tlsCertificatePath = certificate.certificatePath
            $0.tlsKeyPath = certificate.keyPath
            adjust(&$0)
        }) { port in
            let tunnel = try TLSTunnel(target: port, caFile: certificate.certificatePath)
            let result = try await body(tunnel.port)
            withExtendedLifetime(tunnel) {}
            return result
        }
    }
}
