// What each event loop owns on orgd's behalf: its Postgres pool, its cache of authenticated
// callers and the LISTEN connection that keeps that cache honest. A request finds these through
// the loop it runs on, so a query or a cache read never leaves the loop's thread.

import EventLoop
import HTTP
import Postgres

final class LoopResources: @unchecked Sendable {
    // @unchecked Sendable: created before the loops serve; afterwards touched only on `loop`.
    let loop: EventLoop
    let pool: PGPool
    let callers = CallerCache()
    private(set) var listener: PGListener?

    init(loop: EventLoop, configuration: Configuration) {
        self.loop = loop
        pool = PGPool(url: configuration.databaseURL, loop: loop, size: configuration.poolSize,
                      statementTimeoutMillis: configuration.statementTimeoutMillis, check: ServingRoleCheck.verify)
    }

    /// Subscribes to access changes: a NOTIFY on `orgd_access` drops that tenant's cached
    /// callers; a reconnect drops them all (notifications may have been missed meanwhile).
    func startListening(url: String) {
        let callers = self.callers
        let listener = PGListener(url: url, loop: loop, channels: [CallerCache.channel],
                                  onNotification: { _, tenant in callers.drop(tenant: tenant) },
                                  onReconnect: { callers.removeAll() })
        self.listener = listener
        listener.start()
    }

    func close() {
        listener?.stop()
        pool.close()
    }
}

/// Every loop's resources, looked up by loop.
final class Resources: @unchecked Sendable {
    // @unchecked Sendable: the dictionary is immutable after init.
    private let byLoop: [ObjectIdentifier: LoopResources]
    let expectedMigration: Int                 // the highest sql/NNNN file this build ships

    init(configuration: Configuration, loops: [EventLoop], expectedMigration: Int) {
        var byLoop: [ObjectIdentifier: LoopResources] = [:]
        for loop in loops { byLoop[ObjectIdentifier(loop)] = LoopResources(loop: loop, configuration: configuration) }
        self.byLoop = byLoop
        self.expectedMigration = expectedMigration
    }

    /// The resources of `loop`. Call only on that loop's thread.
    func on(_ loop: EventLoop) -> LoopResources { byLoop[ObjectIdentifier(loop)]! }

    var all: [LoopResources] { Array(byLoop.values) }
}
