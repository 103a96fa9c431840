// The orgd process: its subcommands, and `serve`, which wires configuration, event loops,
// Postgres pools and the HTTP server together and runs until SIGTERM or SIGINT.

import Access
import App
import CLinux
import EventLoop
import Foundation
import Glibc
import HTTP
import Postgres

public enum Orgd {
    static let usage = """
    orgd: a multi-tenant API server for customer-service and after-sales organisations.

    usage:
      orgd serve [options]     run the server (the default when no command is given)
      orgd migrate [options]   apply pending sql/NNNN_*.sql migrations, then exit
      orgd tenant create --slug SLUG --name NAME [--admin-login LOGIN]
                               create a tenant and its first administrator; prints a setup secret
      orgd platform-key create --name NAME
                               create a platform key for /v1/platform (shown once)
      orgd seed demo           create the demo tenant (once) and print how to sign in
      orgd help                show this text

    options (flag, environment variable, meaning and default):

    """

    /// Runs a command line; returns the process exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        var arguments = arguments
        let command = arguments.first.flatMap { $0.hasPrefix("-") ? nil : $0 } ?? "serve"
        if !arguments.isEmpty && !arguments[0].hasPrefix("-") { arguments.removeFirst() }
        // Admin commands take a verb ("tenant create") and their own options before the shared ones.
        var subcommand = ""
        var commandOptions: [String: String] = [:]
        if ["tenant", "platform-key", "seed"].contains(command) {
            if let first = arguments.first, !first.hasPrefix("-") { subcommand = first; arguments.removeFirst() }
            (commandOptions, arguments) = AdminCommands.splitOptions(arguments)
        }
        if command == "help" || arguments.contains("--help") || arguments.contains("-h") {
            print(usage + Configuration.helpText)
            return 0
        }
        let configuration: Configuration
        do {
            configuration = try Configuration.load(arguments: arguments, environment: ProcessInfo.processInfo.environment)
        } catch {
            fail("\(error)")
            return 2
        }
        switch command {
        case "serve":
            return serve(configuration)
        case "migrate":
            return migrate(configuration) ? 0 : 1
        case "tenant", "platform-key", "seed":
            return AdminCommands.run(command, subcommand, commandOptions, configuration)
        default:
            fail("unknown command \(command); see orgd help")
            return 2
        }
    }

    /// One line on stdout, written at once (stdout may be a pipe that a script is reading).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func fail(_ message: String) { Log.error(message) }

    // MARK: migrate

    static func migrate(_ configuration: Configuration) -> Bool {
        guard !configuration.adminDatabaseURL.isEmpty else {
            fail("no database: set ORGD_DATABASE_URL (or DATABASE_URL), or pass --database-url")
            return false
        }
        do {
            let migrator = Migrator(url: configuration.adminDatabaseURL, directory: configuration.sqlDirectory)
            let applied = try migrator.migrate { say("orgd: \($0)") }
            say("orgd: \(applied.count) migration(s) applied")
            return true
        } catch {
            fail("migration failed: \(error)")
            return false
        }
    }

    // MARK: serve

    static func serve(_ configuration: Configuration) -> Int32 {
        guard !configuration.databaseURL.isEmpty else {
            fail("no database: set ORGD_DATABASE_URL (or DATABASE_URL), or pass --database-url; scripts/run.sh starts a private one")
            return 2
        }
        if configuration.migrateOnStart && !migrate(configuration) { return 1 }
        // Block the shutdown signals before any thread starts, so every thread inherits the
        // mask and they arrive only through this descriptor.
        let signals = orgd_signalfd_for_shutdown()
        let running: RunningServer
        do {
            running = try RunningServer.start(configuration)
        } catch {
            fail("cannot start: \(error)")
            return 1
        }
        say("orgd listening on http://\(hostForURL(configuration.host)):\(running.server.port)")
        waitForSignal(signals)
        say("orgd: shutting down (up to \(configuration.shutdownTimeoutSeconds) s for requests in flight)")
        let clean = running.stop(timeout: .seconds(configuration.shutdownTimeoutSeconds))
        say("orgd: stopped\(clean ? "" : " (some connections were cut at the time limit)")")
        return 0
    }

    static func hostForURL(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    static func waitForSignal(_ fd: Int32) {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            if poll(&poller, 1, -1) > 0 {
                var info = [UInt8](repeating: 0, count: 128)      // struct signalfd_siginfo
                if read(fd, &info, 128) == 128 { return }
            }
        }
    }
}

/// A started server and everything it runs on, so tests can start and stop one in-process.
public final class RunningServer: Sendable {
    public let server: HTTPServer
    public let group: EventLoopGroup
    let resources: Resources

    init(server: HTTPServer, group: EventLoopGroup, resources: Resources) {
        self.server = server
        self.group = group
        self.resources = resources
    }

    public static func start(_ configuration: Configuration) throws -> RunningServer {
        let console = try WebConsole(directory: configuration.webDirectory)
        let group = EventLoopGroup(count: configuration.loops)
        let migrations = (try? Migrator(url: configuration.adminDatabaseURL, directory: configuration.sqlDirectory).latestVersion()) ?? 0
        let database = DatabaseSettings(url: configuration.databaseURL, poolSize: configuration.poolSize,
                                        statementTimeoutMillis: configuration.statementTimeoutMillis)
        let resources = Resources(database: database, loops: group.loops, expectedMigration: migrations,
                                  loadCaller: CallerLoader.load)
        if let refusal = firstConnectionRefusal(resources, group) {
            group.shutdown()
            throw refusal
        }
        group.onEach { _, loop in resources.on(loop).startListening(url: configuration.databaseURL) }
        let metrics = HTTPMetrics(shards: group.loops.count)
        metrics.addGauge("orgd_db_pool_connections") {
            var open = 0.0, idle = 0.0, waiting = 0.0, size = 0.0
            for loop in resources.all {
                let stats = loop.pool.stats
                size += Double(stats.size); open += Double(stats.open)
                idle += Double(stats.idle); waiting += Double(stats.waiting)
            }
            return [("state=\"size\"", size), ("state=\"open\"", open), ("state=\"idle\"", idle), ("state=\"waiting\"", waiting)]
        }
        let openAPI = (try? Array(Data(contentsOf: URL(fileURLWithPath: configuration.docsDirectory + "/openapi.yaml")))) ?? Array("openapi: 3.0.3\n".utf8)
        let pipeline = Pipeline(router: Routes.all(configuration: configuration, metrics: metrics, resources: resources,
                                                   openAPI: openAPI, console: console),
                                resources: resources)
        let server = HTTPServer(configuration: configuration.httpConfiguration, group: group,
                                responder: pipeline, metrics: metrics)
        do {
            try server.start()
        } catch {
            group.onEach { _, loop in resources.on(loop).close() }
            group.shutdown()
            throw error
        }
        return RunningServer(server: server, group: group, resources: resources)
    }

    /// Opens the first pooled connection, which runs the serving-role check (ServingRoleCheck);
    /// returns its refusal. A database that cannot be reached yet is no refusal: orgd starts,
    /// answers 503 and checks each connection it opens once the database is back.
    static func firstConnectionRefusal(_ resources: Resources, _ group: EventLoopGroup) -> PGError? {
        let loop = group.loops[0]
        let done = DispatchSemaphore(value: 0)
        let outcome = RefusalBox()
        loop.execute {
            let pool = resources.on(loop).pool
            Task(executorPreference: loop) {
                do throws(PGError) {
                    _ = try await pool.query("SELECT 1")
                } catch where error.kind == .refused {
                    outcome.error = error
                } catch {}
                done.signal()
            }
        }
        done.wait()
        return outcome.error
    }

    /// Graceful stop: drain HTTP, close the pools and listeners, stop the loops.
    @discardableResult
    public func stop(timeout: Duration) -> Bool {
        let clean = server.shutdown(timeout: timeout)
        let resources = self.resources
        group.onEach { _, loop in resources.on(loop).close() }
        group.shutdown()
        return clean
    }
}

/// The start-up check's refusal: written once by its task, read after the task signals.
final class RefusalBox: @unchecked Sendable {
    var error: PGError?
}
