// orgd's own endpoints against a real Postgres: health, readiness, metrics, the API document,
// routing errors, recovery from a database restart, and SIGTERM on the real binary.

import Foundation
import Glibc
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Postgres
import Testing

@Suite("orgd server")
struct ServerTests {
    @Test("healthz answers 200 and readyz says the database is migrated")
    func healthAndReadiness() async throws {
        try await TestEnvironment.withServer { port in
            #expect(try rawRequest(port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
            let ready = try rawRequest(port: port, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(ready.status == 200, "\(ready.text)")
            #expect((ready.json["migration"] as? Int ?? 0) >= 2)
        }
    }

    @Test("an unknown path is a 404 problem and a wrong method a 405 with Allow")
    func routingErrors() async throws {
        try await TestEnvironment.withServer { port in
            let missing = try rawRequest(port: port, "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(missing.status == 404)
            #expect(missing.header("Content-Type") == "application/problem+json")
            #expect(missing.json["code"] as? String == "ROUTE_NOT_FOUND")
            for method in ["DELETE", "TRACE", "PUT"] {
                let wrong = try rawRequest(port: port, "\(method) /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(wrong.status == 405)
                #expect(wrong.header("Allow")?.contains("GET") == true)
            }
        }
    }

    @Test("metrics count requests by route and status and show the pool")
    func metrics() async throws {
        try await TestEnvironment.withServer { port in
            _ = try rawRequest(port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try rawRequest(port: port, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            let text = try rawRequest(port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").text
            #expect(text.contains(#"orgd_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
            #expect(text.contains("orgd_http_request_duration_seconds_bucket"))
            #expect(text.contains("orgd_http_open_connections"))
            #expect(text.contains(#"orgd_db_pool_connections{state="open"}"#))
        }
    }

    @Test("the OpenAPI document is served")
    func openAPI() async throws {
        try await TestEnvironment.withServer { port in
            let response = try rawRequest(port: port, "GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.status == 200)
            #expect(response.text.contains("openapi: 3"))
            #expect(response.text.contains("/readyz"))
        }
    }

    @Test("with the database unreachable, readyz answers 503 quickly and healthz still 200")
    func databaseDown() async throws {
        try TestEnvironment.migrate()
        let configuration = try TestEnvironment.configuration {
            $0.databaseURL = "postgresql://orgd_app@/orgd?host=/nonexistent-socket-dir&connect_timeout=1"
        }
        let running = try RunningServer.start(configuration)
        defer { running.stop(timeout: .seconds(2)) }
        let port = running.server.port
        #expect(try rawRequest(port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        let first = try rawRequest(port: port, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(first.status == 503)
        #expect(first.json["code"] as? String == "DATABASE_UNAVAILABLE")
        let started = Date()
        for _ in 0..<10 {
            #expect(try rawRequest(port: port, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").status == 503)
        }
        // Not a timing assertion on speed, only that failing fast does not mean waiting a
        // connect timeout per request: ten answers well within ten connect timeouts.
        #expect(Date().timeIntervalSince(started) < 10)
    }
}

@Suite("orgd with its own Postgres cluster", .serialized)
struct RecoveryTests {
    @Test("a Postgres restart under load: 503 during the outage, 200 again without restarting orgd")
    func postgresRestart() async throws {
        let cluster = try PrivateCluster()
        _ = try Migrator(url: cluster.adminDatabaseURL, directory: TestEnvironment.repositoryRoot + "/sql").migrate { _ in }
        let configuration = try TestEnvironment.configuration {
            $0.databaseURL = cluster.databaseURL
            $0.adminDatabaseURL = cluster.adminDatabaseURL
        }
        let running = try RunningServer.start(configuration)
        defer { running.stop(timeout: .seconds(2)) }
        let port = running.server.port
        #expect(try rawRequest(port: port, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)

        try cluster.stop()
        var sawUnavailable = false
        for _ in 0..<20 {
            let status = try rawRequest(port: port, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").status
            #expect(status == 503 || status == 200)
            if status == 503 { sawUnavailable = true; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(sawUnavailable)

        try cluster.start()
        let back = Date()
        var recovered = false
        while Date().timeIntervalSince(back) < 5 {
            if try rawRequest(port: port, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").status == 200 { recovered = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(recovered, "orgd did not serve again within 5 s of Postgres coming back")
        print("orgd recovered \(String(format: "%.2f", Date().timeIntervalSince(back))) s after Postgres accepted connections again")
    }

    @Test("SIGTERM lets a request in flight finish and the process exits 0")
    func sigterm() async throws {
        try TestEnvironment.migrate()
        let orgd = try ChildProcess.start(Subprocess.orgdBinary, ["serve", "--port", "0", "--loops", "1", "--access-log", "false"],
                                          environment: [
                                              "ORGD_DATABASE_URL": try TestEnvironment.databaseURL,
                                              "ORGD_SQL_DIR": TestEnvironment.repositoryRoot + "/sql",
                                              "ORGD_DOCS_DIR": TestEnvironment.repositoryRoot + "/docs",
                                          ])
        defer { orgd.signal(SIGKILL); _ = orgd.wait() }
        // The first line says where it listens.
        var port: Int?
        for _ in 0..<100 where port == nil {
            if let range = orgd.output.range(of: "http://127.0.0.1:") {
                port = Int(orgd.output[range.upperBound...].prefix { $0.isNumber })
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        guard let port else { throw TestFailure("orgd did not say where it listens: \(orgd.output)") }
        // Hold a lock that readyz's query needs, so its request is in flight when SIGTERM comes.
        let blocker = try ChildProcess.start("/usr/bin/psql", [try TestEnvironment.adminDatabaseURL, "-c",
            "BEGIN; LOCK TABLE orgd_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(0.7); COMMIT;"])
        try await Task.sleep(for: .milliseconds(200))
        let client = try RawClient(port: port)
        try client.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(100))
        orgd.signal(SIGTERM)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(orgd.wait() == 0, "\(orgd.output)")
        #expect(blocker.wait() == 0)
    }

    @Test("with a shutdown delay, SIGTERM turns /readyz to 503 SHUTTING_DOWN while requests are still served, then orgd exits 0")
    func shutdownDelay() async throws {
        try TestEnvironment.migrate()
        let orgd = try ChildProcess.start(Subprocess.orgdBinary, ["serve", "--port", "0", "--loops", "1", "--access-log", "false",
                                                                  "--shutdown-delay", "30"],
                                          environment: [
                                              "ORGD_DATABASE_URL": try TestEnvironment.databaseURL,
                                              "ORGD_SQL_DIR": TestEnvironment.repositoryRoot + "/sql",
                                              "ORGD_DOCS_DIR": TestEnvironment.repositoryRoot + "/docs",
                                          ])
        defer { orgd.signal(SIGKILL); _ = orgd.wait() }
        let port = try await Self.listeningPort(orgd)
        let client = try RawClient(port: port)
        try client.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)

        orgd.signal(SIGTERM)
        var stopping = false
        for _ in 0..<100 where !stopping {
            try client.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            let ready = try client.readResponse()
            stopping = ready.status == 503 && ready.text.contains("SHUTTING_DOWN")
            if !stopping { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(stopping, "readyz did not turn 503 after SIGTERM")
        // Still serving during the delay, on this keep-alive connection and on a new one.
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        let fresh = try RawClient(port: port)
        try fresh.send("GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try fresh.readResponse().status == 200)
        // A second signal ends the delay at once; the drain follows and the exit is clean.
        orgd.signal(SIGTERM)
        #expect(orgd.wait() == 0, "\(orgd.output)")
        #expect(orgd.output.contains("serving on for up to 30 s"), "\(orgd.output)")
    }

    /// The port a started orgd says it listens on (its first line).
    static func listeningPort(_ orgd: ChildProcess) async throws -> Int {
        for _ in 0..<100 {
            if let range = orgd.output.range(of: "http://127.0.0.1:"),
               let port = Int(orgd.output[range.upperBound...].prefix { $0.isNumber }) {
                return port
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("orgd did not say where it listens: \(orgd.output)")
    }
}
