// Every tenant's org-chart generation as this process last heard it, for the answer cache's
// notify mode (--answer-cache-generation notify): a cached read whose tenant the board knows
// checks its entry against the board and needs no database round trip at all. Fed by one LISTEN
// connection per process on `orgd_org_generation` (sql/0030_org_generation_notify.sql), seeded by
// the generation queries of reads that found a tenant unknown. Shared by every loop, behind one
// lock held for a dictionary lookup: a read takes it once, against the ~100 µs round trip it saves.
//
// What a known value promises (docs/architecture.md, "Two ways to know the generation"):
//
// - It was committed. Notifications are sent at commit; seeds are read from the primary.
// - It is trusted only while the listener is subscribed. Losing the connection (or subscribing
//   again) forgets everything learnt, since notifications may have been missed meanwhile, and
//   reads query Postgres until a tenant is known again.
// - A seed is stored only if the listener was subscribed, without a break, from before the query
//   that read it began (`ticket()` before the query, `seed` after): every commit the snapshot did
//   not see then notifies this listener, and values only ever rise (max), whatever the order.
// - This process's own writes drop the tenant (`wrote`), and seeds whose query began before the
//   drop are refused: the writer's next read, on any loop, queries Postgres and sees its write.
//   A late notification of an older commit only raises the remembered value, never trusts it.
//
// Another process sees a change once the notification reaches this process's listener (a loop
// thread reads it between requests; under load that waits for the loop's turn), bounded by that
// loop's latency, not by a timer.

import Foundation
import Synchronization

package final class GenerationBoard: Sendable {
    package static let channel = "orgd_org_generation"
    /// Tenants remembered; beyond it everything is forgotten (and queried again), which is
    /// never wrong, only slower.
    package static let capacity = 100_000

    /// Proof that the listener was subscribed when a generation query began; `seed` compares it.
    package struct Ticket: Sendable {
        fileprivate let at: UInt64
    }

    private struct Tenant {
        var generation: Int64         // the highest committed generation heard or read
        var trusted: Bool             // false until a query seeds it (notifications only raise it)
        var droppedAt: UInt64         // the clock when this process last wrote the tenant
    }

    private struct State {
        var listening = false
        var clock: UInt64 = 1         // raised by every event a ticket must not outlive
        var trustedSince: UInt64 = 1  // the clock when the listener last subscribed or was lost
        var tenants: [String: Tenant] = [:]

        mutating func forget() {
            clock += 1
            trustedSince = clock
            tenants.removeAll()
        }
    }

    private let state = Mutex(State())
    /// The listener's pg_stat_activity application_name, unique per board (tests terminate it by name).
    package let applicationName: String
    package let subscriptions = Atomic<Int>(0)      // LISTEN completed, the first included
    package let losses = Atomic<Int>(0)             // listener connections lost
    package let notifications = Atomic<Int>(0)      // generations heard

    package init(applicationName: String) {
        self.applicationName = applicationName
    }

    private static let boards = Atomic<Int>(0)

    /// `orgd-generations-<pid>-<n>`: names this process's n-th board's listener, and no other
    /// (several orgd may run in one process, as the tests do).
    package static func uniqueName() -> String {
        "orgd-generations-\(ProcessInfo.processInfo.processIdentifier)-\(boards.add(1, ordering: .relaxed).newValue)"
    }

    /// The tenant's trusted generation; nil while the listener is down or the tenant unknown.
    package func generation(of tenant: String) -> Int64? {
        state.withLock { state in
            guard state.listening, let known = state.tenants[tenant], known.trusted else { return nil }
            return known.generation
        }
    }

    /// Taken before a generation query whose answer may seed the board; nil while not subscribed.
    package func ticket() -> Ticket? {
        state.withLock { state in state.listening ? Ticket(at: state.clock) : nil }
    }

    /// The generation a query begun at `ticket` read for `tenant`: stored, and trusted, only if
    /// nothing since the ticket (a lost listener, a write of this process) forbids it.
    package func seed(_ tenant: String, _ generation: Int64, _ ticket: Ticket) {
        state.withLock { state in
            guard state.listening, ticket.at >= state.trustedSince else { return }
            if let known = state.tenants[tenant] {
                guard ticket.at >= known.droppedAt else { return }
                state.tenants[tenant] = Tenant(generation: max(known.generation, generation), trusted: true, droppedAt: known.droppedAt)
            } else {
                if state.tenants.count >= Self.capacity { state.forget(); return }
                state.tenants[tenant] = Tenant(generation: generation, trusted: true, droppedAt: 0)
            }
        }
    }

    /// A notification: `"<tenant> <generation>"`. Raises what is remembered; trusts nothing new.
    package func heard(_ payload: String) {
        let parts = payload.split(separator: " ")
        guard parts.count == 2, let generation = Int64(parts[1]) else { return }
        let tenant = String(parts[0])
        notifications.add(1, ordering: .relaxed)
        state.withLock { state in
            guard state.listening else { return }
            if var known = state.tenants[tenant] {
                known.generation = max(known.generation, generation)
                state.tenants[tenant] = known
            } else {
                if state.tenants.count >= Self.capacity { state.forget() }
                state.tenants[tenant] = Tenant(generation: generation, trusted: false, droppedAt: 0)
            }
        }
    }

    /// This process committed a change of `tenant` (nil: of no one tenant, e.g. a platform
    /// call): its next read queries Postgres, and no seed begun before now is stored.
    package func wrote(tenant: String?) {
        state.withLock { state in
            guard let tenant else { state.forget(); return }
            state.clock += 1
            if var known = state.tenants[tenant] {
                known.trusted = false
                known.droppedAt = state.clock
                state.tenants[tenant] = known
            } else {
                if state.tenants.count >= Self.capacity { state.forget(); return }
                state.tenants[tenant] = Tenant(generation: 0, trusted: false, droppedAt: state.clock)
            }
        }
    }

    /// The listener subscribed (again): from now on notifications arrive; what was learnt before
    /// may have missed some, so it is forgotten.
    package func subscribed() {
        subscriptions.add(1, ordering: .relaxed)
        state.withLock { state in
            state.forget()
            state.listening = true
        }
    }

    /// The listener's connection is gone: nothing is trusted until it subscribes again.
    package func lost() {
        state.withLock { state in
            if state.listening { losses.add(1, ordering: .relaxed) }
            state.listening = false
            state.forget()
        }
    }

    /// True while subscribed.
    package var isListening: Bool { state.withLock { $0.listening } }

    /// Tenants remembered, trusted or not (for tests).
    package var count: Int { state.withLock { $0.tenants.count } }
}
