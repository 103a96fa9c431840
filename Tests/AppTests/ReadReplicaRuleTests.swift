// The read-routing rule with a fake clock and no database: WAL positions, lag measured against
// the primary's samples, the writer's position, skipping replicas that are down or behind, and
// the bounded map of callers' positions.

@testable import App
import HTTP
import Postgres
import Testing

@Suite("Read replicas: the routing rule")
struct ReadReplicaRuleTests {
    @Test("pg_lsn text parses, prints back and orders by position")
    func lsnText() throws {
        let lsn = try #require(PGLSN("16/B374D848"))
        #expect(lsn.value == 0x16_B374_D848)
        #expect(lsn.description == "16/B374D848")
        #expect(PGLSN("0/0")! < PGLSN("0/1")!)
        #expect(PGLSN("1/0")! > PGLSN("0/FFFFFFFF")!)
        #expect(PGLSN("16B374D848") == nil)
        #expect(PGLSN("x/1") == nil)
        #expect(PGLSN("1/2/3") == nil)
    }

    @Test("an insert position just past a page header, short or a segment's long one, counts from the page's start")
    func pageHeader() {
        let segment: UInt64 = 16 << 20
        #expect(PGLSN(8192 * 3 + 24).atRecordBoundary(pageSize: 8192, segmentSize: segment) == PGLSN(8192 * 3))
        #expect(PGLSN(8192 * 3 + 40).atRecordBoundary(pageSize: 8192, segmentSize: segment) == PGLSN(8192 * 3 + 40))
        #expect(PGLSN(8192 * 3 + 100).atRecordBoundary(pageSize: 8192, segmentSize: segment) == PGLSN(8192 * 3 + 100))
        #expect(PGLSN(segment * 5 + 40).atRecordBoundary(pageSize: 8192, segmentSize: segment) == PGLSN(segment * 5))
    }

    @Test("a replica is as fresh as the newest primary sample it has replayed past")
    func history() {
        var history = PrimaryWALHistory(keepMillis: 1_000)
        #expect(history.caughtUp(to: PGLSN(500)) == nil)
        history.record(at: 0, lsn: PGLSN(100))
        history.record(at: 200, lsn: PGLSN(200))
        history.record(at: 400, lsn: PGLSN(200))
        history.record(at: 600, lsn: PGLSN(300))
        #expect(history.caughtUp(to: PGLSN(99)) == nil)
        #expect(history.caughtUp(to: PGLSN(100)) == 0)
        #expect(history.caughtUp(to: PGLSN(250)) == 400)
        #expect(history.caughtUp(to: PGLSN(900)) == 600)
        history.record(at: 1_300, lsn: PGLSN(400))                  // drops the samples before 300
        #expect(history.caughtUp(to: PGLSN(150)) == nil)
        #expect(history.caughtUp(to: PGLSN(200)) == 400)
    }

    @Test("reads go to a caught-up replica, to the primary for a write it has not replayed, and skip a stale or down one")
    func routing() {
        let replicas = ReadReplicas(ReplicaSettings(urls: ["postgresql://a", "postgresql://b"], maxLagMillis: 1_000))
        #expect(isPrimary(replicas.route(after: nil, now: 0), .noReplica))        // nothing probed yet
        replicas.replicaProbed(0, replay: PGLSN(100), at: 0)
        replicas.primarySampled(at: 10, PGLSN(100))
        #expect(isReplica(replicas.route(after: nil, now: 20), 0))
        // The caller's write at 150 is not on replica 0 yet; replica 1 is down.
        #expect(isPrimary(replicas.route(after: PGLSN(150), now: 20), .ownWrite))
        replicas.replicaProbed(0, replay: PGLSN(150), at: 30)
        #expect(isReplica(replicas.route(after: PGLSN(150), now: 40), 0))
        // The primary moves on and replica 0 stays behind: skipped once more than 1 s stale.
        replicas.primarySampled(at: 200, PGLSN(400))
        replicas.replicaProbed(0, replay: PGLSN(150), at: 1_100)
        #expect(isReplica(replicas.route(after: nil, now: 1_000), 0))
        #expect(isPrimary(replicas.route(after: nil, now: 1_020), .noReplica))
        // A second replica that replayed everything takes the reads; a failed read skips it.
        replicas.replicaProbed(1, replay: PGLSN(400), at: 1_100)
        #expect(isReplica(replicas.route(after: nil, now: 1_100), 1))
        replicas.failed(1, replicaGone: false)                  // a statement a standby cannot run
        #expect(isReplica(replicas.route(after: nil, now: 1_100), 1))
        replicas.failed(1, replicaGone: true)
        #expect(isPrimary(replicas.route(after: nil, now: 1_100), .noReplica))
        // A replica no longer in recovery (or unreachable) is down.
        replicas.replicaProbed(1, replay: nil, at: 1_150)
        #expect(isPrimary(replicas.route(after: nil, now: 1_150), .noReplica))
    }

    @Test("usable replicas take turns")
    func turns() {
        let replicas = ReadReplicas(ReplicaSettings(urls: ["postgresql://a", "postgresql://b"], maxLagMillis: 1_000))
        replicas.replicaProbed(0, replay: PGLSN(10), at: 0)
        replicas.replicaProbed(1, replay: PGLSN(10), at: 0)
        replicas.primarySampled(at: 0, PGLSN(10))
        let chosen = (0..<4).map { _ -> Int in
            if case .replica(let index) = replicas.route(after: nil, now: 1) { return index }
            return -1
        }
        #expect(chosen == [0, 1, 0, 1])
    }

    @Test("a caller's write position is kept for its time, the higher one wins, and a full map folds into a floor")
    func writeMarks() {
        let marks = WriteMarks(keepMillis: 100)
        let caller: [UInt8] = [1], other: [UInt8] = [2]
        marks.record(caller, PGLSN(50), now: 0)
        marks.record(caller, PGLSN(40), now: 10)
        #expect(marks.position(caller, now: 50) == PGLSN(50))
        #expect(marks.position(other, now: 50) == nil)
        #expect(marks.position(caller, now: 110) == nil)
        for index in 0..<WriteMarks.capacity {
            marks.record([UInt8(index & 0xff), UInt8(index >> 8 & 0xff), UInt8(index >> 16), 9], PGLSN(UInt64(index)), now: 200)
        }
        marks.record(other, PGLSN(7), now: 210)                   // the map is full: everything folds
        #expect(marks.position([3], now: 220) == PGLSN(UInt64(WriteMarks.capacity - 1)))
        #expect(marks.position(other, now: 220) == PGLSN(UInt64(WriteMarks.capacity - 1)))
        #expect(marks.position([3], now: 320) == nil)
    }

    @Test("a lost replica and a statement a standby refuses both run again on the primary; other errors do not")
    func failures() {
        #expect(ReadReplicas.failure(PGError(kind: .unavailable, message: "lost")) == .replicaGone)
        #expect(ReadReplicas.failure(PGError(kind: .refused, message: "superuser")) == .replicaGone)
        #expect(ReadReplicas.failure(PGError(kind: .timeout, message: "no answer")) == .replicaGone)
        #expect(ReadReplicas.failure(PGError(kind: .timeout, sqlState: "57014", message: "statement timeout")) == nil)
        #expect(ReadReplicas.failure(PGError(kind: .query, sqlState: "25006", message: "read-only")) == .standbyCannot)
        #expect(ReadReplicas.failure(PGError(kind: .query, sqlState: "40001", message: "recovery conflict")) == .standbyCannot)
        #expect(ReadReplicas.failure(PGError(kind: .query, sqlState: "23505", message: "unique")) == nil)
        #expect(ReadReplicas.failure(Problem.notFound("unit")) == nil)
    }

    private func isReplica(_ target: ReadTarget, _ index: Int) -> Bool {
        if case .replica(index) = target { return true }
        return false
    }

    private func isPrimary(_ target: ReadTarget, _ reason: ReadTarget.PrimaryReason) -> Bool {
        if case .primary(reason) = target { return true }
        return false
    }
}
