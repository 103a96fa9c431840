// Each loop's cache of authenticated callers, keyed by the credential's digest, so that checking
// a token costs no database round trip. Entries live at most `ttl` seconds and never past the
// credential's own expiry; a NOTIFY on `orgd_access` from any orgd instance drops the tenant's
// entries at once (a revoked token is refused everywhere within a second), and a lost LISTEN
// connection drops everything.
//
// Within one process a change is seen by the very next request, whichever loop takes it: the
// handler that committed it calls `invalidate(tenant:)`, which also raises a process-wide
// generation, and every loop's entries stored under an older generation miss. (NOTIFY reaches
// the other loops a little later; a test that disables a user and retries at once on another
// connection would otherwise race it.) Access changes are rare, so the extra misses are cheap.

import Synchronization

package final class CallerCache {
    // Owned by one loop's thread.
    package static let channel = "orgd_access"
    package static let ttl: Int64 = 60
    package static let capacity = 50_000

    private struct Entry {
        package let caller: Caller
        package let until: Int64           // epoch seconds
        package let generation: UInt64     // `generation` when stored
    }

    /// Raised by every access change this process commits; shared by all loops.
    private static let generation = Atomic<UInt64>(0)

    private var entries: [[UInt8]: Entry] = [:]

    package func lookup(_ digest: [UInt8], now: Int64) -> Caller? {
        guard let entry = entries[digest] else { return nil }
        if entry.until <= now || entry.generation != Self.generation.load(ordering: .acquiring) {
            entries[digest] = nil
            return nil
        }
        return entry.caller
    }

    /// The generation to pass to `store` for a caller about to be loaded: read before the load, so
    /// that a change committed during it makes the stored entry miss.
    package static var currentGeneration: UInt64 { generation.load(ordering: .acquiring) }

    package func store(_ caller: Caller, digest: [UInt8], now: Int64, loadedSince: UInt64) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[digest] = Entry(caller: caller, until: min(now + Self.ttl, caller.expiresAt),
                                generation: loadedSince)
    }

    /// After this process committed a change to the tenant's access: drops the tenant's entries
    /// here and makes every loop's older entries miss.
    package func invalidate(tenant: String) {
        Self.generation.add(1, ordering: .releasing)
        drop(tenant: tenant)
    }

    /// On a NOTIFY: drops the tenant's entries of this loop.
    package func drop(tenant: String) {
        entries = entries.filter { $0.value.caller.tenantID != tenant }
    }

    package func removeAll() { entries.removeAll() }

    package var count: Int { entries.count }

    package func count(tenant: String) -> Int {
        entries.values.reduce(0) { $0 + ($1.caller.tenantID == tenant ? 1 : 0) }
    }
}
