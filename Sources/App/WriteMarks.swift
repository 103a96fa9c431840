// Each caller's last write position on the primary, for the read-your-writes half of the
// replica rule (ReadReplicas): a caller reads from a replica only once it has replayed this.

import EventLoop
import Postgres
import Synchronization

/// Each caller's last write position on the primary, by credential digest, for `keepMillis`.
/// Process-wide (one lock), because a caller's next request may come on a new connection, which
/// may land on another loop. Bounded: when full, expired marks are dropped, and if that is not
/// enough every mark is folded into one floor that all callers' reads must reach until it
/// expires, which is never less safe, only less often on a replica.
package final class WriteMarks: Sendable {
    package static let capacity = 100_000
    private let keepMillis: Int64
    private let state = Mutex(State())

    private struct Mark {
        var lsn: PGLSN
        var until: Int64
    }

    private struct State {
        var marks: [[UInt8]: Mark] = [:]
        var floor: Mark?
    }

    init(keepMillis: Int64) {
        self.keepMillis = keepMillis
    }

    package func record(_ digest: [UInt8], _ lsn: PGLSN, now: Int64 = MonotonicClock.nowMillis()) {
        let mark = Mark(lsn: lsn, until: now + keepMillis)
        state.withLock { state in
            if state.marks[digest] == nil && state.marks.count >= Self.capacity {
                state.marks = state.marks.filter { $0.value.until > now }
                if state.marks.count >= Self.capacity {
                    let highest = state.marks.values.map(\.lsn).max() ?? lsn
                    let floor = Mark(lsn: max(highest, state.floor?.lsn ?? highest), until: now + keepMillis)
                    state.floor = floor
                    state.marks.removeAll(keepingCapacity: true)
                }
            }
            state.marks[digest] = Mark(lsn: max(lsn, state.marks[digest]?.lsn ?? lsn), until: mark.until)
        }
    }

    /// The position a replica must have replayed before this caller may read from it; nil if none.
    package func position(_ digest: [UInt8], now: Int64 = MonotonicClock.nowMillis()) -> PGLSN? {
        state.withLock { state in
            var found: PGLSN?
            if let mark = state.marks[digest] {
                if mark.until > now { found = mark.lsn } else { state.marks[digest] = nil }
            }
            if let floor = state.floor {
                if floor.until > now { found = max(found ?? floor.lsn, floor.lsn) } else { state.floor = nil }
            }
            return found
        }
    }
}
