// Each loop's cache of authenticated callers, keyed by the credential's digest, so that checking
// a token costs no database round trip. Entries live at most `ttl` seconds and never past the
// credential's own expiry; a NOTIFY on `orgd_access` from any orgd instance drops the tenant's
// entries at once (a revoked token is refused everywhere within a second), and a lost LISTEN
// connection drops everything.

final class CallerCache {
    // Owned by one loop's thread.
    static let channel = "orgd_access"
    static let ttl: Int64 = 60
    static let capacity = 50_000

    private struct Entry {
        let caller: Caller
        let until: Int64           // epoch seconds
    }

    private var entries: [[UInt8]: Entry] = [:]

    func lookup(_ digest: [UInt8], now: Int64) -> Caller? {
        guard let entry = entries[digest] else { return nil }
        if entry.until <= now {
            entries[digest] = nil
            return nil
        }
        return entry.caller
    }

    func store(_ caller: Caller, digest: [UInt8], now: Int64) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[digest] = Entry(caller: caller, until: min(now + Self.ttl, caller.expiresAt))
    }

    func invalidate(tenant: String) {
        entries = entries.filter { $0.value.caller.tenantID != tenant }
    }

    func removeAll() { entries.removeAll() }

    var count: Int { entries.count }

    func count(tenant: String) -> Int {
        entries.values.reduce(0) { $0 + ($1.caller.tenantID == tenant ? 1 : 0) }
    }
}
