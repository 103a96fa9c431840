// The orgd process: its subcommands, and `serve`, which wires configuration, event loops,
// Postgres pools and the HTTP server together and runs until SIGTERM or SIGINT (SIGHUP
// reloads the TLS certificate).

import Access
import App
import CLinux
import EventLoop
import Foundation
import Glibc
import HTTP
import Postgres
import Synchronization

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
      orgd scenarios apply-due [--today YYYY-MM-DD] [--tenant TENANT-ID]
                               apply the approved scenarios due today (or on that day), then exit
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
        if ["tenant", "platform-key", "seed", "scenarios"].contains(command) {
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
        case "tenant", "platform-key", "seed", "scenarios":
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
        // Allocations from 64 KiB up (a 1,001-unit tree renders into buffers of megabytes) are
        // mapped, and unmapped when freed. By default glibc raises that threshold to the size of
        // the first such block freed and serves the rest from its heaps, where an answer cache
        // that keeps some and evicts others fragments them and the memory stays resident: a
        // full 64 MiB cache of trees peaked at 169 MiB without this, 135 MiB with it
        // (docs/performance.md, "A full answer cache"). Set before any thread starts, it also
        // fixes the trim threshold.
        _ = orgd_malloc_map_from(64 * 1024)
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
        let scheme = running.server.configuration.tls == nil ? "http" : "https"
        say("orgd listening on \(scheme)://\(hostForURL(configuration.host)):\(running.server.port)")
        while waitForSignal(signals) == SIGHUP { reloadCertificate(running.server) }
        running.lifecycle.beginStopping()
        if configuration.shutdownDelaySeconds > 0 {
            // Behind a load balancer: keep serving while /readyz fails its health checks, so it
            // stops sending new requests before the listeners close. A second shutdown signal
            // cuts it short; SIGHUP still reloads the certificate meanwhile.
            say("orgd: stopping: /readyz answers 503; serving on for up to \(configuration.shutdownDelaySeconds) s")
            let end = ContinuousClock.now + .seconds(configuration.shutdownDelaySeconds)
            while let signal = waitForSignal(signals, until: end), signal == SIGHUP { reloadCertificate(running.server) }
        }
        say("orgd: shutting down (up to \(configuration.shutdownTimeoutSeconds) s for requests in flight)")
        let clean = running.stop(timeout: .seconds(configuration.shutdownTimeoutSeconds))
        say("orgd: stopped\(clean ? "" : " (some connections were cut at the time limit)")")
        return 0
    }

    static func hostForURL(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    /// Waits for a signal of the signalfd, for ever or until `end`; its number, nil when `end` came first.
    static func waitForSignal(_ fd: Int32, until end: ContinuousClock.Instant? = nil) -> Int32? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            var wait: Int32 = -1
            if let end {
                let left = (end - ContinuousClock.now).components
                wait = Int32(max(0, left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000))
                if wait == 0 { return nil }
            }
            if poll(&poller, 1, wait) > 0 {
                var info = [UInt8](repeating: 0, count: 128)      // struct signalfd_siginfo
                if read(fd, &info, 128) == 128 {
                    return Int32(info.withUnsafeBytes { $0.load(as: UInt32.self) })   // ssi_signo comes first
                }
            }
        }
    }

    /// SIGHUP: new connections get the certificate and key as the files hold them now;
    /// established ones keep theirs. A file that does not load keeps the previous pair.
    static func reloadCertificate(_ server: HTTPServer) {
        guard let tls = server.configuration.tls else {
            say("orgd: SIGHUP ignored: no TLS certificate to reload")
            return
        }
        do {
            try tls.reload()
            say("orgd: TLS certificate reloaded from \(tls.certificatePath)")
        } catch {
            fail("TLS certificate reload failed; still serving the previous one: \(error)")
        }
    }
}

/// A started server and everything it runs on, so tests can start and stop one in-process.
public final class RunningServer: Sendable {
    public let server: HTTPServer
    public let group: EventLoopGroup
    public let lifecycle: Lifecycle
    let resources: Resources

    init(server: HTTPServer, group: EventLoopGroup, lifecycle: Lifecycle, resources: Resources) {
        self.server = server
        self.group = group
        self.lifecycle = lifecycle
        self.resources = resources
    }

    public static func start(_ configuration: Configuration) throws -> RunningServer {
        let console = try WebConsole(directory: configuration.webDirectory)
        var http = configuration.httpConfiguration
        if !configuration.tlsCertificatePath.isEmpty {      // before anything starts: a bad file stops here
            http.tls = try TLSServerContext(certificatePath: configuration.tlsCertificatePath, keyPath: configuration.tlsKeyPath)
        }
        let group = EventLoopGroup(count: configuration.loops)
        let migrations = (try? Migrator(url: configuration.adminDatabaseURL, directory: configuration.sqlDirectory).latestVersion()) ?? 0
        var database = DatabaseSettings(url: configuration.databaseURL, poolSize: configuration.poolSize,
                                        statementTimeoutMillis: configuration.statementTimeoutMillis)
        database.replicas = ReplicaSettings(urls: configuration.replicaDatabaseURLs, maxLagMillis: configuration.replicaMaxLagMillis)
        let resources = Resources(database: database, loops: group.loops, expectedMigration: migrations,
                                  answerCacheBytes: configuration.answerCacheBytes,
                                  answerGeneration: configuration.answerCacheGeneration, loadCaller: CallerLoader.load)
        if let refusal = firstConnectionRefusal(resources, group) {
            group.shutdown()
            throw refusal
        }
        group.onEach { _, loop in resources.on(loop).startListening(url: configuration.databaseURL) }
        resources.all.forEach { $0.probe?.start() }
        let metrics = HTTPMetrics(shards: group.loops.count)
        if let replicas = resources.replicas { addReplicaGauges(metrics, replicas) }
        addAnswerCacheGauges(metrics, resources.generations)
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
        let lifecycle = Lifecycle()
        let pipeline = Pipeline(router: Routes.all(configuration: configuration, metrics: metrics, resources: resources,
                                                   lifecycle: lifecycle, openAPI: openAPI, console: console),
                                resources: resources)
        let server = HTTPServer(configuration: http, group: group,
                                responder: pipeline, metrics: metrics)
        do {
            try server.start()
        } catch {
            group.onEach { _, loop in resources.on(loop).close() }
            group.shutdown()
            throw error
        }
        ScenarioScheduler.start(resources, on: group.loops[0], lifecycle: lifecycle,
                                interval: .seconds(configuration.scenarioIntervalSeconds))
        return RunningServer(server: server, group: group, lifecycle: lifecycle, resources: resources)
    }

    /// The answer cache in /metrics (AnswerCaching): served from it, read from the database,
    /// bytes held by all loops, entries dropped to make room; where generations came from, and in
    /// notify mode the state of its listener.
    static func addAnswerCacheGauges(_ metrics: HTTPMetrics, _ board: GenerationBoard?) {
        metrics.addCounter("orgd_answer_cache_hits_total") { [("", Double(AnswerCaching.hits.load(ordering: .relaxed)))] }
        metrics.addCounter("orgd_answer_cache_misses_total") { [("", Double(AnswerCaching.misses.load(ordering: .relaxed)))] }
        metrics.addGauge("orgd_answer_cache_bytes") { [("", Double(AnswerCaching.bytes.load(ordering: .relaxed)))] }
        metrics.addCounter("orgd_answer_cache_evictions_total") { [("", Double(AnswerCaching.evictions.load(ordering: .relaxed)))] }
        metrics.addCounter("orgd_answer_cache_generation_reads_total") {
            [("source=\"memory\"", Double(AnswerCaching.generationsFromMemory.load(ordering: .relaxed))),
             ("source=\"query\"", Double(AnswerCaching.generationsQueried.load(ordering: .relaxed)))]
        }
        // Notify mode only: the generation listener (GenerationBoard).
        guard let board else { return }
        metrics.addGauge("orgd_answer_cache_generation_listening") { [("", board.isListening ? 1 : 0)] }
        metrics.addCounter("orgd_answer_cache_generation_subscriptions_total") { [("", Double(board.subscriptions.load(ordering: .relaxed)))] }
        metrics.addCounter("orgd_answer_cache_generation_listener_losses_total") { [("", Double(board.losses.load(ordering: .relaxed)))] }
        metrics.addCounter("orgd_answer_cache_generation_notifications_total") { [("", Double(board.notifications.load(ordering: .relaxed)))] }
    }

    /// Read replicas in /metrics: reads by target, lag and state per replica, fallbacks.
    static func addReplicaGauges(_ metrics: HTTPMetrics, _ replicas: ReadReplicas) {
        metrics.addCounter("orgd_db_reads_total") { replicas.readCounts }
        metrics.addCounter("orgd_db_replica_fallbacks_total") { replicas.fallbackCounts }
        metrics.addGauge("orgd_db_replica_lag_seconds") {
            replicas.replicaStates().enumerated().map { ("replica=\"replica\($0.offset + 1)\"", $0.element.lag) }
        }
        metrics.addGauge("orgd_db_replica_usable") {
            replicas.replicaStates().enumerated().map { ("replica=\"replica\($0.offset + 1)\"", $0.element.usable ? 1 : 0) }
        }
    }

    /// Opens the first pooled connection of the primary and of each replica, which runs the
    /// serving-role check (ServingRoleCheck); returns the first refusal. A database that cannot
    /// be reached yet is no refusal: orgd starts, answers 503 (or reads from the primary) and
    /// checks each connection it opens once the database is back.
    static func firstConnectionRefusal(_ resources: Resources, _ group: EventLoopGroup) -> PGError? {
        let loop = group.loops[0]
        let done = DispatchSemaphore(value: 0)
        let outcome = RefusalBox()
        loop.execute {
            let pools = [resources.on(loop).pool] + resources.on(loop).replicaPools
            Task(executorPreference: loop) {
                for pool in pools where outcome.error == nil {
                    do throws(PGError) {
                        _ = try await pool.query("SELECT 1")
                    } catch where error.kind == .refused {
                        outcome.error = error
                    } catch {}
                }
                done.signal()
            }
        }
        done.wait()
        return outcome.error
    }

    /// Graceful stop: drain HTTP, close the pools and listeners, stop the loops.
    @discardableResult
    public func stop(timeout: Duration) -> Bool {
        lifecycle.beginStopping()
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

/// Whether orgd is stopping: set once on SIGTERM (before the shutdown delay and the drain), read by
/// `/readyz` on any loop.
public final class Lifecycle: Sendable {
    private let stopping = Atomic<Bool>(false)

    public init() {}

    public var isStopping: Bool { stopping.load(ordering: .relaxed) }

    public func beginStopping() { stopping.store(true, ordering: .relaxed) }
}
