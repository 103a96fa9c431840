// What each event loop owns on orgd's behalf: its Postgres pool, a small pool per read replica
// (ReadReplicas decides which reads may use them), its cache of authenticated callers and the
// LISTEN connection that keeps that cache honest, and its answer cache (AnswerCaching). A
// request finds these through the loop it runs on, so a query or a cache read never leaves the loop's thread.
// In the answer cache's notify mode every loop also shares one GenerationBoard, fed by one LISTEN
// connection on the first loop (one per process, not per loop: the board is process-wide, and one
// subscription means one connected-or-not state to trust and one copy of each notification).

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
    package var replicas = ReplicaSettings(urls: [])       // none: every query on the primary
}

package final class LoopResources: @unchecked Sendable {
    // @unchecked Sendable: created before the loops serve; afterwards touched only on `loop`.
    package let loop: EventLoop
    package let pool: PGPool
    package let replicas: ReadReplicas?                 // shared by every loop; nil without replicas
    package let replicaPools: [PGPool]                  // one per replica, in `replicas`' order
    package let probe: ReplicaProbe?                    // on the first loop only
    package let callers = CallerCache()
    package var answers: AnswerCache<AnswerKey, AnswerEntry>   // rendered org-chart reads (AnswerCaching)
    package let loadCaller: CallerLoading
    private let listensForGenerations: Bool
    package private(set) var listener: PGListener?
    package let generations: GenerationBoard?          // notify mode: shared by every loop; nil in query mode
    package private(set) var generationListener: PGListener?    // on the first loop only, in notify mode

    package init(loop: EventLoop, database: DatabaseSettings, replicas: ReadReplicas?, probes: Bool,
                 answerCacheBytes: Int = 0, generations: GenerationBoard? = nil, listensForGenerations: Bool = false,
                 loadCaller: @escaping CallerLoading) {
        self.loop = loop
        self.generations = generations
        self.listensForGenerations = listensForGenerations
        answers = AnswerCache(capacity: answerCacheBytes)
        self.loadCaller = loadCaller
        pool = PGPool(url: database.url, loop: loop, size: database.poolSize,
                      statementTimeoutMillis: database.statementTimeoutMillis, check: ServingRoleCheck.verify)
        self.replicas = replicas
        // The same serving role and check as the primary's: row-level security holds on a
        // replica only if the role it serves as is bound by it there too.
        replicaPools = (replicas?.settings.urls ?? []).map {
            PGPool(url: $0, loop: loop, size: database.poolSize, statementTimeoutMillis: database.statementTimeoutMillis,
                   connectTimeout: .seconds(2), check: ServingRoleCheck.verify, applicationName: "orgd-replica")
        }
        probe = probes ? replicas.map { ReplicaProbe(loop: loop, replicas: $0, primaryURL: database.url) } : nil
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
        if listensForGenerations, let board = generations {
            let generationListener = PGListener(url: url, loop: loop, channels: [GenerationBoard.channel],
                                                onNotification: { _, payload in board.heard(payload) },
                                                onReconnect: { board.subscribed() }, onLost: { board.lost() },
                                                applicationName: board.applicationName)
            self.generationListener = generationListener
            generationListener.start()
        }
    }

    package func close() {
        listener?.stop()
        generationListener?.stop()
        probe?.stop()
        pool.close()
        replicaPools.forEach { $0.close() }
    }
}

/// Every loop's resources, looked up by loop.
package final class Resources: @unchecked Sendable {
    // @unchecked Sendable: the dictionary is immutable after init.
    private let byLoop: [ObjectIdentifier: LoopResources]
    package let expectedMigration: Int                 // the highest sql/NNNN file this build ships
    package let replicas: ReadReplicas?
    package let generations: GenerationBoard?          // notify mode only

    /// `answerCacheBytes` is the answer cache's bound for the whole process, shared out equally
    /// among the loops (each keeps its own, without locks); 0 turns the cache off.
    /// `answerGeneration` says how a cached read learns the tenant's generation (AnswerGenerationMode).
    package init(database: DatabaseSettings, loops: [EventLoop], expectedMigration: Int, answerCacheBytes: Int = 0,
                 answerGeneration: AnswerGenerationMode = .query, loadCaller: @escaping CallerLoading) {
        let replicas = database.replicas.urls.isEmpty ? nil : ReadReplicas(database.replicas)
        let board = answerGeneration == .notify && answerCacheBytes > 0 ? GenerationBoard(applicationName: GenerationBoard.uniqueName()) : nil
        var byLoop: [ObjectIdentifier: LoopResources] = [:]
        for (index, loop) in loops.enumerated() {
            byLoop[ObjectIdentifier(loop)] = LoopResources(loop: loop, database: database, replicas: replicas,
                                                           probes: index == 0, answerCacheBytes: answerCacheBytes / max(loops.count, 1),
                                                           generations: board, listensForGenerations: index == 0,
                                                           loadCaller: loadCaller)
        }
        self.byLoop = byLoop
        self.generations = board
        self.expectedMigration = expectedMigration
        self.replicas = replicas
    }

    /// The resources of `loop`. Call only on that loop's thread.
    package func on(_ loop: EventLoop) -> LoopResources { byLoop[ObjectIdentifier(loop)]! }

    package var all: [LoopResources] { Array(byLoop.values) }
}
