// The periodic probe behind read routing: every `probeIntervalMillis` it samples the primary's
// WAL insert position and asks each replica how far it has replayed, and tells ReadReplicas.
// It runs on one loop with its own one-connection pools (serving role, serving-role check), so
// it costs the same however many loops serve, and is never queued behind requests. Each replica
// is asked by its own task: a replica that stops answering delays only its own probe, and is
// skipped by the routing rule once its last answer is `maxLag` old.

import EventLoop
import Postgres

package final class ReplicaProbe: @unchecked Sendable {
    // @unchecked Sendable: created before the loops serve; afterwards touched only on `loop`.
    private let loop: EventLoop
    private let replicas: ReadReplicas
    private let primary: PGPool
    private let probes: [PGPool]
    private var asking: [Bool]                         // a replica's probe is still waiting for its answer
    private var stopped = false

    package init(loop: EventLoop, replicas: ReadReplicas, primaryURL: String) {
        self.loop = loop
        self.replicas = replicas
        let timeout = Int(max(replicas.settings.maxLagMillis, 1_000))
        primary = PGPool(url: primaryURL, loop: loop, size: 1, statementTimeoutMillis: timeout,
                         check: ServingRoleCheck.verify, applicationName: "orgd-probe")
        probes = replicas.settings.urls.map {
            PGPool(url: $0, loop: loop, size: 1, statementTimeoutMillis: timeout, connectTimeout: .seconds(2),
                   check: ServingRoleCheck.verify, applicationName: "orgd-replica-probe")
        }
        asking = probes.map { _ in false }
    }

    /// Starts probing; call on any thread.
    package func start() {
        loop.execute { [self] in
            Task(executorPreference: loop) { [self] in
                while !stopped {
                    await probeOnce()
                    await loop.suspend(for: .milliseconds(replicas.settings.probeIntervalMillis))
                }
            }
        }
    }

    /// Stops probing and closes the probe's connections; call on `loop`.
    package func stop() {
        stopped = true
        primary.close()
        probes.forEach { $0.close() }
    }

    private func probeOnce() async {
        for index in probes.indices where !asking[index] {
            asking[index] = true
            Task(executorPreference: loop) { [self] in
                let replay = await replayPosition(probes[index])
                asking[index] = false
                if !stopped { replicas.replicaProbed(index, replay: replay, at: MonotonicClock.nowMillis()) }
            }
        }
        let sent = MonotonicClock.nowMillis()
        do {
            let row = try await primary.query("""
                SELECT pg_current_wal_insert_lsn()::text, current_setting('wal_block_size')::int,
                       pg_size_bytes(current_setting('wal_segment_size'))
                """)
            if let (text, pageSize, segmentSize) = try row.decodeFirst(String.self, Int.self, Int.self),
               let lsn = PGLSN(text), !stopped {
                replicas.primarySampled(at: sent, lsn.atRecordBoundary(pageSize: UInt64(pageSize),
                                                                       segmentSize: UInt64(segmentSize)))
            }
        } catch {
            // No sample: the replicas' lag grows until the primary answers again.
        }
    }

    /// How far `pool`'s server has replayed, or nil if it cannot be asked or is not a standby
    /// (a promoted replica no longer follows this primary).
    private func replayPosition(_ pool: PGPool) async -> PGLSN? {
        do {
            let row = try await pool.query("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")
            guard let (recovering, text) = try row.decodeFirst(Bool.self, String?.self), recovering else { return nil }
            return text.flatMap(PGLSN.init)
        } catch {
            return nil
        }
    }
}
