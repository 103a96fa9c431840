// Where tests find their real Postgres (scripts/test.sh starts a throwaway cluster and exports
// its URLs) and how they start an orgd in-process on a free port.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Postgres
import Synchronization

enum TestEnvironment {
    static let repositoryRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }()

    static func require(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw TestFailure("\(name) is not set: run the tests with scripts/test.sh, which starts a throwaway Postgres")
        }
        return value
    }

    static var databaseURL: String { get throws { try require("ORGD_TEST_DATABASE_URL") } }
    static var adminDatabaseURL: String { get throws { try require("ORGD_TEST_ADMIN_DATABASE_URL") } }

    private static let migrated = Mutex(false)

    /// Applies the migrations once per test process.
    static func migrate() throws {
        let admin = try adminDatabaseURL
        try migrated.withLock { done in
            if done { return }
            _ = try Migrator(url: admin, directory: repositoryRoot + "/sql").migrate { _ in }
            done = true
        }
    }

    /// A configuration for an in-process orgd on a free port against the test database.
    static func configuration(_ adjust: (inout Configuration) -> Void = { _ in }) throws -> Configuration {
        var configuration = Configuration()
        configuration.port = 0
        configuration.loops = 2
        configuration.databaseURL = try databaseURL
        configuration.adminDatabaseURL = try adminDatabaseURL
        configuration.accessLog = false
        // Every test signs in from 127.0.0.1: the per-address limit would let one test's wrong
        // passwords lock out the others. The per-account limit stays as shipped (it is tested).
        configuration.signInClientLimit = 1_000_000
        configuration.sqlDirectory = repositoryRoot + "/sql"
        configuration.docsDirectory = repositoryRoot + "/docs"
        adjust(&configuration)
        return configuration
    }

    /// Starts a migrated orgd, runs `body` with its port, and stops it.
    static func withServer<T>(_ adjust: (inout Configuration) -> Void = { _ in },
                              _ body: (Int) async throws -> T) async throws -> T {
        try migrate()
        let running = try RunningServer.start(try configuration(adjust))
        defer { running.stop(timeout: .seconds(2)) }
        return try await body(running.server.port)
    }
}
