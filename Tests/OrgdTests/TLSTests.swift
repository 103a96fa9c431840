// orgd's own TLS (issue 15, item 1) against real clients: curl and python3's ssl module over
// TLS 1.2 and 1.3, openssl s_client offering TLS 1.1, a client that stalls mid-handshake, a
// plain-HTTP request to the TLS port, a response large enough to block the socket, and a
// certificate reloaded on SIGHUP. Each test makes its own self-signed certificate. The
// plain listener's robustness cases run over TLS in LiveHTTPTests, SlowBodyTests and
// PipeliningTests (their `Transport` argument).

import Foundation
import Glibc
import HTTP
@testable import OrgdApp
import Testing

@Suite("native TLS against real clients (issue 15)")
struct TLSTests {
    /// A TLS orgd in this process with a fresh certificate; `body` gets its port and certificate.
    func withTLSServer<T>(_ adjust: (inout Configuration) -> Void = { _ in },
                          _ body: (Int, TestCertificate) async throws -> T) async throws -> T {
        let certificate = try TestCertificate.make(in: try temporaryFolder("tls"))
        return try await TestEnvironment.withServer({
            $0.tlsCertificatePath = certificate.certificatePath
            $0.tlsKeyPath = certificate.keyPath
            adjust(&$0)
        }) { port in try await body(port, certificate) }
    }

    /// Runs curl against https://localhost:port; returns its verbose output and the body.
    func curl(_ port: Int, _ certificate: TestCertificate, _ path: String, version: [String],
              extra: [String] = []) throws -> (log: String, status: Int, body: String) {
        let bodyPath = try temporaryFolder("curl") + "/body"
        let (_, log) = try Subprocess.run("/usr/bin/curl", ["-sS", "-v", "--cacert", certificate.certificatePath,
                                                           "--resolve", "localhost:\(port):127.0.0.1", "-o", bodyPath,
                                                           "-w", "\nstatus=%{http_code}\n"] + version + extra
                                                          + ["https://localhost:\(port)\(path)"])
        let status = log.split(separator: "\n").last { $0.hasPrefix("status=") }.flatMap { Int($0.dropFirst(7)) } ?? 0
        return (log, status, (try? String(contentsOfFile: bodyPath, encoding: .utf8)) ?? "")
    }

    static let versions: [(flags: [String], name: String)] = [
        (["--tlsv1.2", "--tls-max", "1.2"], "TLSv1.2"),
        (["--tlsv1.3"], "TLSv1.3"),
    ]

    @Test("curl gets /healthz and a signed-in /v1 request over TLS 1.2 and TLS 1.3, with ALPN http/1.1",
          arguments: versions)
    func curlOverEachVersion(version: (flags: [String], name: String)) async throws {
        try await withTLSServer { port, certificate in
            let health = try curl(port, certificate, "/healthz", version: version.flags)
            #expect(health.status == 200, "\(health.log)")
            #expect(health.log.contains("SSL connection using \(version.name)"), "\(health.log)")
            #expect(health.log.contains("ALPN: server accepted http/1.1"), "\(health.log)")

            let tenant = try TestTenant.create("tls")
            let login = try curl(port, certificate, "/v1/auth/login", version: version.flags, extra: [
                "-H", "Content-Type: application/json",
                "--data", #"{"tenant":"\#(tenant.slug)","login":"\#(tenant.adminLogin)","password":"\#(tenant.adminPassword)"}"#,
            ])
            let token = (try JSONSerialization.jsonObject(with: Data(login.body.utf8)) as? [String: Any])?["token"] as? String
            #expect(login.status == 200, "\(login.body)")
            let units = try curl(port, certificate, "/v1/units", version: version.flags,
                                 extra: ["-H", "Authorization: Bearer \(token ?? "")"])
            #expect(units.status == 200, "\(units.body)")
            #expect(units.body.contains("\"items\""), "\(units.body)")
        }
    }

    @Test("python's ssl negotiates TLS 1.3 and ALPN http/1.1; a client offering only h2 gets no ALPN, not an alert")
    func pythonSeesVersionAndALPN() async throws {
        try await withTLSServer { port, certificate in
            let offered = try PythonTLSClient.get(port: port, caFile: certificate.certificatePath)
            #expect(offered.status == 200)
            #expect(offered.alpn == "http/1.1")
            #expect(["TLSv1.2", "TLSv1.3"].contains(offered.version))
            #expect(offered.version == "TLSv1.3", "both ends support 1.3: it should be chosen")
            #expect(offered.serial == (try certificate.serial))

            let h2Only = try PythonTLSClient.get(port: port, caFile: certificate.certificatePath, alpn: ["h2"])
            #expect(h2Only.status == 200)
            #expect(h2Only.alpn == nil)
        }
    }

    @Test("TLS 1.1 is refused with a protocol_version alert, counted as a failed handshake; the server goes on")
    func tls11Refused() async throws {
        try await withTLSServer { port, certificate in
            // SECLEVEL=0 lets this client offer TLS 1.1 at all: the refusal must be the server's.
            let (status, output) = try Subprocess.run("/bin/sh", ["-c",
                "echo | /usr/bin/openssl s_client -connect 127.0.0.1:\(port) -tls1_1 -cipher DEFAULT@SECLEVEL=0 2>&1"])
            #expect(status != 0)
            #expect(output.contains("alert protocol version"), "\(output)")
            #expect(try PythonTLSClient.get(port: port, caFile: certificate.certificatePath).status == 200)
            let metrics = try curl(port, certificate, "/metrics", version: [])
            #expect(metrics.body.contains("orgd_tls_handshake_failures_total 1\n"), "\(metrics.body)")
            #expect(metrics.body.contains("orgd_tls_handshakes_total 2\n"), "\(metrics.body)")
        }
    }

    @Test("a client that sends half a ClientHello and stalls is closed at the head timeout, with nothing sent")
    func stalledHandshake() async throws {
        try await withTLSServer({ $0.headTimeoutMillis = 600 }) { port, certificate in
            let client = try RawClient(port: port, timeout: 10)
            // A handshake record announcing 512 bytes, of which only the first 43 come.
            var hello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]
            hello += (0..<32).map { _ in UInt8.random(in: 0...255) }
            let started = ContinuousClock.now
            try client.send(hello)
            #expect(client.isClosedByServer())
            let waited = ContinuousClock.now - started
            #expect(waited >= .milliseconds(500) && waited < .seconds(8), "closed after \(waited)")   // 600 ms + a 250 ms sweep; slack for a busy machine
            #expect(try PythonTLSClient.get(port: port, caFile: certificate.certificatePath).status == 200)
        }
    }

    @Test("a plain-HTTP request to the TLS port gets a plain 400 saying so, and the server keeps serving")
    func plainHTTPToTLSPort() async throws {
        try await withTLSServer { port, certificate in
            let client = try RawClient(port: port)
            try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.json["code"] as? String == "HTTP_BAD_REQUEST")
            #expect((response.json["detail"] as? String)?.contains("https://") == true)
            #expect(client.isClosedByServer())
            #expect(try PythonTLSClient.get(port: port, caFile: certificate.certificatePath).status == 200)
        }
    }

    @Test("an 8 MiB response to a client that reads late arrives intact (writes that would block are resumed)")
    func largeResponse() async throws {
        let docs = try temporaryFolder("docs")
        var text = ""
        while text.utf8.count < 8 << 20 { text += "# line \(text.utf8.count) \(UUID().uuidString)\n" }
        try text.write(toFile: docs + "/openapi.yaml", atomically: true, encoding: .utf8)
        let (_, digest) = try Subprocess.run("/usr/bin/sha256sum", [docs + "/openapi.yaml"])
        try await withTLSServer({ $0.docsDirectory = docs }) { port, certificate in
            let result = try PythonTLSClient.get(port: port, caFile: certificate.certificatePath, path: "/openapi.yaml",
                                                 readDelay: 1)
            #expect(result.status == 200)
            #expect(result.length == text.utf8.count)
            #expect(result.sha256 == String(digest.prefix(64)))
        }
    }

    @Test("SIGHUP: new connections get the new certificate, an open keep-alive connection goes on; a broken file keeps the old one")
    func reloadOnSIGHUP() async throws {
        let folder = try temporaryFolder("reload")
        let first = try TestCertificate.make(in: folder, name: "live")
        let second = try TestCertificate.make(in: folder, name: "next")
        let orgd = try await OrgdChild(over: .tls, certificate: first)
        let kept = try RawClient(port: orgd.port)             // through the tunnel: one TLS connection
        try kept.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try kept.readResponse().status == 200)
        #expect(try PythonTLSClient.get(port: orgd.orgdPort, caFile: first.certificatePath).serial == (try first.serial))

        try FileManager.default.removeItem(atPath: first.certificatePath)
        try FileManager.default.removeItem(atPath: first.keyPath)
        try FileManager.default.copyItem(atPath: second.certificatePath, toPath: first.certificatePath)
        try FileManager.default.copyItem(atPath: second.keyPath, toPath: first.keyPath)
        orgd.process.signal(SIGHUP)
        try await waitFor("TLS certificate reloaded", in: orgd)
        #expect(try PythonTLSClient.get(port: orgd.orgdPort, caFile: second.certificatePath).serial == (try second.serial))
        try kept.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try kept.readResponse().status == 200, "the connection made before the reload was dropped")

        try "not a certificate\n".write(toFile: first.certificatePath, atomically: true, encoding: .utf8)
        orgd.process.signal(SIGHUP)
        try await waitFor("reload failed", in: orgd)
        #expect(orgd.process.output.contains(first.certificatePath), "the error names the file")
        #expect(try PythonTLSClient.get(port: orgd.orgdPort, caFile: second.certificatePath).serial == (try second.serial))
        #expect(orgd.isRunning)
    }

    func waitFor(_ text: String, in orgd: OrgdChild) async throws {
        for _ in 0..<200 where !orgd.process.output.contains(text) { try await Task.sleep(for: .milliseconds(50)) }
        guard orgd.process.output.contains(text) else { throw TestFailure("orgd never said \"\(text)\": \(orgd.process.output)") }
    }

    @Test("a missing, mismatched or half-given certificate stops orgd at start with the file named")
    func startupErrors() throws {
        let folder = try temporaryFolder("bad")
        let one = try TestCertificate.make(in: folder, name: "one")
        let other = try TestCertificate.make(in: folder, name: "other")
        #expect(throws: ConfigurationError.self) { try Configuration.load(arguments: ["--tls-cert", one.certificatePath], environment: [:]) }
        let missing = folder + "/absent.crt"
        #expect { try TLSServerContext(certificatePath: missing, keyPath: one.keyPath) } throws: { "\($0)".contains(missing) }
        #expect { try TLSServerContext(certificatePath: one.certificatePath, keyPath: other.keyPath) } throws: {
            "\($0)".contains("does not match") && "\($0)".contains(other.keyPath)
        }
        #expect { try TLSServerContext(certificatePath: one.keyPath, keyPath: one.keyPath) } throws: { "\($0)".contains(one.keyPath) }
    }
}
