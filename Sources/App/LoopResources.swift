// What each event loop owns on orgd's behalf: its Postgres pool, its cache of authenticated
// callers and the LISTEN connection that keeps that cache honest. A request finds these through
// the loop it runs on, so a query or a cache read never leaves the loop's thread.

import EventLoop
import HTTP
import Postgres

/// Loads the caller behind a checked credential on a cache miss (the wiring passes Access's).
package typealias CallerLoading = @Sendable (Credential, PGPool) async throws -> Caller

/// What a loop's pool is opened with.
package struct DatabaseSettings: Sendable {
    package init(url: String, poolSize: Int, statementTimeoutMillis: Int) {
        self.url = url
        self.poolSize = poolSize
        self.statementTimeoutMillis = statementTimeoutMillis
    }

    package var url: String
    package var poolSize: Int
    package var statementTimeoutMillis: Int
}

package final class LoopResources: @unchecked Sendable {
    // @unchecked Sendable: created before the loops serve; afterwards touched only on `loop`.
    package let loop: EventLoop
    package let pool: PGPool
    package let callers = CallerCache()
    package let loadCaller: CallerLoading
    package private(set) var listener: PGListener?

    package init(loop: EventLoop, database: DatabaseSettings, loadCaller: @escaping CallerLoading) {
        self.loop = loop
        self.loadCaller = loadCaller
        pool = PGPool(url: database.url, loop: loop, size: database.poolSize,
                      statementTimeoutMillis: database.statementTimeoutMillis, check: ServingRoleCheck.verify)
    }

    /// Subscribes to access changes: a NOTIFY on `orgd_access` drops that tenant's cached
    /// callers; a reconnect drops them all (notifications may have been missed meanwhile).
    package func startListening(url: String) {
        let callers = self.callers
        let listener = PGListener(url: url, loop: loop, channels: [CallerCache.channel],
                                  onNotification: { _, tenant in callers.drop(tenant: tenant) },
                                  onReconnect: { callers.removeAll() })
        self.listener = listener
        listener.start()
    }

    package func close() {
        listener?.stop()
        pool.close()
    }
}

/// Every loop's resources, looked up by loop.
package final class Resources: @unchecked Sendable {
    // @unchecked Sendable: the dictionary is immutable after init.
    private let byLoop: [ObjectIdentifier: LoopResources]
    package let expectedMigration: Int                 // the highest sql/NNNN file this build ships

    package init(database: DatabaseSettings, loops: [EventLoop], expectedMigration: Int, loadCaller: @escaping CallerLoading) {
        var byLoop: [ObjectIdentifier: LoopResources] = [:]
        for loop in loops {
            byLoop[ObjectIdentifier(loop)] = LoopResources(loop: loop, database: database, loadCaller: loadCaller)
        }
        self.byLoop = byLoop
        self.expectedMigration = expectedMigration
    }

    /// The resources of `loop`. Call only on that loop's thread.
    package func on(_ loop: EventLoop) -> LoopResources { byLoop[ObjectIdentifier(loop)]! }

    package var all: [LoopResources] { Array(byLoop.values) }
}
