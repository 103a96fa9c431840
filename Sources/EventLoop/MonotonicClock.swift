// The loops' one monotonic clock (CLOCK_MONOTONIC): deadlines, timers, the pool's back-off
// and latency figures all read it, so that no two parts of orgd disagree on "now". Named so it
// does not shadow Swift's `Clock` protocol. Wall time (the Date header, audit times) is UTCTime.

import Glibc

public enum MonotonicClock {
    /// Monotonic milliseconds: deadlines and timers.
    public static func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Monotonic nanoseconds, for latency measurement.
    public static func nowPrecise() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
