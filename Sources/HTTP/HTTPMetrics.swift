// Request counters and a latency histogram for /metrics, in Prometheus text format.
// Each loop records into its own shard (an uncontended lock, ~20 ns); a scrape locks each
// shard briefly to add them up, so recording never waits for a scrape for long.

import Synchronization

public final class HTTPMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    public static let bucketBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    struct Shard {
        var requests: [Key: Int] = [:]
        var buckets = [Int](repeating: 0, count: HTTPMetrics.bucketBounds.count + 1)
        var latencySum: Double = 0
        var latencyCount = 0
    }

    final class LockedShard: Sendable {
        let mutex = Mutex(Shard())
    }

    private let shards: [LockedShard]
    private let connections = Atomic<Int>(0)
    private let tlsHandshakes = Atomic<Int>(0)
    private let tlsHandshakeFailures = Atomic<Int>(0)
    /// Values read at scrape time, by name: their Prometheus type and how to read them.
    private let sampled = Mutex<[String: (type: String, read: @Sendable () -> [(labels: String, value: Double)])]>([:])

    public init(shards count: Int) {
        shards = (0..<max(1, count)).map { _ in LockedShard() }
    }

    public var openConnections: Int { connections.load(ordering: .relaxed) }

    func connectionOpened() { connections.add(1, ordering: .relaxed) }
    func connectionClosed() { connections.subtract(1, ordering: .relaxed) }
    func tlsHandshakeCompleted() { tlsHandshakes.add(1, ordering: .relaxed) }
    func tlsHandshakeFailed() { tlsHandshakeFailures.add(1, ordering: .relaxed) }

    /// Records one answered request. `shard` is the loop's index.
    public func record(shard: Int, route: String, method: String, status: Int, seconds: Double) {
        let bucket = HTTPMetrics.bucketBounds.firstIndex { seconds <= $0 } ?? HTTPMetrics.bucketBounds.count
        shards[shard % shards.count].mutex.withLock { s in
            s.requests[Key(route: route, method: method, status: status), default: 0] += 1
            s.buckets[bucket] += 1
            s.latencySum += seconds
            s.latencyCount += 1
        }
    }

    /// Adds a gauge read at scrape time, e.g. the database pool's state.
    public func addGauge(_ name: String, _ read: @escaping @Sendable () -> [(labels: String, value: Double)]) {
        sampled.withLock { $0[name] = ("gauge", read) }
    }

    /// Adds a counter read at scrape time (a `_total` that only grows while the process lives), so
    /// that Prometheus' rate() and increase() treat a restart as a reset.
    public func addCounter(_ name: String, _ read: @escaping @Sendable () -> [(labels: String, value: Double)]) {
        sampled.withLock { $0[name] = ("counter", read) }
    }

    /// The Prometheus text exposition of everything recorded.
    public func render() -> String {
        var total = Shard()
        for shard in shards {
            shard.mutex.withLock { s in
                for (key, count) in s.requests { total.requests[key, default: 0] += count }
                for index in s.buckets.indices { total.buckets[index] += s.buckets[index] }
                total.latencySum += s.latencySum
                total.latencyCount += s.latencyCount
            }
        }
        var out = "# HELP orgd_http_requests_total Requests answered, by route, method and status.\n"
        out += "# TYPE orgd_http_requests_total counter\n"
        for (key, count) in total.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "orgd_http_requests_total{route=\"\(escapeLabel(key.route))\",method=\"\(key.method)\",status=\"\(key.status)\"} \(count)\n"
        }
        out += "# HELP orgd_http_request_duration_seconds Time from a parsed request to its response being queued.\n"
        out += "# TYPE orgd_http_request_duration_seconds histogram\n"
        var cumulative = 0
        for (index, bound) in HTTPMetrics.bucketBounds.enumerated() {
            cumulative += total.buckets[index]
            out += "orgd_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        cumulative += total.buckets[HTTPMetrics.bucketBounds.count]
        out += "orgd_http_request_duration_seconds_bucket{le=\"+Inf\"} \(cumulative)\n"
        out += "orgd_http_request_duration_seconds_sum \(total.latencySum)\n"
        out += "orgd_http_request_duration_seconds_count \(total.latencyCount)\n"
        out += "# HELP orgd_http_open_connections Client connections open now.\n"
        out += "# TYPE orgd_http_open_connections gauge\n"
        out += "orgd_http_open_connections \(openConnections)\n"
        out += "# HELP orgd_tls_handshakes_total TLS handshakes completed (0 without --tls-cert).\n"
        out += "# TYPE orgd_tls_handshakes_total counter\n"
        out += "orgd_tls_handshakes_total \(tlsHandshakes.load(ordering: .relaxed))\n"
        out += "# HELP orgd_tls_handshake_failures_total TLS connections closed before their handshake completed: refused versions or ciphers, plain HTTP, stalls, resets.\n"
        out += "# TYPE orgd_tls_handshake_failures_total counter\n"
        out += "orgd_tls_handshake_failures_total \(tlsHandshakeFailures.load(ordering: .relaxed))\n"
        let readers = sampled.withLock { $0 }
        for (name, reader) in readers.sorted(by: { $0.key < $1.key }) {
            out += "# TYPE \(name) \(reader.type)\n"
            for sample in reader.read() {
                out += sample.labels.isEmpty ? "\(name) \(sample.value)\n" : "\(name){\(sample.labels)} \(sample.value)\n"
            }
        }
        return out
    }

    private func escapeLabel(_ value: String) -> String {
        var out = ""
        for char in value {
            switch char {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(char)
            }
        }
        return out
    }
}
