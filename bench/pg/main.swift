// The Postgres driver's benchmark: round trips through the loop, reading a realistic result
// (1,000 rows of 15 columns) by name and by position in text and binary, and building a
// uuid-array parameter. bench/pg.sh builds this folder in release mode in a throwaway package
// beside symlinks to Sources/Postgres and what it needs; it is not part of orgd's package.
// Prints one tab-separated line per figure: name, value, unit.
//
// Usage: pg-bench DATABASE_URL [roundtrip|rows|array]   (a role that may create temporary
// tables; the second argument runs one group of cases only)
// Built with -DBASELINE (bench/pg.sh --baseline REV) only the cases that older sources can
// compile run, so a figure can be compared before and after a change.

import EventLoop
import Glibc
import Postgres

/// Writes `message` and a newline to standard error and exits with `status`.
func fail(_ message: String, status: Int32) -> Never {
    let line = message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(status)
}

guard (2...3).contains(CommandLine.arguments.count) else {
    fail("usage: pg-bench DATABASE_URL [roundtrip|rows|array]", status: 2)
}
let url = CommandLine.arguments[1]
let only = CommandLine.arguments.count == 3 ? CommandLine.arguments[2] : nil
let group = EventLoopGroup(count: 1, name: "pg-bench")
let loop = group.loops[0]
do {
    try await Task(executorPreference: loop) {
        if only == nil || only == "roundtrip" { try await RoundTrip.run(url: url, loop: loop) }
        if only == nil || only == "rows" { try await Rows.run(url: url, loop: loop) }
        if only == nil || only == "array" { ArrayLiteral.run() }
    }.value
} catch {
    fail("pg-bench: \(error)", status: 1)
}
group.shutdown()
print("sink\t\(Bench.sink)\t\t(ignore)")
