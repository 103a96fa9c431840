// Issue 9, defect 1: pipelined requests against a live orgd process over real sockets. 503
// pipelined /healthz in one write used to kill orgd with SIGSEGV (the response path recursed
// once per buffered request); a client that never read its answers made orgd buffer without
// bound. orgd runs as a child process here, so a crash is seen as a dead process, not as a
// dead test runner, and its memory can be read from /proc. Each runs over plain TCP and over
// TLS (orgd serving a test certificate, the client through a TLSTunnel).

import Foundation
import Glibc
import Testing

/// The built orgd serving the test database on a free port, killed when released. Over TLS
/// it serves `certificate` (a new one if none is given), and `port` is a tunnel's.
final class OrgdChild {
    let process: ChildProcess
    let orgdPort: Int                      // where orgd itself listens
    let certificate: TestCertificate?
    private var tunnel: TLSTunnel?
    var port: Int { tunnel?.port ?? orgdPort }

    init(over transport: Transport = .plain, certificate: TestCertificate? = nil, arguments: [String] = []) async throws {
        try TestEnvironment.migrate()
        self.certificate = transport == .plain ? nil : try certificate ?? TestCertificate.make(in: try temporaryFolder("child"))
        let tlsArguments = self.certificate.map { ["--tls-cert", $0.certificatePath, "--tls-key", $0.keyPath] } ?? []
        process = try ChildProcess.start(Subprocess.orgdBinary, ["serve", "--port", "0", "--loops", "1", "--access-log", "false"]
                                         + tlsArguments + arguments,
                                         environment: [
                                             "ORGD_DATABASE_URL": try TestEnvironment.databaseURL,
                                             "ORGD_SQL_DIR": TestEnvironment.repositoryRoot + "/sql",
                                             "ORGD_DOCS_DIR": TestEnvironment.repositoryRoot + "/docs",
                                         ])
        var found: Int?
        for _ in 0..<200 where found == nil {
            if let range = process.output.range(of: "://127.0.0.1:") {
                found = Int(process.output[range.upperBound...].prefix { $0.isNumber })
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        guard let found else {
            process.signal(SIGKILL)
            _ = process.wait()
            throw TestFailure("orgd did not say where it listens: \(process.output)")
        }
        orgdPort = found
        if let certificate = self.certificate { tunnel = try TLSTunnel(target: found, caFile: certificate.certificatePath) }
    }

    deinit {
        process.signal(SIGKILL)
        _ = process.wait()
    }

    /// True while the process runs (a crashed orgd is a zombie until reaped: kill(0) would lie).
    var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(process.pid, &status, WNOHANG) == 0
    }

    /// Resident memory in bytes, from /proc.
    var residentBytes: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}

/// `count` pipelined GETs of `path`, each with X-Request-Id `<tag>-<n>` so order can be checked.
func pipelinedGets(_ path: String, count: Int, tag: String) -> [UInt8] {
    var bytes: [UInt8] = []
    for index in 0..<count {
        bytes.append(contentsOf: "GET \(path) HTTP/1.1\r\nHost: x\r\nX-Request-Id: \(tag)-\(index)\r\n\r\n".utf8)
    }
    return bytes
}

/// Writes `bytes` on another thread, so the test can read answers while the writes go on
/// (orgd stops reading while its answers are unread: writing everything first would deadlock).
func sendInBackground(_ fd: Int32, _ bytes: [UInt8]) {
    Thread.detachNewThread {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            offset += written
        }
    }
}

@Suite("pipelining against a live orgd (issue 9, defect 1)")
struct PipeliningTests {
    @Test("issue 9 defect 1: 503 pipelined /healthz in one write used to crash orgd; all are answered",
          arguments: Transport.allCases)
    func thePipelineThatCrashed(over transport: Transport) async throws {
        let orgd = try await OrgdChild(over: transport)
        let client = try RawClient(port: orgd.port, timeout: 30)
        try client.send(Array(String(repeating: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", count: 503).utf8))
        for index in 0..<503 {
            let response = try client.readResponse()
            guard response.status == 200 else { Issue.record("response \(index): \(response.status)"); return }
        }
        #expect(orgd.isRunning, "orgd died: \(orgd.process.output.suffix(500))")
    }

    @Test("thousands of pipelined requests are all answered, in order",
          arguments: [("/healthz", 20_000), ("/readyz", 5_000)], Transport.allCases)
    func thousandsInOrder(pipeline: (path: String, count: Int), over transport: Transport) async throws {
        let (path, count) = pipeline
        let orgd = try await OrgdChild(over: transport)
        let client = try RawClient(port: orgd.port, timeout: 30)
        sendInBackground(client.fd, pipelinedGets(path, count: count, tag: "p"))
        for index in 0..<count {
            let response = try client.readResponse()
            guard response.status == 200, response.header("X-Request-Id") == "p-\(index)" else {
                Issue.record("response \(index) of \(count): \(response.status) \(response.header("X-Request-Id") ?? "-")")
                return
            }
        }
        #expect(orgd.isRunning)
    }

    @Test("a client that pipelines without reading is made to wait: orgd stops reading, its memory stays bounded and it serves others",
          arguments: Transport.allCases)
    func clientThatNeverReads(over transport: Transport) async throws {
        let orgd = try await OrgdChild(over: transport)
        let flooder = try RawClient(port: orgd.port)
        let before = orgd.residentBytes
        let chunk = pipelinedGets("/healthz", count: 1_500, tag: "f")     // about 64 KiB
        let cap = 256 << 20
        var written = 0
        var offset = 0                        // into `chunk`: a partial write resumes mid-request
        var stalls = 0
        // Write without blocking until the socket has refused bytes for a second in a row:
        // that only happens once orgd has stopped reading and the kernel buffers are full.
        while written < cap && stalls < 20 {
            let sent = chunk.withUnsafeBytes {
                send(flooder.fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if sent > 0 {
                written += sent
                offset = (offset + sent) % chunk.count
                stalls = 0
            } else {
                guard errno == EAGAIN || errno == EWOULDBLOCK else { throw TestFailure("send failed: errno \(errno)") }
                stalls += 1
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let grown = orgd.residentBytes - before
        print("a client that never reads: \(written >> 10) KiB written before orgd stopped reading; orgd grew \(grown >> 10) KiB")
        #expect(written < cap, "orgd kept reading \(written >> 20) MiB from a client that reads nothing")
        #expect(grown < 64 << 20, "orgd grew \(grown >> 20) MiB")
        // Meanwhile another client is served.
        let other = try rawRequest(port: orgd.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(other.status == 200)
        #expect(orgd.isRunning)
    }
}
