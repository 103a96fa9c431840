// Runs the project's scripts and the built orgd binary as child processes, for the tests that
// need a second process: signals, a second Postgres cluster, two orgd instances. Uses
// posix_spawn and waitpid directly: Foundation's Process sometimes never reaps a child under
// Swift Testing's parallel runner, which hung these tests.

import Foundation
import Glibc

struct ChildProcess {
    let pid: pid_t
    let outputPath: String                 // the child's stdout and stderr go to this file

    /// Starts `executable` with `arguments`; `environment` is added to the test's own.
    static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        let outputPath = NSTemporaryDirectory() + "orgd-test-child-\(UUID().uuidString.prefix(8)).log"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw TestFailure("posix_spawn \(executable) failed: \(result)") }
        return ChildProcess(pid: pid, outputPath: outputPath)
    }

    /// Waits for the child to exit; returns its exit status (128 + signal if killed).
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(pid, number) }
}

enum Subprocess {
    /// Runs a command to completion; returns its exit status and its output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let child = try ChildProcess.start(executable, arguments, environment: environment)
        let status = child.wait()
        defer { try? FileManager.default.removeItem(atPath: child.outputPath) }
        return (status, child.output)
    }

    /// The orgd binary built next to the test bundle (.build/<config>/orgd).
    static var orgdBinary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("orgd").path
    }
}

/// A private Postgres cluster for a test that must stop and start its database.
final class PrivateCluster {
    let directory: String
    let databaseURL: String
    let adminDatabaseURL: String
    private let script = TestEnvironment.repositoryRoot + "/scripts/pg-cluster.sh"

    init() throws {
        directory = NSTemporaryDirectory() + "orgd-test-cluster-\(UUID().uuidString.prefix(8))"
        let (status, output) = try Subprocess.run("/bin/bash", [script, "--throwaway", "start", directory])
        guard status == 0 else { throw TestFailure("pg-cluster.sh start failed (\(status)): \(output)") }
        var urls: [String: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { urls[pair[0]] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
        }
        guard let url = urls["ORGD_DATABASE_URL"], let admin = urls["ORGD_ADMIN_DATABASE_URL"] else {
            throw TestFailure("pg-cluster.sh printed no URLs: \(output)")
        }
        databaseURL = url
        adminDatabaseURL = admin
    }

    func stop() throws { try Subprocess.run("/bin/bash", [script, "stop", directory]) }
    func start() throws { try Subprocess.run("/bin/bash", [script, "--throwaway", "start", directory]) }

    deinit {
        _ = try? Subprocess.run("/bin/bash", [script, "destroy", directory])
    }
}
