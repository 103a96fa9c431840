// The database URL's TLS parameters reach libpq untouched (issue 15): against a private
// cluster with `ssl = on` and a self-signed certificate, `sslmode=verify-full` with the right
// `sslrootcert` connects every pooled connection over TLS, and with another CA orgd gets no
// connection at all (/readyz 503) rather than an unverified one.

import Foundation
import Glibc
@testable import OrgdApp
import Postgres
import Testing

@Suite("database TLS from the URL (issue 15)")
struct DatabaseTLSTests {
    /// A throwaway cluster on 127.0.0.1 serving TLS with `certificate`; destroyed on release.
    final class TLSCluster {
        let directory: String
        var exports: [String: String] = [:]
        private let script = TestEnvironment.repositoryRoot + "/scripts/pg-cluster.sh"

        init(certificate: TestCertificate) throws {
            directory = try temporaryFolder("dbtls") + "/data"
            let (status, output) = try Subprocess.run("/bin/bash", [script, "--throwaway", "--tcp", "start", directory])
            guard status == 0 else { throw TestFailure("pg-cluster.sh start failed (\(status)): \(output)") }
            for line in output.split(separator: "\n") where line.hasPrefix("export ") {
                let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { exports[pair[0]] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
            }
            // The server reads its key only if its own user owns it with mode 0600.
            let data = try value("ORGD_PGDATA")
            let owner = try Subprocess.run("/usr/bin/stat", ["-c", "%U", data]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            for (source, name) in [(certificate.certificatePath, "server.crt"), (certificate.keyPath, "server.key")] {
                try? FileManager.default.removeItem(atPath: "\(data)/\(name)")
                try FileManager.default.copyItem(atPath: source, toPath: "\(data)/\(name)")
                try Subprocess.run("/bin/chown", [owner, "\(data)/\(name)"])
                chmod("\(data)/\(name)", 0o600)
            }
            let (psqlStatus, psqlOutput) = try Subprocess.run("\(try value("ORGD_PG_BINDIR"))/psql", [
                try value("ORGD_PG_SUPERUSER_URL"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-c", "ALTER SYSTEM SET ssl = on", "-c", "SELECT pg_reload_conf()",
            ])
            guard psqlStatus == 0 else { throw TestFailure("turning ssl on failed: \(psqlOutput)") }
            usleep(300_000)                       // the reload is asynchronous
        }

        func value(_ name: String) throws -> String {
            guard let value = exports[name] else { throw TestFailure("pg-cluster.sh printed no \(name)") }
            return value
        }

        /// A TCP URL for `role` to the cluster with the given TLS parameters.
        func url(_ role: String, _ parameters: String) throws -> String {
            "postgresql://\(role)@localhost:\(try value("ORGD_PG_PORT"))/orgd?\(parameters)"
        }

        deinit { _ = try? Subprocess.run("/bin/bash", [script, "destroy", directory]) }
    }

    @Test("sslmode=verify-full with the server's CA: orgd serves over TLS connections; with another CA it connects nowhere")
    func verifyFull() async throws {
        let folder = try temporaryFolder("dbtls-certs")
        let serverCertificate = try TestCertificate.make(in: folder, name: "db")
        let stranger = try TestCertificate.make(in: folder, name: "stranger")
        let cluster = try TLSCluster(certificate: serverCertificate)
        let trusted = "sslmode=verify-full&sslrootcert=\(serverCertificate.certificatePath)"
        _ = try Migrator(url: try cluster.url("orgd_owner", trusted), directory: TestEnvironment.repositoryRoot + "/sql").migrate { _ in }

        var configuration = try TestEnvironment.configuration()
        configuration.databaseURL = try cluster.url("orgd_app", trusted)
        configuration.adminDatabaseURL = try cluster.url("orgd_owner", trusted)
        let running = try RunningServer.start(configuration)
        let ready = try rawRequest(port: running.server.port, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(ready.status == 200, "\(ready.text)")
        let (_, sessions) = try Subprocess.run("\(try cluster.value("ORGD_PG_BINDIR"))/psql", [
            try cluster.value("ORGD_PG_SUPERUSER_URL"), "-X", "-At", "-c",
            "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'orgd_app'",
        ])
        running.stop(timeout: .seconds(2))
        let flags = sessions.split(separator: "\n")
        #expect(!flags.isEmpty && flags.allSatisfy { $0 == "t" }, "orgd_app sessions' ssl flags: \(sessions)")

        configuration.databaseURL = try cluster.url("orgd_app", "sslmode=verify-full&sslrootcert=\(stranger.certificatePath)")
        let refused = try RunningServer.start(configuration)
        defer { refused.stop(timeout: .seconds(2)) }
        let notReady = try rawRequest(port: refused.server.port, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(notReady.status == 503)
        #expect(notReady.json["code"] as? String == "DATABASE_UNAVAILABLE")
    }
}
