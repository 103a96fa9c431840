// What tests look at inside a running orgd: whether every loop's LISTEN connection is
// subscribed, and how many callers a tenant has cached. Test-only, so it lives with the tests
// (through @testable import) rather than in the server's API.

import Foundation
import Synchronization
@testable import App
@testable import OrgdApp

extension RunningServer {
    /// Waits until every loop's LISTEN connection for cache invalidation is subscribed; false if
    /// that takes longer than `timeout`. Revocations made before then reach this instance only
    /// through the cache's time limit, so tests that revoke across instances wait for this.
    func waitUntilListening(timeout: Duration = .seconds(5)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        let resources = self.resources
        while ContinuousClock.now < deadline {
            let ready = ManagedAtomicFlag()
            ready.set(true)
            group.onEach { _, loop in
                if resources.on(loop).listener?.isListening != true { ready.set(false) }
            }
            if ready.value { return true }
            usleep(10_000)
        }
        return false
    }

    /// How many callers of `tenant` this instance has cached, over all loops. For tests that
    /// check a revocation reached every loop, whatever the request latency under load.
    func cachedCallers(tenant: String) -> Int {
        let resources = self.resources
        let total = AtomicCounter()
        group.onEach { _, loop in total.add(resources.on(loop).callers.count(tenant: tenant)) }
        return total.value
    }
}

/// An Int shared between threads.
final class AtomicCounter: Sendable {
    private let storage = Atomic<Int>(0)
    func add(_ amount: Int) { storage.add(amount, ordering: .relaxed) }
    var value: Int { storage.load(ordering: .relaxed) }
}

/// A Bool shared between threads.
final class ManagedAtomicFlag: Sendable {
    private let storage = Atomic<Bool>(false)
    func set(_ value: Bool) { storage.store(value, ordering: .relaxed) }
    var value: Bool { storage.load(ordering: .relaxed) }
}
