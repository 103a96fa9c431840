// The serving-role check (ServingRoleCheck): orgd refuses to serve as a role that row-level
// security does not bind — a superuser, a BYPASSRLS role, the owner of tenant tables — and when a
// tenant table lacks forced RLS. Pins the bug where `orgd serve` with a superuser URL started,
// said ready, and let one tenant's administrator read another's users and audit rows.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Postgres
import Testing

@Suite("serving-role check")
struct ServingRoleCheckTests {
    static var superuserURL: String { get throws { try TestEnvironment.require("ORGD_TEST_SUPERUSER_DATABASE_URL") } }

    /// The test database's URL logged in as `role` instead of orgd_app (the clusters trust local logins).
    static func url(as role: String) throws -> String {
        let app = try TestEnvironment.databaseURL
        guard app.contains("orgd_app@") else { throw TestFailure("unexpected test database URL \(app)") }
        return app.replacingOccurrences(of: "orgd_app@", with: "\(role)@")
    }

    /// Runs `statements` as the superuser in the test database, one transaction.
    static func asSuperuser(_ statements: [String]) throws {
        var configuration = Configuration()
        configuration.adminDatabaseURL = try url(as: "postgres")
        let status = AdminCommands.onLoop(configuration) { pool in
            _ = try await pool.transaction { connection in
                for statement in statements { _ = try await connection.query(statement) }
            }
        }
        guard status == 0 else { throw TestFailure("superuser SQL failed: \(statements)") }
    }

    /// A new login role that is a member of orgd_app (so it has orgd_app's privileges) plus `options`.
    static func role(_ options: String) throws -> String {
        let name = "orgd_test_\(UUID().uuidString.prefix(8).lowercased())"
        try asSuperuser(["CREATE ROLE \(name) LOGIN \(options) IN ROLE orgd_app"])
        return name
    }

    /// Starting in-process against `url` fails with a refusal naming `problem` and the fix.
    static func expectRefused(_ url: String, _ problem: String) throws {
        try TestEnvironment.migrate()
        let configuration = try TestEnvironment.configuration { $0.databaseURL = url }
        do {
            let running = try RunningServer.start(configuration)
            running.stop(timeout: .seconds(1))
            Issue.record("orgd started serving as \(url)")
        } catch let error as PGError {
            #expect(error.kind == .refused)
            #expect(error.message.contains(problem), "\(error.message)")
            #expect(error.message.contains("orgd_app") && error.message.contains("deploy/README.md"), "\(error.message)")
        }
    }

    @Test("orgd serve with a superuser URL exits non-zero naming the superuser and the roles to use (regression: RLS bypassed)")
    func superuserBinary() throws {
        try TestEnvironment.migrate()
        let (status, output) = try Subprocess.run(Subprocess.orgdBinary, ["serve", "--port", "0", "--access-log", "false"],
                                                  environment: ["ORGD_DATABASE_URL": try Self.url(as: "postgres"),
                                                                "ORGD_SQL_DIR": TestEnvironment.repositoryRoot + "/sql",
                                                                "ORGD_DOCS_DIR": TestEnvironment.repositoryRoot + "/docs"])
        #expect(status != 0)
        #expect(output.contains("role postgres is a superuser"), "\(output)")
        #expect(output.contains("deploy/README.md"), "\(output)")
        #expect(!output.contains("listening"), "\(output)")
    }

    @Test("a superuser URL of another database is refused as well")
    func superuserOtherDatabase() throws {
        try Self.expectRefused(try Self.superuserURL, "is a superuser")
    }

    @Test("a role WITH BYPASSRLS is refused")
    func bypassRLS() throws {
        let role = try Self.role("BYPASSRLS")
        defer { try? Self.asSuperuser(["DROP ROLE \(role)"]) }
        try Self.expectRefused(try Self.url(as: role), "role \(role) has BYPASSRLS")
    }

    @Test("the owner role (the migrations' URL) is refused: it owns the tenant tables")
    func owner() throws {
        try Self.expectRefused(try TestEnvironment.adminDatabaseURL, "owns tenant tables (public.")
    }

    @Test("a role that belongs to the owner role is refused: it could switch RLS off")
    func memberOfOwner() throws {
        let role = try Self.role("")
        defer { try? Self.asSuperuser(["DROP ROLE \(role)"]) }
        try Self.asSuperuser(["GRANT orgd_owner TO \(role)"])
        try Self.expectRefused(try Self.url(as: role), "role \(role) owns tenant tables")
    }

    @Test("a tenant table without FORCE ROW LEVEL SECURITY is named")
    func unforcedTable() throws {
        // Inside a transaction that is rolled back: other tests share this database.
        try TestEnvironment.migrate()
        var configuration = Configuration()
        configuration.adminDatabaseURL = try Self.url(as: "postgres")
        let found = RowsBox()
        _ = AdminCommands.onLoop(configuration) { pool in
            _ = try? await pool.transaction { connection in
                _ = try await connection.query("ALTER TABLE units NO FORCE ROW LEVEL SECURITY")
                _ = try await connection.query("SET LOCAL ROLE orgd_app")
                found.set(try await ServingRoleCheck.problems(connection).map { ["problem": $0] })
                throw PGError(kind: .poolClosed, message: "roll back")
            }
        }
        #expect(found.value.map { $0["problem"]! } == ["row-level security is not enabled and forced on public.units"])
    }

    @Test("orgd_app passes: the server starts and /readyz says ready")
    func appRoleServes() async throws {
        try await TestEnvironment.withServer { port in
            let ready = try HTTPClient(port: port).get("/readyz")
            #expect(ready.status == 200, "\(ready.text)")
        }
    }

    @Test("a role that gains BYPASSRLS while orgd runs is refused on the next new connection: /readyz and requests get 503")
    func everyNewConnection() async throws {
        let role = try Self.role("")
        defer { try? Self.asSuperuser(["DROP ROLE \(role)"]) }
        try await TestEnvironment.withServer({ $0.databaseURL = try! Self.url(as: role); $0.loops = 1; $0.poolSize = 1 }) { port in
            #expect(try HTTPClient(port: port).get("/readyz").status == 200)
            try Self.asSuperuser(["ALTER ROLE \(role) BYPASSRLS",
                                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '\(role)'"])
            var last = RawResponse(status: 0, headers: [], body: [])
            for _ in 0..<50 {
                last = try HTTPClient(port: port).get("/readyz")
                if last.json["code"] as? String == "DATABASE_ROLE_UNSAFE" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(last.status == 503)
            #expect((last.json["detail"] as? String)?.contains("role \(role) has BYPASSRLS") == true, "\(last.text)")
            let login = try HTTPClient(port: port).post("/v1/auth/login", json: ["tenant": "x", "login": "y", "password": "z"])
            #expect(login.status == 503 && login.json["code"] as? String == "DATABASE_ROLE_UNSAFE", "\(login.text)")
        }
    }
}
