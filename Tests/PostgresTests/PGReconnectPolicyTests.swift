// The outage rules with a fake clock: fail fast for a second, retry 250 ms, 500 ms, 1 s, 2 s.

import Postgres
import Testing

@Suite("PGReconnectPolicy")
struct PGReconnectPolicyTests {
    @Test("a healthy pool never fails fast")
    func healthy() {
        let policy = PGReconnectPolicy()
        #expect(!policy.isFailing)
        #expect(!policy.shouldFailFast(now: 0))
    }

    @Test("within a second of a failed connect requests fail fast; after it they may try again")
    func window() {
        var policy = PGReconnectPolicy()
        policy.failed(now: 10_000)
        #expect(policy.shouldFailFast(now: 10_000))
        #expect(policy.shouldFailFast(now: 10_999))
        #expect(!policy.shouldFailFast(now: 11_000))
    }

    @Test("background retries back off 250 ms, 500 ms, 1 s, then every 2 s")
    func backoff() {
        var policy = PGReconnectPolicy()
        var delays: [Int64] = []
        for attempt in 0..<6 {
            policy.failed(now: Int64(attempt) * 100)
            delays.append(policy.delay)
        }
        #expect(delays == [250, 500, 1000, 2000, 2000, 2000])
    }

    @Test("one successful connect resets the backoff and ends fast failure")
    func recovery() {
        var policy = PGReconnectPolicy()
        policy.failed(now: 0)
        policy.failed(now: 300)
        policy.succeeded()
        #expect(!policy.isFailing)
        #expect(!policy.shouldFailFast(now: 301))
        policy.failed(now: 400)
        #expect(policy.delay == 250)
    }
}
