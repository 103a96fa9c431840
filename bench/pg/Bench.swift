// Timing helpers: figures are medians of several runs (the machine is shared, and the median
// ignores the runs another process interrupted), printed as tab-separated lines.

enum Bench {
    /// Folded into by every case and printed at the end, so no work is optimised away.
    nonisolated(unsafe) static var sink = 0

    /// The median duration of `runs` calls of `body`, after one call to warm up.
    static func median(runs: Int = 7, _ body: () async throws -> Void) async rethrows -> Duration {
        try await body()
        var times: [Duration] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            try await body()
            times.append(ContinuousClock.now - start)
        }
        return times.sorted()[runs / 2]
    }

    /// `median` for work that neither suspends nor throws.
    static func median(runs: Int = 7, _ body: () throws -> Void) rethrows -> Duration {
        try body()
        var times: [Duration] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            try body()
            times.append(ContinuousClock.now - start)
        }
        return times.sorted()[runs / 2]
    }

    /// Prints `duration / count` in microseconds with two decimals.
    static func report(_ name: String, _ duration: Duration, per count: Int, unit: String = "µs") {
        print("\(name)\t\(microseconds(duration, per: count))\t\(unit)")
    }

    static func microseconds(_ duration: Duration, per count: Int) -> String {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        let hundredths = Int((nanoseconds / Double(count) / 10).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
