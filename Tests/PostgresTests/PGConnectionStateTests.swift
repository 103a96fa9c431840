// The libpq connection lifecycle without a socket: waiters are plain integers, libpq's answers
// are fed in by hand, and each test checks the action the state machine asks for.

import Postgres
import Testing

typealias State = PGConnectionState<Int>

private func ready(_ state: inout State) {
    _ = state.connectPolled(.ok)
}

private func sent(_ action: State.Action) -> State.Send? {
    if case .send(let send) = action { return send }
    return nil
}

private let one = PGResult(columns: ["n"], rows: [["1"]], commandTag: "SELECT 1", affectedRows: 1)

@Suite("PGConnectionState")
struct PGConnectionStateTests {
    @Test("connecting waits for whatever PQconnectPoll asks, then becomes idle")
    func connecting() {
        var state = State()
        #expect(state.isConnecting)
        guard case .wait(.writable) = state.connectPolled(.writing) else { Issue.record("expected wait writable"); return }
        guard case .wait(.readable) = state.connectPolled(.reading) else { Issue.record("expected wait readable"); return }
        guard case .ready(next: nil) = state.connectPolled(.ok) else { Issue.record("expected ready"); return }
        #expect(state.isIdle)
    }

    @Test("a failed or timed-out connect reports the database unavailable")
    func connectFails() {
        var state = State()
        guard case .fail(let waiters, let error) = state.connectPolled(.failed("connection refused")) else {
            Issue.record("expected fail"); return
        }
        #expect(waiters.isEmpty)
        #expect(error.kind == .unavailable && error.message == "connection refused")
        #expect(state.isFinished)

        var slow = State()
        guard case .fail(_, let timeout) = slow.connectTimedOut(after: 5000) else { Issue.record("expected fail"); return }
        #expect(timeout.kind == .unavailable && timeout.message.contains("5000 ms"))
    }

    @Test("a command submitted while connecting is sent as soon as the connection is ready")
    func queuedWhileConnecting() {
        var state = State()
        guard case .none = state.submit(.simple(sql: "LISTEN x"), waiter: 1) else { Issue.record("expected none"); return }
        guard case .ready(next: .simple(sql: "LISTEN x")?) = state.connectPolled(.ok) else {
            Issue.record("expected the queued LISTEN"); return
        }
        #expect(state.awaitingResults)
    }

    @Test("a query on a fresh connection prepares its statement, then executes it by name")
    func prepareThenExecute() {
        var state = State()
        ready(&state)
        #expect(sent(state.submit(.query(sql: "SELECT $1", params: ["a"]), waiter: 1)) == .prepare(name: "s1", sql: "SELECT $1"))
        #expect(sent(state.commandFinished(.success([]))) == .execute(name: "s1", params: ["a"]))
        guard case .complete(1, .success(let results), next: nil) = state.commandFinished(.success([one])) else {
            Issue.record("expected completion"); return
        }
        #expect(results.first?[0, 0] == "1")
        #expect(state.isIdle)
        #expect(state.statementName(for: "SELECT $1") == "s1")
    }

    @Test("the same SQL the second time is executed without preparing it again")
    func reuse() {
        var state = State()
        ready(&state)
        _ = state.submit(.query(sql: "SELECT 1", params: []), waiter: 1)
        _ = state.commandFinished(.success([]))
        _ = state.commandFinished(.success([one]))
        #expect(sent(state.submit(.query(sql: "SELECT 1", params: []), waiter: 2)) == .execute(name: "s1", params: []))
        #expect(sent(state.submit(.query(sql: "SELECT 2", params: []), waiter: 3)) == nil)   // queued
        guard case .complete(2, _, next: .prepare(name: "s2", sql: "SELECT 2")?) = state.commandFinished(.success([one])) else {
            Issue.record("expected SELECT 2 prepared as s2 next"); return
        }
    }

    @Test("commands submitted while one is in flight are answered in submission order")
    func fifo() {
        var state = State()
        ready(&state)
        _ = state.submit(.simple(sql: "a"), waiter: 1)
        _ = state.submit(.simple(sql: "b"), waiter: 2)
        _ = state.submit(.simple(sql: "c"), waiter: 3)
        #expect(state.queuedCount == 2)
        var order: [Int] = []
        var next: State.Send? = .simple(sql: "a")
        while next != nil, case .complete(let waiter, _, let following) = state.commandFinished(.success([])) {
            order.append(waiter)
            next = following
        }
        #expect(order == [1, 2, 3])
        #expect(state.isIdle)
    }

    @Test("a statement that fails to prepare is not cached, and the next command still runs")
    func failedPrepare() {
        var state = State()
        ready(&state)
        _ = state.submit(.query(sql: "SELEC 1", params: []), waiter: 1)
        _ = state.submit(.simple(sql: "SELECT 1"), waiter: 2)
        let syntax = PGError(kind: .query, sqlState: "42601", message: "syntax error")
        guard case .complete(1, .failure(let error), next: .simple(sql: "SELECT 1")?) = state.commandFinished(.failure(syntax)) else {
            Issue.record("expected the failure, then the next command"); return
        }
        #expect(error.sqlState == "42601")
        #expect(state.statementName(for: "SELEC 1") == nil)
    }

    @Test("a statement the server no longer knows is prepared afresh under a new name")
    func forgottenStatement() {
        var state = State()
        ready(&state)
        _ = state.submit(.query(sql: "SELECT 1", params: []), waiter: 1)
        _ = state.commandFinished(.success([]))
        _ = state.commandFinished(.success([one]))
        _ = state.submit(.query(sql: "SELECT 1", params: []), waiter: 2)
        let gone = PGError(kind: .query, sqlState: "26000", message: "prepared statement \"s1\" does not exist")
        _ = state.commandFinished(.failure(gone))
        #expect(sent(state.submit(.query(sql: "SELECT 1", params: []), waiter: 3)) == .prepare(name: "s2", sql: "SELECT 1"))
    }

    @Test("once the statement cache is full, new statements run unnamed")
    func cacheFull() {
        var state = State(maxPreparedStatements: 1)
        ready(&state)
        _ = state.submit(.query(sql: "SELECT 1", params: []), waiter: 1)
        _ = state.commandFinished(.success([]))
        _ = state.commandFinished(.success([one]))
        #expect(sent(state.submit(.query(sql: "SELECT 2", params: ["x"]), waiter: 2)) == .unnamed(sql: "SELECT 2", params: ["x"]))
        _ = state.commandFinished(.success([one]))
        #expect(state.preparedCount == 1)
    }

    @Test("losing the connection fails the command in flight and every queued one, in order")
    func lost() {
        var state = State()
        ready(&state)
        _ = state.submit(.simple(sql: "a"), waiter: 1)
        _ = state.submit(.simple(sql: "b"), waiter: 2)
        _ = state.submit(.simple(sql: "c"), waiter: 3)
        guard case .fail(let waiters, let error) = state.connectionLost(.init(kind: .unavailable, message: "hangup")) else {
            Issue.record("expected fail"); return
        }
        #expect(waiters == [1, 2, 3])
        #expect(error.kind == .unavailable)
        #expect(state.isFinished)
        guard case .none = state.connectionLost(.init(kind: .unavailable, message: "again")) else {
            Issue.record("a second loss must do nothing"); return
        }
    }

    @Test("a broken connection fails new commands at once with the error that broke it")
    func brokenRefuses() {
        var state = State()
        ready(&state)
        _ = state.connectionLost(.init(kind: .unavailable, message: "server closed the connection"))
        guard case .fail([7], let error) = state.submit(.simple(sql: "SELECT 1"), waiter: 7) else {
            Issue.record("expected immediate failure"); return
        }
        #expect(error.message == "server closed the connection")
    }

    @Test("a late result after the connection broke is ignored")
    func lateResult() {
        var state = State()
        ready(&state)
        _ = state.submit(.simple(sql: "a"), waiter: 1)
        _ = state.connectionLost(.init(kind: .unavailable, message: "hangup"))
        guard case .none = state.commandFinished(.success([])) else { Issue.record("expected none"); return }
    }

    @Test("an unanswered command times out and takes the connection down; an idle one does not")
    func answerTimeout() {
        var state = State()
        ready(&state)
        let timeout = PGError(kind: .timeout, message: "no answer")
        guard case .none = state.answerTimedOut(timeout) else { Issue.record("idle must ignore it"); return }
        _ = state.submit(.simple(sql: "SELECT pg_sleep(60)"), waiter: 1)
        guard case .fail([1], let error) = state.answerTimedOut(timeout) else { Issue.record("expected fail"); return }
        #expect(error.kind == .timeout)
        #expect(state.isFinished)
    }

    @Test("closing fails every waiter with poolClosed and still asks to release the socket")
    func close() {
        var state = State()
        ready(&state)
        _ = state.submit(.simple(sql: "a"), waiter: 1)
        guard case .fail([1], let error) = state.close() else { Issue.record("expected fail"); return }
        #expect(error.kind == .poolClosed)
        guard case .fail([], _) = state.close() else { Issue.record("closing twice still releases"); return }
        guard case .fail([2], let again) = state.submit(.simple(sql: "b"), waiter: 2) else { Issue.record("expected fail"); return }
        #expect(again.kind == .poolClosed)
    }

    @Test("a pipeline prepares new statements inside itself, once each, and executes cached ones by name")
    func pipelinePlan() {
        var state = State()
        ready(&state)
        _ = state.submit(.query(sql: "SELECT 1", params: []), waiter: 1)
        _ = state.commandFinished(.success([]))
        _ = state.commandFinished(.success([one]))
        let statements: [State.Statement] = [
            .init(sql: "SELECT set_config('orgd.tenant_id', $1, true)", params: ["t1"]),
            .init(sql: "SELECT 1", params: []),
            .init(sql: "SELECT set_config('orgd.tenant_id', $1, true)", params: ["t2"]),
        ]
        #expect(sent(state.submit(.pipeline(statements), waiter: 2)) == .pipeline([
            .prepare(name: "s2", sql: "SELECT set_config('orgd.tenant_id', $1, true)"),
            .execute(name: "s2", params: ["t1"]),
            .execute(name: "s1", params: []),
            .execute(name: "s2", params: ["t2"]),
        ]))
        #expect(state.isPipelining)
        guard case .complete(2, .success(let results), next: nil) = state.pipelineFinished(
            [.success([]), .success([one]), .success([one]), .success([one])]) else {
            Issue.record("expected three results"); return
        }
        #expect(results.count == 3)
        #expect(state.statementName(for: "SELECT set_config('orgd.tenant_id', $1, true)") == "s2")
    }

    @Test("a failed pipeline reports its first error and caches only the statements whose Parse succeeded")
    func pipelineFailure() {
        var state = State()
        ready(&state)
        _ = state.submit(.pipeline([.init(sql: "SELECT 1", params: []), .init(sql: "SELEC 2", params: []),
                                    .init(sql: "SELECT 3", params: [])]), waiter: 1)
        let syntax = PGError(kind: .query, sqlState: "42601", message: "syntax error")
        let aborted = PGError(kind: .query, sqlState: "25P02", message: "not run")
        guard case .complete(1, .failure(let error), next: nil) = state.pipelineFinished(
            [.success([]), .success([one]), .failure(syntax), .failure(aborted), .failure(aborted), .failure(aborted)]) else {
            Issue.record("expected the syntax error"); return
        }
        #expect(error.sqlState == "42601")
        #expect(state.statementName(for: "SELECT 1") == "s1")
        #expect(state.statementName(for: "SELEC 2") == nil)
        #expect(state.statementName(for: "SELECT 3") == nil)
        #expect(state.isIdle)
    }

    @Test("the result format travels with a query and a pipeline statement, and one prepared statement serves both formats")
    func resultFormat() {
        var state = State()
        ready(&state)
        #expect(sent(state.submit(.query(sql: "SELECT $1::uuid", params: ["u"], format: .binary), waiter: 1))
            == .prepare(name: "s1", sql: "SELECT $1::uuid"))
        #expect(sent(state.commandFinished(.success([]))) == .execute(name: "s1", params: ["u"], format: .binary))
        _ = state.commandFinished(.success([one]))
        #expect(sent(state.submit(.query(sql: "SELECT $1::uuid", params: ["v"]), waiter: 2))
            == .execute(name: "s1", params: ["v"], format: .text))
        _ = state.commandFinished(.success([one]))
        #expect(sent(state.submit(.pipeline([.init(sql: "SELECT $1::uuid", params: ["w"], format: .binary),
                                             .init(sql: "SELECT 2", params: [])]), waiter: 3)) == .pipeline([
            .execute(name: "s1", params: ["w"], format: .binary),
            .prepare(name: "s2", sql: "SELECT 2"),
            .execute(name: "s2", params: [], format: .text),
        ]))
    }
}
