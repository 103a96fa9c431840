// LISTEN/NOTIFY through a PGListener: delivery, and resubscription after the server drops it.

import EventLoop
import Postgres
import Testing

@Suite("PGListener")
struct PGListenerTests {
    @Test("a NOTIFY reaches the listener, which listens again by itself after its backend is terminated")
    func deliversAndResubscribes() async throws {
        let admin = try TestDatabase.adminURL()
        try await onLoop { loop in
            let channel = TestDatabase.unique("orgd_invalidate")
            let application = TestDatabase.unique("orgd_listener")
            let payloads = Inbox<String>(loop: loop)
            let subscriptions = Inbox<Int>(loop: loop)
            let listener = PGListener(url: TestDatabase.url(admin, adding: "application_name", application),
                                      loop: loop, channels: [channel, "other channel"],
                                      onNotification: { received, payload in
                                          if received == channel { payloads.put(payload) }
                                      },
                                      onReconnect: { subscriptions.put(1) })
            listener.start()
            defer { listener.stop() }
            let pool = PGPool(url: admin, loop: loop, size: 1)
            defer { pool.close() }

            #expect(await subscriptions.next(within: .seconds(5)) != nil, "the first subscription calls onReconnect")
            _ = try await pool.query("SELECT pg_notify($1, $2)", [channel, "tenant 7: 组织架构 changed"])
            #expect(await payloads.next(within: .seconds(5)) == "tenant 7: 组织架构 changed")

            let killed = try await pool.query(
                "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1", [application])
            #expect(killed[0].int("n") == 1)
            #expect(await subscriptions.next(within: .seconds(5)) != nil, "a resubscription calls onReconnect")
            _ = try await pool.query("SELECT pg_notify($1, $2)", [channel, "again"])
            #expect(await payloads.next(within: .seconds(5)) == "again")
        }
    }

    @Test("notifications arrive on a plain connection that ran LISTEN")
    func onConnection() async throws {
        let url = try TestDatabase.appURL()
        try await onLoop { loop in
            let channel = TestDatabase.unique("orgd_plain")
            let listener = try await PGConnection.connect(url, on: loop)
            defer { listener.close() }
            let received = Inbox<String>(loop: loop)
            listener.onNotification = { channel, payload in received.put("\(channel):\(payload)") }
            _ = try await listener.simpleQuery("LISTEN \(channel)")
            let sender = try await PGConnection.connect(url, on: loop)
            defer { sender.close() }
            _ = try await sender.query("SELECT pg_notify($1, 'one'), pg_notify($1, 'two')", [channel])
            #expect(await received.next(within: .seconds(5)) == "\(channel):one")
            #expect(await received.next(within: .seconds(5)) == "\(channel):two")
        }
    }
}
