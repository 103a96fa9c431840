// Reads on streaming replicas (docs/architecture.md, "Reads on replicas"). The rule:
//
//   a GET or HEAD on a declared read endpoint (its Action `isRead`) may run on a replica;
//   everything else runs on the primary. A caller whose write committed less than
//   `maxLag` + 1 s ago reads from a replica only once the replica has replayed that write
//   (its WAL position, recorded per credential right after the commit); otherwise from the
//   primary. A replica that is down, refusing or more than `maxLag` behind is skipped, and a
//   read that fails on a replica with a connection error is run again on the primary.
//
// This file holds the process-wide half: what the probe last learnt of each replica, the
// routing decision and its counters; the callers' write positions are in WriteMarks. Every loop asks it under one
// lock (a few hundred nanoseconds per read); each loop's own replica pools are in LoopResources.
// The probe (`ReplicaProbe`) runs on one loop with connections of its own, so its cost does not
// grow with the number of loops and a busy request pool never delays it.

import EventLoop
import Postgres
import Synchronization

/// What `--replica-database-url` and `--replica-max-lag` configured.
package struct ReplicaSettings: Sendable {
    package var urls: [String]
    package var maxLagMillis: Int64
    package var probeIntervalMillis: Int64

    package init(urls: [String], maxLagMillis: Int64 = 5_000, probeIntervalMillis: Int64 = 200) {
        self.urls = urls
        self.maxLagMillis = maxLagMillis
        self.probeIntervalMillis = probeIntervalMillis
    }

    /// How long a caller's write position is kept: once it is older than this, every replica
    /// the rule does not skip (at most `maxLag` behind) has replayed it, so forgetting is safe.
    var writeMarkMillis: Int64 { maxLagMillis + 1_000 }
}

/// Where a read was served, for /metrics.
package enum ReadTarget: Sendable {
    case replica(Int)
    case primary(PrimaryReason)

    package enum PrimaryReason: Int, CaseIterable, Sendable {
        case noReplica            // every replica down, refusing or lagging
        case ownWrite             // the caller's recent write is not on any usable replica yet
        case fallback             // it failed on a replica and was run again on the primary

        var label: String {
            switch self {
            case .noReplica: "no-replica"
            case .ownWrite: "own-write"
            case .fallback: "fallback"
            }
        }
    }
}

package final class ReadReplicas: Sendable {
    package let settings: ReplicaSettings
    package let writes: WriteMarks
    private let state: Mutex<State>
    private let replicaReads: [Counter]
    private let primaryReads: [Counter]                 // by PrimaryReason.rawValue
    private let fallbacks: [Counter]                    // per replica

    private struct State {
        var primary: PrimaryWALHistory
        var replicas: [Replica]
        var next = 0                                    // round robin among usable replicas
    }

    /// What the probe last learnt of one replica.
    private struct Replica {
        var up = false                                  // its last probe (or a read) succeeded
        var lastProbe: Int64 = 0                        // monotonic ms of its last successful probe
        var caughtUp: Int64?                            // the primary sample time it has replayed past
        var replay = PGLSN(0)
    }

    package init(_ settings: ReplicaSettings) {
        self.settings = settings
        writes = WriteMarks(keepMillis: settings.writeMarkMillis)
        let keep = max(2 * settings.maxLagMillis, 30_000)
        state = Mutex(State(primary: PrimaryWALHistory(keepMillis: keep),
                            replicas: Array(repeating: Replica(), count: settings.urls.count)))
        replicaReads = settings.urls.map { _ in Counter() }
        primaryReads = ReadTarget.PrimaryReason.allCases.map { _ in Counter() }
        fallbacks = settings.urls.map { _ in Counter() }
    }

    package var count: Int { settings.urls.count }

    // MARK: Routing

    /// The replica to read from, or why the primary: usable replicas (up, probed recently, at
    /// most `maxLag` behind) that have replayed `written` (the caller's last write, if any).
    package func route(after written: PGLSN?, now: Int64 = MonotonicClock.nowMillis()) -> ReadTarget {
        let maxLag = settings.maxLagMillis
        return state.withLock { state in
            var usable = false
            for step in 0..<state.replicas.count {
                let index = (state.next + step) % state.replicas.count
                let replica = state.replicas[index]
                guard replica.up, now - replica.lastProbe <= maxLag,
                      let caughtUp = replica.caughtUp, now - caughtUp <= maxLag else { continue }
                usable = true
                if let written, replica.replay < written { continue }
                state.next = (index + 1) % state.replicas.count
                return .replica(index)
            }
            return .primary(usable ? .ownWrite : .noReplica)
        }
    }

    package func served(_ target: ReadTarget) {
        switch target {
        case .replica(let index): replicaReads[index].add()
        case .primary(let reason): primaryReads[reason.rawValue].add()
        }
    }

    /// A read failed on replica `index` and runs again on the primary; when the replica itself
    /// is gone, it is skipped until its probe succeeds again.
    package func failed(_ index: Int, replicaGone: Bool) {
        fallbacks[index].add()
        if replicaGone { state.withLock { $0.replicas[index].up = false } }
    }

    /// What a read that threw `error` on a replica says. `.replicaGone`: the replica was
    /// unreachable, lost, refused by the serving-role check or went silent. `.standbyCannot`: the
    /// statement is one a hot standby cannot run (25006) or it kept conflicting with recovery
    /// (40001 after the retries); the replica is fine. Both run again on the primary.
    package enum Failure { case replicaGone, standbyCannot }

    package static func failure(_ error: any Error) -> Failure? {
        guard let error = error as? PGError else { return nil }
        switch error.kind {
        case .unavailable, .refused, .poolClosed, .protocolError: return .replicaGone
        case .timeout: return error.sqlState == nil ? .replicaGone : nil     // our deadline: the server went silent
        case .query: return error.sqlState == "25006" || error.isSerializationFailure ? .standbyCannot : nil
        }
    }

    // MARK: What the probe learnt

    func primarySampled(at: Int64, _ lsn: PGLSN) {
        state.withLock { state in
            state.primary.record(at: at, lsn: lsn)
            for index in state.replicas.indices where state.replicas[index].up {
                state.replicas[index].caughtUp = state.primary.caughtUp(to: state.replicas[index].replay)
            }
        }
    }

    func replicaProbed(_ index: Int, replay: PGLSN?, at: Int64) {
        state.withLock { state in
            guard let replay else {
                state.replicas[index].up = false
                return
            }
            state.replicas[index] = Replica(up: true, lastProbe: at, caughtUp: state.primary.caughtUp(to: replay),
                                            replay: replay)
        }
    }

    // MARK: Metrics

    /// Seconds each replica is behind the primary's newest sample (0 when it has replayed it),
    /// and whether it is usable; a replica never seen, or behind every kept sample, reports the
    /// history's length as its lag.
    package func replicaStates(now: Int64 = MonotonicClock.nowMillis()) -> [(lag: Double, usable: Bool)] {
        let maxLag = settings.maxLagMillis
        return state.withLock { state in
            let newest = state.primary.newest ?? now
            return state.replicas.map { replica in
                let lagMillis = replica.caughtUp.map { max(0, newest - $0) } ?? state.primary.keepMillis
                let usable = replica.up && now - replica.lastProbe <= maxLag
                    && replica.caughtUp.map { now - $0 <= maxLag } == true
                return (Double(lagMillis) / 1000, usable)
            }
        }
    }

    /// Reads served, by target (`primary` with its reason, or `replicaN`, numbered from 1 in
    /// the order the URLs were given).
    package var readCounts: [(labels: String, value: Double)] {
        var counts = ReadTarget.PrimaryReason.allCases.map {
            ("target=\"primary\",reason=\"\($0.label)\"", Double(primaryReads[$0.rawValue].value))
        }
        for (index, counter) in replicaReads.enumerated() {
            counts.append(("target=\"replica\(index + 1)\",reason=\"replica\"", Double(counter.value)))
        }
        return counts
    }

    /// Reads that failed on each replica and were run again on the primary.
    package var fallbackCounts: [(labels: String, value: Double)] {
        fallbacks.enumerated().map { ("replica=\"replica\($0.offset + 1)\"", Double($0.element.value)) }
    }
}

/// A counter any loop may add to.
private final class Counter: Sendable {
    private let atomic = Atomic<Int>(0)
    func add() { atomic.add(1, ordering: .relaxed) }
    var value: Int { atomic.load(ordering: .relaxed) }
}
