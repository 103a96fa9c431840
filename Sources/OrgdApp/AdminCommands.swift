// The operator's command line: `orgd tenant create`, `orgd platform-key create`, `orgd scenarios
// apply-due` (which runs as orgd_app, ORGD_DATABASE_URL). They run as
// the owner role (ORGD_ADMIN_DATABASE_URL) on a one-loop event loop group of their own.

import Access
import App
import EventLoop
import Foundation
import HTTP
import Policy
import Postgres
import OrgChart
import Tenancy

enum AdminCommands {
    static let ownOptions = ["--slug", "--name", "--admin-login", "--today", "--tenant"]

    /// Takes this command's own options out of `arguments`; the rest are shared options.
    static func splitOptions(_ arguments: [String]) -> ([String: String], [String]) {
        var own: [String: String] = [:]
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if let equals = argument.firstIndex(of: "="), ownOptions.contains(String(argument[..<equals])) {
                own[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
            } else if ownOptions.contains(argument), index + 1 < arguments.count {
                own[argument] = arguments[index + 1]
                index += 1
            } else {
                rest.append(argument)
            }
            index += 1
        }
        return (own, rest)
    }

    static func run(_ command: String, _ subcommand: String, _ options: [String: String],
                    _ configuration: Configuration) -> Int32 {
        guard !configuration.adminDatabaseURL.isEmpty else {
            Orgd.fail("no database: set ORGD_ADMIN_DATABASE_URL or ORGD_DATABASE_URL")
            return 2
        }
        switch (command, subcommand) {
        case ("tenant", "create"):
            guard let slug = options["--slug"], let name = options["--name"] else {
                Orgd.fail("usage: orgd tenant create --slug SLUG --name NAME [--admin-login LOGIN]")
                return 2
            }
            return onLoop(configuration) { pool in
                let created = try await pool.transaction { connection in
                    try await TenantStore.create(slug: slug, name: name, adminLogin: options["--admin-login"] ?? "admin", on: connection)
                }
                Orgd.say("tenant \(created.slug) created (id \(created.id))")
                Orgd.say("administrator login: \(created.adminLogin)")
                Orgd.say("setup secret (its password; shown once, change it after signing in): \(created.setupSecret)")
            }
        case ("platform-key", "create"):
            let name = options["--name"] ?? "operator"
            return onLoop(configuration) { pool in
                let issued = Credential.issue(.platform, tenantID: nil)
                _ = try await pool.transaction { connection in
                    try await PlatformKeyStore.create(connection, name: name, digest: issued.digest)
                }
                Orgd.say("platform key \(name) (shown once; only its digest is stored):")
                Orgd.say(issued.text)
            }
        case ("scenarios", "apply-due"):
            return applyDueScenarios(configuration, today: options["--today"] ?? OrgDate.today, tenant: options["--tenant"])
        case ("seed", "demo"):
            return onLoop(configuration) { pool in try await DemoSeed.run(pool, port: configuration.port) }
        default:
            Orgd.fail("unknown command: orgd \(command) \(subcommand); see orgd help")
            return 2
        }
    }

    /// `orgd scenarios apply-due`: one scheduler pass as orgd_app (ORGD_DATABASE_URL), whose
    /// row-level security the pass runs under like the server's.
    static func applyDueScenarios(_ configuration: Configuration, today: String, tenant: String?) -> Int32 {
        guard OrgDate.isValid(today), tenant.map({ EntityID(uuid: $0) != nil }) ?? true else {
            Orgd.fail("usage: orgd scenarios apply-due [--today YYYY-MM-DD] [--tenant TENANT-ID]")
            return 2
        }
        let group = EventLoopGroup(count: 1)
        let loop = group.loops[0]
        let resources = Resources(database: DatabaseSettings(url: configuration.databaseURL, poolSize: 1,
                                                             statementTimeoutMillis: configuration.statementTimeoutMillis),
                                  loops: group.loops, expectedMigration: 0, loadCaller: CallerLoader.load)
        let done = DispatchSemaphore(value: 0)
        let status = StatusBox()
        loop.execute {
            Task(executorPreference: loop) {
                if let outcome = await ScenarioScheduler.pass(resources.on(loop), loop, today: today, tenant: tenant?.lowercased()) {
                    Orgd.say("scenarios due on \(today): \(outcome.applied) applied, \(outcome.failed) not applied (see their last_error)")
                    status.failed = outcome.failed > 0
                } else {
                    status.failed = true
                }
                resources.on(loop).close()
                done.signal()
            }
        }
        done.wait()
        group.shutdown()
        return status.failed ? 1 : 0
    }

    /// Runs `body` on a private event loop with a one-connection pool on the owner's URL.
    static func onLoop(_ configuration: Configuration, _ body: @escaping @Sendable (PGPool) async throws -> Void) -> Int32 {
        let group = EventLoopGroup(count: 1)
        let loop = group.loops[0]
        let done = DispatchSemaphore(value: 0)
        let status = StatusBox()
        loop.execute {
            let pool = PGPool(url: configuration.adminDatabaseURL, loop: loop, size: 1, statementTimeoutMillis: 60_000)
            let boxed = UncheckedSendable(pool)
            Task(executorPreference: loop) {
                do {
                    try await body(boxed.value)
                } catch {
                    Orgd.fail("\(ErrorMapping.problem(for: error).detail) (\(error))")
                    status.failed = true
                }
                boxed.value.close()
                done.signal()
            }
        }
        done.wait()
        group.shutdown()
        return status.failed ? 1 : 0
    }
}

final class StatusBox: @unchecked Sendable {
    var failed = false          // written once by the task, read after `done` is signalled
}
