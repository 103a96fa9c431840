// A Postgres restart under load, against a private cluster the test creates and destroys:
// requests fail fast with `unavailable` while it is down, and the pool serves again by itself
// soon after it is back. Runs only when ORGD_TEST_PG_CTL names a pg_ctl binary (initdb is
// taken from the same directory); as root, the cluster runs as the `postgres` user.

import Foundation
import Glibc
import EventLoop
import Postgres
import Testing

private let pgCtl = ProcessInfo.processInfo.environment["ORGD_TEST_PG_CTL"]

/// A throwaway cluster listening only on a Unix socket in its own directory.
private struct PrivateCluster {
    let pgCtl: String
    let directory: String
    var data: String { directory + "/data" }
    var url: String { "postgresql://postgres@/postgres?host=\(directory)" }

    init(pgCtl: String) throws {
        self.pgCtl = pgCtl
        directory = "/tmp/" + TestDatabase.unique("orgd-restart")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 { try run("/bin/chown", ["postgres", directory], asPostgres: false) }
        let initdb = (pgCtl as NSString).deletingLastPathComponent + "/initdb"
        try run(initdb, ["-D", data, "-A", "trust", "-U", "postgres"])
    }

    func start() throws {
        try run(pgCtl, ["-D", data, "-l", directory + "/log", "-w", "-o", "-k \(directory) -c listen_addresses=''", "start"])
    }

    func stop() throws { try run(pgCtl, ["-D", data, "-m", "fast", "-w", "stop"]) }

    func destroy() {
        try? stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a command to completion, as the postgres user when we are root. posix_spawn and
    /// waitpid, not Foundation's Process, whose wait never ends when the child leaves a daemon
    /// (the postmaster) holding the descriptors it watches.
    func run(_ executable: String, _ arguments: [String], asPostgres: Bool = true) throws {
        let command = asPostgres && getuid() == 0
            ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments
            : [executable] + arguments
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        guard posix_spawn(&pid, command[0], &actions, nil, argv, environ) == 0 else {
            throw ClusterError(message: "cannot start \(command[0])")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw ClusterError(message: "\(command.joined(separator: " ")) failed (status \(status))") }
    }
}

private struct ClusterError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

@Suite("Postgres restart")
struct PGRestartTests {
    @Test("the pool answers unavailable quickly while Postgres is down and serves again by itself once it is back",
          .enabled(if: pgCtl != nil, "set ORGD_TEST_PG_CTL to a pg_ctl binary to run the restart test on a private cluster"))
    func restart() async throws {
        let cluster = try PrivateCluster(pgCtl: pgCtl!)
        defer { cluster.destroy() }
        try cluster.start()
        let url = cluster.url
        try await onLoop { loop in
            let pool = PGPool(url: url, loop: loop, size: 2, statementTimeoutMillis: 2000)
            defer { pool.close() }
            let outcomes = LoopBox<[(at: Int64, ok: Bool, took: Int64, kind: PGError.Kind?)]>([])
            let running = LoopBox(true)
            // Four clients querying continuously, as requests would.
            let load = Task(executorPreference: loop) {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            while running.value {
                                let start = MonotonicClock.nowMillis()
                                do {
                                    _ = try await pool.query("SELECT 1")
                                    outcomes.value.append((start, true, elapsed(since: start), nil))
                                } catch let error as PGError {
                                    outcomes.value.append((start, false, elapsed(since: start), error.kind))
                                } catch {}
                                try? await Task.sleep(for: .milliseconds(5))
                            }
                        }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            let stopping = MonotonicClock.nowMillis()
            try await onThread { try cluster.stop() }
            let stopped = MonotonicClock.nowMillis()
            try await Task.sleep(for: .milliseconds(1500))
            let starting = MonotonicClock.nowMillis()
            try await onThread { try cluster.start() }
            let restarted = MonotonicClock.nowMillis()       // pg_ctl -w returned: accepting connections
            while outcomes.value.last(where: \.ok).map({ $0.at < restarted }) ?? true, elapsed(since: restarted) < 10_000 {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(200))
            running.value = false
            await load.value

            let before = outcomes.value.filter { $0.at + $0.took < stopping }    // finished before the stop began
            let outage = outcomes.value.filter { $0.at > stopped && $0.at < starting }
            let firstBack = outcomes.value.first { $0.ok && $0.at >= starting }
            #expect(!before.isEmpty && before.allSatisfy(\.ok))
            #expect(!outage.isEmpty && outage.allSatisfy { !$0.ok && $0.kind == .unavailable })
            let slowest = outage.map(\.took).max() ?? 0
            #expect(slowest < 200, "a request during the outage took \(slowest) ms")
            let recovery = max(0, (firstBack?.at ?? Int64.max) - restarted)
            #expect(recovery < 3000, "served again \(recovery) ms after Postgres accepted connections")
            print("restart: \(outage.count) requests failed during the outage (slowest \(slowest) ms); "
                  + "served again \(recovery) ms after Postgres was back")
        }
    }
}
