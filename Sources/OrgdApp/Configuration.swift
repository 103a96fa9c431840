// Everything orgd can be told, from flags or the environment (a flag wins), with defaults.
// README.md's configuration table lists the same names; keep the two in step.

import App
import Foundation
import HTTP

public struct Configuration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var loops = ProcessInfo.processInfo.activeProcessorCount
    public var databaseURL = ""                  // the serving role (orgd_app)
    public var adminDatabaseURL = ""             // the owner role, for migrations and seeding
    public var poolSize = 2                      // libpq connections per loop
    public var statementTimeoutMillis = 5_000
    public var answerCacheBytes = 64 << 20       // the answer cache's bound, all loops together; 0: off
    package var answerCacheGeneration = AnswerGenerationMode.query   // how a cached read learns the generation
    public var maxBodyBytes = 1 << 20
    public var maxConnections = 10_000
    public var headTimeoutMillis: Int64 = 10_000
    public var bodyTimeoutMillis: Int64 = 30_000
    public var idleTimeoutMillis: Int64 = 60_000
    public var bodyDeadlineMillis: Int64 = 60_000      // a whole body, from the end of its head
    public var bodyMinRate = 1_024                     // bytes/s a body must average after the grace; 0: none
    public var bodyRateGraceMillis: Int64 = 5_000
    public var shutdownTimeoutSeconds = 10
    public var shutdownDelaySeconds = 0           // on SIGTERM: serve on, /readyz 503, before draining
    public var scenarioIntervalSeconds = 60       // how often each instance applies the scenarios due (ScenarioScheduler)
    public var migrateOnStart = false
    public var accessLog = true
    public var sqlDirectory = ""
    public var tokenTTLSeconds = 12 * 3600       // lifetime of a sign-in token
    public var signInAccountLimit = 5            // failed sign-ins per account per minute before 429
    public var signInClientLimit = 30            // failed sign-ins per client address per minute before 429
    public var trustedProxies = TrustedProxies() // peers whose X-Forwarded-For names the client
    public var docsDirectory = ""
    public var webDirectory = ""                 // the browser console's static files
    // Read replicas (docs/architecture.md, "Reads on replicas").
    public var replicaDatabaseURLs: [String] = []      // serving role on each streaming replica
    public var replicaMaxLagMillis: Int64 = 5_000      // a replica further behind is skipped
    // Native TLS (docs/security.md, "TLS"): both PEM files, or neither for plain HTTP.
    public var tlsCertificatePath = ""
    public var tlsKeyPath = ""

    public init() {}

    /// One option: its flag, its environment variable, its default (for help) and what it sets.
    struct Option: Sendable {
        let flag: String
        let env: String
        let help: String
        let apply: @Sendable (inout Configuration, String) throws -> Void
    }

    static let options: [Option] = [
        Option(flag: "--host", env: "ORGD_HOST", help: "address to listen on, IPv4 or IPv6 (127.0.0.1)") { $0.host = $1 },
        Option(flag: "--port", env: "ORGD_PORT", help: "TCP port; 0 picks a free one (8080)") { $0.port = try int($1, "--port", 0...65535) },
        Option(flag: "--loops", env: "ORGD_LOOPS", help: "event-loop threads (one per core)") { $0.loops = try int($1, "--loops", 1...256) },
        Option(flag: "--database-url", env: "ORGD_DATABASE_URL", help: "libpq URL of the serving role (DATABASE_URL)") { $0.databaseURL = $1 },
        Option(flag: "--admin-database-url", env: "ORGD_ADMIN_DATABASE_URL", help: "libpq URL of the owner role, for migrate and seed (the database URL)") { $0.adminDatabaseURL = $1 },
        Option(flag: "--db-pool", env: "ORGD_DB_POOL", help: "Postgres connections per loop (2)") { $0.poolSize = try int($1, "--db-pool", 1...64) },
        Option(flag: "--answer-cache-bytes", env: "ORGD_ANSWER_CACHE_BYTES", help: "bytes of org-chart answers cached, all loops together; 0 turns the cache off (67108864)") { $0.answerCacheBytes = try int($1, "--answer-cache-bytes", 0...(1 << 40)) },
        Option(flag: "--answer-cache-generation", env: "ORGD_ANSWER_CACHE_GENERATION", help: "how a cached read learns its tenant's generation: query (every read asks Postgres: sees every write committed before it, on any instance) or notify (kept in memory by LISTEN/NOTIFY: read-your-writes on the writing instance, others within the notification delay) (query)") {
            guard let mode = AnswerGenerationMode(rawValue: $1) else {
                throw ConfigurationError(message: "--answer-cache-generation must be query or notify, not \($1)")
            }
            $0.answerCacheGeneration = mode
        },
        Option(flag: "--statement-timeout-ms", env: "ORGD_STATEMENT_TIMEOUT_MS", help: "per-statement time limit (5000)") { $0.statementTimeoutMillis = try int($1, "--statement-timeout-ms", 1...3_600_000) },
        Option(flag: "--max-body-bytes", env: "ORGD_MAX_BODY_BYTES", help: "largest request body (1048576)") { $0.maxBodyBytes = try int($1, "--max-body-bytes", 0...(1 << 30)) },
        Option(flag: "--max-connections", env: "ORGD_MAX_CONNECTIONS", help: "open client connections before 503 (10000)") { $0.maxConnections = try int($1, "--max-connections", 1...1_000_000) },
        Option(flag: "--head-timeout-ms", env: "ORGD_HEAD_TIMEOUT_MS", help: "time to receive a request head (10000)") { $0.headTimeoutMillis = Int64(try int($1, "--head-timeout-ms", 1...3_600_000)) },
        Option(flag: "--body-timeout-ms", env: "ORGD_BODY_TIMEOUT_MS", help: "longest silence inside a body (30000)") { $0.bodyTimeoutMillis = Int64(try int($1, "--body-timeout-ms", 1...3_600_000)) },
        Option(flag: "--body-deadline-ms", env: "ORGD_BODY_DEADLINE_MS", help: "time for a whole request body after its head (60000)") { $0.bodyDeadlineMillis = Int64(try int($1, "--body-deadline-ms", 1...3_600_000)) },
        Option(flag: "--body-min-rate", env: "ORGD_BODY_MIN_RATE", help: "bytes/s a body must average after the grace; 0: none (1024)") { $0.bodyMinRate = try int($1, "--body-min-rate", 0...(1 << 30)) },
        Option(flag: "--body-rate-grace-ms", env: "ORGD_BODY_RATE_GRACE_MS", help: "time before the body rate is enforced (5000)") { $0.bodyRateGraceMillis = Int64(try int($1, "--body-rate-grace-ms", 0...3_600_000)) },
        Option(flag: "--idle-timeout-ms", env: "ORGD_IDLE_TIMEOUT_MS", help: "idle keep-alive connection lifetime (60000)") { $0.idleTimeoutMillis = Int64(try int($1, "--idle-timeout-ms", 1...3_600_000)) },
        Option(flag: "--shutdown-timeout", env: "ORGD_SHUTDOWN_TIMEOUT", help: "seconds to finish in-flight requests on SIGTERM (10)") { $0.shutdownTimeoutSeconds = try int($1, "--shutdown-timeout", 0...3600) },
        Option(flag: "--scenario-interval", env: "ORGD_SCENARIO_INTERVAL", help: "seconds between the passes that apply the reorganisation scenarios due, on each instance (60)") { $0.scenarioIntervalSeconds = try int($1, "--scenario-interval", 1...3600) },
        Option(flag: "--shutdown-delay", env: "ORGD_SHUTDOWN_DELAY", help: "seconds to keep serving on SIGTERM with /readyz answering 503, so a load balancer takes orgd out first (0)") { $0.shutdownDelaySeconds = try int($1, "--shutdown-delay", 0...600) },
        Option(flag: "--migrate", env: "ORGD_MIGRATE", help: "apply pending migrations before serving (false)") { $0.migrateOnStart = try bool($1, "--migrate") },
        Option(flag: "--access-log", env: "ORGD_ACCESS_LOG", help: "one JSON line per request on stdout (true)") { $0.accessLog = try bool($1, "--access-log") },
        Option(flag: "--token-ttl", env: "ORGD_TOKEN_TTL", help: "seconds a sign-in token lives (43200)") { $0.tokenTTLSeconds = try int($1, "--token-ttl", 60...(90 * 86400)) },
        Option(flag: "--signin-account-limit", env: "ORGD_SIGNIN_ACCOUNT_LIMIT", help: "failed sign-ins per account per minute before 429 (5)") { $0.signInAccountLimit = try int($1, "--signin-account-limit", 1...10_000) },
        Option(flag: "--signin-client-limit", env: "ORGD_SIGNIN_CLIENT_LIMIT", help: "failed sign-ins per client address per minute before 429 (30)") { $0.signInClientLimit = try int($1, "--signin-client-limit", 1...1_000_000) },
        Option(flag: "--trusted-proxies", env: "ORGD_TRUSTED_PROXIES", help: "load balancers whose X-Forwarded-For names the client: addresses or CIDR networks, comma-separated (none)") {
            do { $0.trustedProxies = try TrustedProxies(parsing: $1) } catch { throw ConfigurationError(message: "--trusted-proxies: \(error)") }
        },
        // Read replicas: the flag may be repeated; the variable lists URLs split by commas or spaces.
        Option(flag: "--replica-database-url", env: "ORGD_REPLICA_DATABASE_URLS", help: "postgresql:// URL of a streaming replica, as the serving role; repeatable (none)") {
            $0.replicaDatabaseURLs += try replicaURLs($1)
        },
        Option(flag: "--replica-max-lag", env: "ORGD_REPLICA_MAX_LAG", help: "seconds a replica may be behind the primary before reads skip it (5)") {
            $0.replicaMaxLagMillis = try millis($1, "--replica-max-lag", 0.1...3600)
        },
        Option(flag: "--sql-dir", env: "ORGD_SQL_DIR", help: "migrations folder (./sql, else beside the binary's checkout)") { $0.sqlDirectory = $1 },
        Option(flag: "--docs-dir", env: "ORGD_DOCS_DIR", help: "folder holding openapi.yaml (./docs, likewise)") { $0.docsDirectory = $1 },
        Option(flag: "--web-dir", env: "ORGD_WEB_DIR", help: "the browser console's files, served at / (./web, likewise)") { $0.webDirectory = $1 },
        Option(flag: "--tls-cert", env: "ORGD_TLS_CERT", help: "PEM certificate chain: the port serves HTTPS only (none: plain HTTP)") { $0.tlsCertificatePath = $1 },
        Option(flag: "--tls-key", env: "ORGD_TLS_KEY", help: "PEM private key of --tls-cert; SIGHUP re-reads both (none)") { $0.tlsKeyPath = $1 },
    ]

    /// Reads the environment, then the flags. Boolean flags may stand alone (`--migrate`).
    public static func load(arguments: [String], environment: [String: String]) throws -> Configuration {
        var config = Configuration()
        if let url = environment["DATABASE_URL"], !url.isEmpty { config.databaseURL = url }
        for option in options {
            if let value = environment[option.env], !value.isEmpty { try option.apply(&config, value) }
        }
        // A flag wins over the variable, also for the repeatable replica URLs.
        if arguments.contains(where: { $0 == "--replica-database-url" || $0.hasPrefix("--replica-database-url=") }) {
            config.replicaDatabaseURLs = []
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            var name = argument
            var value: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            guard let option = options.first(where: { $0.flag == name }) else {
                throw ConfigurationError(message: "unknown option \(name); see orgd --help")
            }
            if value == nil {
                let isBool = name == "--migrate" || name == "--access-log"
                if isBool && (index + 1 == arguments.count || arguments[index + 1].hasPrefix("--")) {
                    value = "true"
                } else if index + 1 < arguments.count {
                    index += 1
                    value = arguments[index]
                } else {
                    throw ConfigurationError(message: "\(name) needs a value")
                }
            }
            try option.apply(&config, value!)
            index += 1
        }
        if config.tlsCertificatePath.isEmpty != config.tlsKeyPath.isEmpty {
            throw ConfigurationError(message: "--tls-cert and --tls-key go together: give both for HTTPS, or neither for plain HTTP")
        }
        if config.adminDatabaseURL.isEmpty { config.adminDatabaseURL = config.databaseURL }
        if config.sqlDirectory.isEmpty { config.sqlDirectory = locate("sql", marker: "0001") }
        if config.docsDirectory.isEmpty { config.docsDirectory = locate("docs", marker: "openapi.yaml") }
        if config.webDirectory.isEmpty { config.webDirectory = locate("web", marker: "index.html") }
        return config
    }

    /// `./name` if it exists, else the first `name` folder above the executable (a checkout's
    /// .build/<config>/orgd finds the checkout's folder), else `./name`.
    static func locate(_ name: String, marker: String) -> String {
        let files = FileManager.default
        if files.fileExists(atPath: name) { return files.currentDirectoryPath + "/" + name }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent(name).path
            if files.fileExists(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return name
    }

    var httpConfiguration: HTTPServerConfiguration {
        var http = HTTPServerConfiguration()
        http.host = host
        http.port = port
        http.limits = HTTPLimits(maxHeaderBytes: 16 * 1024, maxBodyBytes: maxBodyBytes)
        http.timeouts = HTTPTimeouts(headMillis: headTimeoutMillis, bodyMillis: bodyTimeoutMillis, idleMillis: idleTimeoutMillis,
                                     bodyTotalMillis: bodyDeadlineMillis, bodyMinBytesPerSecond: bodyMinRate,
                                     bodyRateGraceMillis: bodyRateGraceMillis)
        http.maxConnections = maxConnections
        http.accessLog = accessLog
        http.trustedProxies = trustedProxies
        return http
    }

    /// One line an option: flag, environment variable and help in columns as wide as the
    /// longest of each (a fixed width cut the longer names off and ran them together).
    static var helpText: String {
        let flagWidth = (options.map(\.flag.count).max() ?? 0) + 2
        let envWidth = (options.map(\.env.count).max() ?? 0) + 2
        var text = ""
        for option in options {
            text += "  \(option.flag.padding(toLength: flagWidth, withPad: " ", startingAt: 0))\(option.env.padding(toLength: envWidth, withPad: " ", startingAt: 0))\(option.help)\n"
        }
        return text
    }

    private static func int(_ text: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        return value
    }

    /// Replica URLs split by commas or white space; each must be a URL (a libpq key=value string
    /// holds spaces, so it cannot be told apart from a list).
    private static func replicaURLs(_ text: String) throws -> [String] {
        let urls = text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        for url in urls where !(url.hasPrefix("postgresql://") || url.hasPrefix("postgres://")) {
            throw ConfigurationError(message: "--replica-database-url must be a postgresql:// URL, not \"\(url.prefix(20))…\"")
        }
        return urls
    }

    private static func millis(_ text: String, _ name: String, _ range: ClosedRange<Double>) throws -> Int64 {
        guard let seconds = Double(text), range.contains(seconds) else {
            throw ConfigurationError(message: "\(name) must be a number of seconds from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        return Int64((seconds * 1000).rounded())
    }

    private static func bool(_ text: String, _ name: String) throws -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(message: "\(name) must be true or false, not \"\(text)\"")
        }
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
