// How far behind the primary a streaming replica is, in time, for routing reads to replicas
// (App's ReadReplicas). Pure: the caller passes the monotonic time in milliseconds.
//
// A replica's lag is measured against the primary, not read from the replica's own clock: a
// probe samples the primary's WAL insert position every few hundred milliseconds, and a replica
// whose replay position is at or past the sample taken at time t holds everything the primary
// had written by t. The replica is then at most `now - t` stale. This needs no clock agreement
// between machines, and a replica that stopped receiving WAL (a broken replication link) is seen
// falling behind as soon as the primary writes, which `now() - pg_last_xact_replay_timestamp()`
// on the replica would not show.

/// The primary's recent WAL insert positions, oldest first, and what they say about a replica.
public struct PrimaryWALHistory: Sendable {
    public struct Sample: Sendable {
        public let at: Int64               // monotonic ms, read before the position was asked for
        public let lsn: PGLSN
    }

    public let keepMillis: Int64           // samples older than this are dropped
    public private(set) var samples: [Sample] = []

    public init(keepMillis: Int64) {
        self.keepMillis = keepMillis
    }

    /// Records the position the primary reported to a probe sent at `at`.
    public mutating func record(at: Int64, lsn: PGLSN) {
        if let last = samples.last, last.lsn > lsn { samples.removeAll() }      // a different primary
        samples.append(Sample(at: at, lsn: lsn))
        let oldest = at - keepMillis
        if let drop = samples.firstIndex(where: { $0.at >= oldest }), drop > 0 { samples.removeFirst(drop) }
    }

    /// The time of the latest sample at or below `replay`: a replica that replayed `replay` holds
    /// everything the primary had written by then. Nil when no kept sample is that old (the
    /// replica is more than `keepMillis` behind, or nothing was sampled yet).
    public func caughtUp(to replay: PGLSN) -> Int64? {
        var low = 0, high = samples.count                 // the first sample above `replay`
        while low < high {
            let middle = (low + high) / 2
            if samples[middle].lsn <= replay { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : samples[low - 1].at
    }

    /// The time of the newest sample, if any.
    public var newest: Int64? { samples.last?.at }
}
