// Transactions on a pooled connection: BEGIN, the tenant set for row-level security, the
// body, COMMIT; ROLLBACK on any error; the whole body retried on serialization failure or
// deadlock, which is why it must have no effects outside the database.

import EventLoop

extension PGPool {
    /// Retries after the first attempt when Postgres reports 40001 or 40P01.
    public static let serializationRetries = 3

    /// Runs `body` in a transaction. With `tenant`, `current_setting('orgd.tenant_id')` is that
    /// tenant for the transaction's duration (set_config(..., true)), which the row-level
    /// security policies read. Throws what `body` throws (after rolling back), or the COMMIT's
    /// error; a serialization failure is thrown only after `serializationRetries` retries.
    public func transaction<T>(tenant: String? = nil, isolation: PGIsolation = .readCommitted,
                               _ body: (PGConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await connection.transaction(tenant: tenant, isolation: isolation, body)
        }
    }
}

extension PGConnection {
    /// `PGPool.transaction` on a connection the caller already holds: for a caller that must do
    /// more on the same connection after the transaction ends (a refused change audits itself
    /// there, so one request never needs a second pooled connection).
    public func transaction<T>(tenant: String? = nil, isolation: PGIsolation = .readCommitted,
                               _ body: (PGConnection) async throws -> T) async throws -> T {
        var retries = 0
        while true {
            do {
                begin(tenant: tenant, isolation: isolation)
                let value = try await body(self)
                try await commit()
                return value
            } catch let error as PGError where error.isSerializationFailure
                && retries < PGPool.serializationRetries && !isBroken {
                await rollBackQuietly()
                retries += 1
                // A short, growing, jittered pause so the competing transaction can finish.
                await loop.suspend(for: .milliseconds(Int.random(in: 1...5) * retries))
            } catch {
                await rollBackQuietly()
                throw error
            }
        }
    }
}

extension PGPool {
    /// One statement run with `tenant` set for row-level security, in a single round trip:
    /// set_config(..., true) and the statement are pipelined in one implicit transaction.
    /// The fast path for tenant-scoped reads and single-statement writes; retried like
    /// `transaction` on serialization failure (nothing took effect).
    public func query(tenant: String, _ sql: String, _ params: [any PGEncodable] = []) async throws(PGError) -> PGResult {
        try await query(tenant: tenant, PGStatement(sql, params))
    }

    /// `query(tenant:_:_:)` for a statement built by interpolation, in its result format.
    public func query(tenant: String, _ query: PGQuery) async throws(PGError) -> PGResult {
        try await self.query(tenant: tenant, PGStatement(query))
    }

    private func query(tenant: String, _ statement: PGStatement) async throws(PGError) -> PGResult {
        let connection = try await acquire()
        defer { release(connection) }
        let statements = [PGStatement("SELECT set_config('orgd.tenant_id', $1, true)", [tenant]), statement]
        var retries = 0
        while true {
            do {
                return try await connection.pipeline(statements)[1]
            } catch where error.isSerializationFailure && retries < PGPool.serializationRetries && !connection.isBroken {
                retries += 1
                await loop.suspend(for: .milliseconds(Int.random(in: 1...5) * retries))
            }
        }
    }
}

extension PGConnection {
    /// BEGIN and, with a tenant, set_config, deferred: they are sent in one pipeline with the
    /// transaction's first statement, so the opening costs no round trip of its own (the
    /// round trip was a fifth of a unit read's: docs/performance.md, "The cold path"). A
    /// transaction that runs no statement opens nothing.
    func begin(tenant: String?, isolation: PGIsolation) {
        var opening = [PGConnectionState<Waiter>.Statement(sql: isolation.beginStatement, params: [], format: .text)]
        if let tenant {
            opening.append(.init(sql: "SELECT set_config('orgd.tenant_id', $1, true)", params: [tenant], format: .text))
        }
        deferredBegin = opening
    }

    /// COMMIT of a transaction in which a statement failed (and the caller caught the error)
    /// is answered "ROLLBACK", not an error: report it as one, so no write is silently lost.
    func commit() async throws(PGError) {
        if deferredBegin != nil {           // nothing was run: nothing was opened
            deferredBegin = nil
            return
        }
        let result = try await query("COMMIT")
        if result.commandTag == "ROLLBACK" {
            throw PGError(kind: .query, sqlState: "25P02",
                          message: "the transaction was rolled back because a statement in it failed")
        }
    }

    func rollBackQuietly() async {
        deferredBegin = nil
        guard !isBroken, transactionStatus != .idle else { return }
        _ = try? await simpleQuery("ROLLBACK")
    }
}

public enum PGIsolation: Sendable {
    case readCommitted, repeatableRead, serializable

    var beginStatement: String {
        switch self {
        case .readCommitted: "BEGIN"
        case .repeatableRead: "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}
