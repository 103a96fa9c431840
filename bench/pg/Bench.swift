// Timing helpers. Every case is timed twice over: wall-clock time, and CPU time of the loop's
// thread, which is the client's own work (libpq reading the socket, copying, decoding) and,
// unlike wall time, hardly moves when other processes share the two cores. Figures are
// medians of several runs, printed as tab-separated lines: name, wall µs, CPU µs, unit.

import Glibc

enum Bench {
    /// Folded into by every case and printed at the end, so no work is optimised away.
    nonisolated(unsafe) static var sink = 0

    struct Times {
        var wall: Duration
        var cpu: Duration
    }

    /// The medians of `runs` timed calls of `body`, after one call to warm up. Call it on the
    /// thread that does the work (the loop's).
    static func median(runs: Int = 7, _ body: () async throws -> Void) async rethrows -> Times {
        try await body()
        var walls: [Duration] = []
        var cpus: [Duration] = []
        for _ in 0..<runs {
            let (start, cpuStart) = (ContinuousClock.now, threadCPU())
            try await body()
            cpus.append(threadCPU() - cpuStart)
            walls.append(ContinuousClock.now - start)
        }
        return Times(wall: walls.sorted()[runs / 2], cpu: cpus.sorted()[runs / 2])
    }

    /// `median` for work that neither suspends nor throws.
    static func median(runs: Int = 7, _ body: () throws -> Void) rethrows -> Times {
        try body()
        var walls: [Duration] = []
        var cpus: [Duration] = []
        for _ in 0..<runs {
            let (start, cpuStart) = (ContinuousClock.now, threadCPU())
            try body()
            cpus.append(threadCPU() - cpuStart)
            walls.append(ContinuousClock.now - start)
        }
        return Times(wall: walls.sorted()[runs / 2], cpu: cpus.sorted()[runs / 2])
    }

    /// CPU time this thread has used (CLOCK_THREAD_CPUTIME_ID).
    static func threadCPU() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    /// Prints both times divided by `count`, in microseconds with two decimals.
    static func report(_ name: String, _ times: Times, per count: Int) {
        print("\(name)\t\(microseconds(times.wall, per: count))\t\(microseconds(times.cpu, per: count))\tµs")
    }

    static func microseconds(_ duration: Duration, per count: Int) -> String {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        let hundredths = Int((nanoseconds / Double(count) / 10).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
