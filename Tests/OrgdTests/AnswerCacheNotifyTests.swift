// The answer cache's notify mode (--answer-cache-generation notify) over HTTP against a real
// Postgres: the writer reads its own write at once, another instance within a bounded poll, a
// terminated listener makes reads fall back to the query until it is back; and the board's rules
// (GenerationBoard) one by one, where timing cannot hide a broken one.

import Foundation
import HTTP
@testable import App
@testable import OrgChart
@testable import OrgdApp
import Testing

@Suite("AnswerCache notify mode")
struct AnswerCacheNotifyTests {
    /// Starts a migrated, caching orgd in notify mode and runs `body` with it.
    static func withNotifyServer<T>(_ body: (RunningServer) async throws -> T) async throws -> T {
        try TestEnvironment.migrate()
        let running = try RunningServer.start(try TestEnvironment.configuration {
            $0.answerCacheBytes = 8 << 20
            $0.answerCacheGeneration = .notify
        })
        defer { running.stop(timeout: .seconds(2)) }
        return try await body(running)
    }

    /// Polls `condition` every 20 ms for up to `seconds`; true once it held.
    static func eventually(within seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }

    @Test("a write on one instance is read at once on it, and on the other within a bounded poll; hits need no query")
    func writerAndOtherInstance() async throws {
        try await Self.withNotifyServer { a in
            try await Self.withNotifyServer { b in
                let org = try OrgClient.start("notify-rw", port: a.server.port)
                let chart = try CallCenter(org)
                let onB = HTTPClient(port: b.server.port, token: org.client.token)
                let unit = "/v1/units/\(chart.calls)", tree = "/v1/units/\(chart.center)/tree"
                for client in [org.client, onB] { for path in [unit, tree, unit, tree] { #expect(try client.get(path).status == 200) } }
                // Both boards learnt the tenant from their first queries.
                #expect(a.resources.generations?.generation(of: org.tenant.id) != nil)
                #expect(b.resources.generations?.generation(of: org.tenant.id) != nil)
                let queried = AnswerCaching.generationsQueried.load(ordering: .relaxed)
                let remembered = AnswerCaching.generationsFromMemory.load(ordering: .relaxed)
                #expect(try onB.get(tree).status == 200)
                #expect(AnswerCaching.generationsFromMemory.load(ordering: .relaxed) > remembered)
                _ = queried

                for step in 0..<5 {
                    let name = "话务\(step)组"
                    #expect(try org.client.patch(unit, json: ["name": name]).status == 200)
                    // The writer, at once, on whichever loop takes the read.
                    #expect(try org.client.get(unit).text.contains(name), "step \(step): the writer reads its write")
                    #expect(try org.client.get(tree).text.contains(name), "step \(step): the writer's tree")
                    // The other instance, once the notification arrived (no claim on how fast).
                    let written = Date()
                    var polls = 0
                    #expect(try Self.eventually { polls += 1; return try onB.get(tree).text.contains(name) }, "step \(step): instance B")
                    print("notify delay, step \(step): instance B showed the write on read \(polls), \(Int(Date().timeIntervalSince(written) * 1000)) ms after the write's response")
                    #expect(try onB.get(unit).text.contains(name))
                }
                let metrics = try HTTPClient(port: a.server.port).get("/metrics").text
                #expect(metrics.contains("orgd_answer_cache_generation_reads_total{source=\"memory\"}"))
                #expect(metrics.contains("orgd_answer_cache_generation_listening 1"))
            }
        }
    }

    @Test("after the listener's backend is terminated, reads fall back to the query and stay correct, and the board comes back")
    func listenerLoss() async throws {
        try await Self.withNotifyServer { a in
            let board = try #require(a.resources.generations)
            #expect(Self.eventually { board.isListening })
            let org = try OrgClient.start("notify-loss", port: a.server.port)
            let chart = try CallCenter(org)
            let unit = "/v1/units/\(chart.calls)"
            for _ in 0..<3 { #expect(try org.client.get(unit).text.contains("话务组")) }
            #expect(board.generation(of: org.tenant.id) != nil)
            let losses = board.losses.load(ordering: .relaxed), subscriptions = board.subscriptions.load(ordering: .relaxed)

            // A change committed after this listener's backend is gone (pg_terminate_backend waits
            // for it, and names its application_name, which no other orgd shares): its
            // notification may never reach this process.
            try Self.superuser([
                ("UPDATE unit_versions SET name = '断线组' WHERE unit_id = $1::uuid", [chart.calls]),
                ("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = $1", [board.applicationName]),
            ])
            #expect(Self.eventually { board.losses.load(ordering: .relaxed) > losses }, "the loss is seen")
            #expect(try org.client.get(unit).text.contains("断线组"), "read after the loss: queried, not the board's old value")

            // Back: subscribed again, the tenant learnt again, and fed by notifications again.
            #expect(Self.eventually { board.subscriptions.load(ordering: .relaxed) > subscriptions && board.isListening })
            #expect(try Self.eventually {
                _ = try org.client.get(unit)
                return board.generation(of: org.tenant.id) != nil
            })
            try org.sql("UPDATE unit_versions SET name = '重连组' WHERE unit_id = $1::uuid", [chart.calls])
            #expect(try Self.eventually { try org.client.get(unit).text.contains("重连组") }, "a change outside orgd, by NOTIFY")
            let metrics = try HTTPClient(port: a.server.port).get("/metrics").text
            #expect(metrics.contains("orgd_answer_cache_generation_listener_losses_total"))
        }
    }

    /// Runs `statements` in one transaction as the superuser on the test database (row-level
    /// security does not bind it; the triggers still fire).
    static func superuser(_ statements: [(String, [String?])]) throws {
        var configuration = Configuration()
        let url = try TestEnvironment.require("ORGD_TEST_SUPERUSER_DATABASE_URL")
        configuration.adminDatabaseURL = url.replacingOccurrences(of: "/postgres?", with: "/orgd?")
        let status = AdminCommands.onLoop(configuration) { pool in
            try await pool.transaction { connection in
                for (sql, parameters) in statements { _ = try await connection.query(sql, parameters) }
            }
        }
        guard status == 0 else { throw TestFailure("superuser SQL failed") }
    }
}

@Suite("GenerationBoard")
struct GenerationBoardTests {
    private func listening() -> GenerationBoard {
        let board = GenerationBoard(applicationName: "test")
        board.subscribed()
        return board
    }

    @Test("nothing is known until a query seeds it; a notification alone raises but does not trust")
    func seedsTrust() throws {
        let board = listening()
        board.heard("t 4")
        #expect(board.generation(of: "t") == nil)
        board.seed("t", 3, try #require(board.ticket()))
        #expect(board.generation(of: "t") == 4)              // the higher of the seed and what was heard
        board.heard("t 6")
        board.heard("t 5")                                   // late, out of order: never lowers
        #expect(board.generation(of: "t") == 6)
    }

    @Test("a write of this process drops the tenant, and a seed whose query began before it is refused")
    func writesDrop() throws {
        let board = listening()
        let early = try #require(board.ticket())
        board.seed("t", 3, early)
        board.wrote(tenant: "t")
        #expect(board.generation(of: "t") == nil)
        board.seed("t", 3, early)                            // read before the write committed
        #expect(board.generation(of: "t") == nil)
        board.heard("t 3")                                   // a late notification of an older commit
        #expect(board.generation(of: "t") == nil)
        board.seed("t", 4, try #require(board.ticket()))
        #expect(board.generation(of: "t") == 4)
        board.wrote(tenant: nil)                             // a write of no one tenant: everything
        #expect(board.generation(of: "t") == nil)
    }

    @Test("a lost listener forgets everything, refuses seeds until it subscribes again, and refuses seeds begun before that")
    func lossForgets() throws {
        let board = listening()
        let before = try #require(board.ticket())
        board.seed("t", 3, before)
        board.lost()
        #expect(board.generation(of: "t") == nil)
        #expect(board.ticket() == nil)
        board.seed("t", 3, before)
        #expect(board.generation(of: "t") == nil)
        board.subscribed()
        board.seed("t", 3, before)                           // begun before the resubscription
        #expect(board.generation(of: "t") == nil)
        board.seed("t", 5, try #require(board.ticket()))
        #expect(board.generation(of: "t") == 5)
        #expect(board.losses.load(ordering: .relaxed) == 1)
    }
}
