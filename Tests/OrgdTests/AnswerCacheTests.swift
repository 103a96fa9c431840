// The answer cache over HTTP against a real Postgres: every answer an orgd with the cache serves
// equals the same read from an orgd without it, through random sequences of changes (back-dated
// ones, moves, merges, archiving, grants); two callers of different scopes never see each other's
// view; a change raises the generation, the ETag follows it, If-None-Match gets 304.

import Foundation
import HTTP
@testable import App
@testable import OrgChart
@testable import OrgdApp
import Testing

@Suite("AnswerCache over HTTP")
struct AnswerCacheHTTPTests {
    /// Runs `body` with two orgd servers on the test database: the first caches answers, the
    /// second caches them only if `bothCached`.
    private func withTwoServers(bothCached: Bool = false, mode: AnswerGenerationMode = .query,
                                _ body: (Int, Int) async throws -> Void) async throws {
        try await TestEnvironment.withServer({ $0.answerCacheBytes = 8 << 20; $0.answerCacheGeneration = mode }) { cached in
            try await TestEnvironment.withServer({ $0.answerCacheBytes = bothCached ? 8 << 20 : 0 }) { other in
                try await body(cached, other)
            }
        }
    }

    /// Runs `body` with the call center of a new tenant (created through the caching orgd), the
    /// uncaching orgd's port and a client of `scoped.hr`, an HR user over the 话务组 only.
    private func withScopedChart(_ prefix: String, mode: AnswerGenerationMode = .query,
                                 _ body: (Int, CallCenter, HTTPClient) async throws -> Void) async throws {
        try await withTwoServers(mode: mode) { cached, plain in
            let org = try OrgClient.start(prefix, port: cached)
            let chart = try CallCenter(org)
            try await body(plain, chart, try org.user("scoped.hr", grade: "B+3", role: "HR", unitScope: chart.calls))
        }
    }

    /// The reads compared after every change: the chart's cached endpoints, today and in the past.
    private func reads(_ chart: CallCenter, units: [String], positions: [String], pick: inout SplitMix) -> [String] {
        let unit = units[pick.next(units.count)], position = positions[pick.next(positions.count)]
        return [
            "/v1/units/\(chart.center)/tree", "/v1/units/\(chart.center)/tree?as_of=\(orgDay(-12))",
            "/v1/units/\(chart.center)/tree?depth=1&as_of=\(orgDay(-5))", "/v1/units/\(unit)/tree",
            "/v1/units/\(chart.center)/headcount", "/v1/units/\(unit)", "/v1/units/\(unit)?as_of=\(orgDay(-8))",
            "/v1/positions/\(position)", "/v1/positions/\(position)/chain", "/v1/positions/\(chart.manager)/reports",
            "/v1/people/\(chart.liang)/chain", "/v1/units/\(chart.center)/export",
            "/v1/units/\(chart.center)/export?format=csv&resource=people",
            "/v1/org/vacancies", "/v1/org/vacancies?unit_id=\(unit)", "/v1/org/vacancies?as_of=\(orgDay(-6))",
        ]
    }

    /// In notify mode the changes are made through the caching orgd, so comparing its answers at
    /// once checks read-your-writes; a second notify orgd, which learns of them only by NOTIFY, is
    /// compared too, each read polled for up to 5 s until it equals the uncached one.
    @Test("through random changes, every answer with the cache equals the same read without it, for two callers of different scopes",
          arguments: [AnswerGenerationMode.query, .notify])
    func randomChanges(_ mode: AnswerGenerationMode) async throws {
        try await withScopedChart("cache-prop-\(mode.rawValue)", mode: mode) { plain, chart, scoped in
            if mode == .notify {
                try await TestEnvironment.withServer({ $0.answerCacheBytes = 8 << 20; $0.answerCacheGeneration = .notify }) { elsewhere in
                    try await compareThroughChanges(plain, chart, scoped, elsewhere: elsewhere)
                }
            } else {
                try await compareThroughChanges(plain, chart, scoped, elsewhere: nil)
            }
        }
    }

    private func compareThroughChanges(_ plain: Int, _ chart: CallCenter, _ scoped: HTTPClient, elsewhere: Int?) async throws {
        do {
            let org = chart.org
            let scopedID = try org.sql("SELECT id::text FROM users WHERE login = 'scoped.hr'")[0]["id"]!
            let callers = [("admin", org.client), ("scoped", scoped)]
            var units = [chart.center, chart.calls, chart.followUp]
            var positions = [chart.manager, chart.leader, chart.agent, chart.followLeader, chart.followSpecialist]
            let seed = UInt64(ProcessInfo.processInfo.environment["ORGD_CACHE_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
            var pick = SplitMix(seed)
            var changes: [String] = []
            for step in 0..<24 {
                let change = try randomChange(step, org, &units, &positions, scopedID: scopedID, &pick)
                changes.append(change)
                for (name, client) in callers {
                    let other = HTTPClient(port: plain, token: client.token)
                    for path in reads(chart, units: units, positions: positions, pick: &pick) {
                        let first = try client.get(path), second = try client.get(path), expected = try other.get(path)
                        var answers = [first, second]
                        if let elsewhere {
                            // The other instance: once the notification settled (bounded poll, no speed claim).
                            let there = HTTPClient(port: elsewhere, token: client.token)
                            var answer = try there.get(path)
                            let deadline = Date().addingTimeInterval(5)
                            while answer.status != expected.status || answer.body != expected.body, Date() < deadline {
                                try await Task.sleep(for: .milliseconds(20))
                                answer = try there.get(path)
                            }
                            answers.append(answer)
                        }
                        for answer in answers where answer.status != expected.status || answer.body != expected.body {
                            Issue.record("""
                                seed \(seed), step \(step), \(name) GET \(path): cached \(answer.status) differs from uncached \(expected.status)
                                changes: \(changes.joined(separator: "; "))
                                cached:   \(answer.text.prefix(600))
                                uncached: \(expected.text.prefix(600))
                                """)
                            return
                        }
                    }
                }
            }
            let metrics = try HTTPClient(port: org.port).get("/metrics").text
            #expect(metrics.contains("orgd_answer_cache_hits_total"))
            #expect(!metrics.contains("orgd_answer_cache_hits_total 0.0\n"))
            // Counters are typed counter, so rate() and increase() read a restart as a reset.
            for name in ["orgd_answer_cache_hits_total", "orgd_answer_cache_misses_total", "orgd_answer_cache_evictions_total"] {
                #expect(metrics.contains("# TYPE \(name) counter\n"), "\(name)")
            }
            #expect(metrics.contains("# TYPE orgd_answer_cache_bytes gauge\n"))
        }
    }

    /// One random change through the API (or, for grants and a back-dated rewrite, SQL as the
    /// owner); returns what it did, for the failure message. A change the API refuses is fine:
    /// the reads after it are compared all the same.
    private func randomChange(_ step: Int, _ org: OrgClient, _ units: inout [String], _ positions: inout [String],
                              scopedID: String, _ pick: inout SplitMix) throws -> String {
        let unit = units[pick.next(units.count)], other = units[pick.next(units.count)]
        let position = positions[pick.next(positions.count)]
        let client = org.client
        switch pick.next(10) {
        case 0:
            let response = try client.patch("/v1/units/\(unit)", json: ["name": "改名\(step)"])
            return "rename \(unit): \(response.status)"
        case 1:
            let response = try client.patch("/v1/units/\(unit)", json: ["name": "追溯\(step)", "effective_date": orgDay(-10)])
            return "back-dated rename \(unit): \(response.status)"
        case 2:
            let response = try client.post("/v1/units", json: ["name": "新组\(step)", "code": "N\(step)", "kind": "group",
                                                               "parent_id": unit, "effective_date": orgDay(-pick.next(15))])
            if response.status == 201, let id = response.json["id"] as? String { units.append(id) }
            return "create under \(unit): \(response.status)"
        case 3:
            let response = try client.post("/v1/units/\(unit)/move", json: ["parent_id": other])
            return "move \(unit) under \(other): \(response.status)"
        case 4:
            guard unit != units[0] else { return "nothing" }
            let response = try client.post("/v1/units/\(unit)/archive", json: [:])
            return "archive \(unit): \(response.status)"
        case 5:
            guard unit != units[0], unit != other else { return "nothing" }
            let response = try client.post("/v1/units/\(unit)/merge", json: ["into_id": other])
            return "merge \(unit) into \(other): \(response.status)"
        case 6:
            let response = try client.post("/v1/positions", json: ["title": "岗位\(step)", "unit_id": unit, "headcount": ["kind": "exact", "n": 2],
                                                                   "effective_date": orgDay(-pick.next(15))])
            if response.status == 201, let id = response.json["id"] as? String { positions.append(id) }
            return "position in \(unit): \(response.status)"
        case 7:
            let response = try client.patch("/v1/positions/\(position)", json: ["title": "新岗\(step)", "effective_date": orgDay(-pick.next(12))])
            return "retitle \(position): \(response.status)"
        case 8:
            let person = try org.person("员工\(step)", "E\(step)")
            let response = try org.assign(person, to: position, start: orgDay(-pick.next(14)))
            return "assign to \(position): \(response.status)"
        default:
            // The scoped user's grants: a second one over another unit, or all but the first revoked.
            if pick.next(2) == 0 {
                try org.sql("""
                    INSERT INTO grants (tenant_id, subject_kind, subject_id, role_id, scope_kind, scope_id, scope_path)
                    SELECT orgd_current_tenant(), 'user', $1::uuid, r.id, 'unit', $2::uuid, orgd_unit_path($2::uuid)::text[]
                    FROM roles r WHERE r.name = 'HR'
                    """, [scopedID, unit])
            } else {
                try org.sql("""
                    DELETE FROM grants WHERE subject_id = $1::uuid
                    AND id <> (SELECT min(id::text)::uuid FROM grants WHERE subject_id = $1::uuid)
                    """, [scopedID])
            }
            // Cached callers are dropped by NOTIFY, delivered after the commit: let it arrive.
            Thread.sleep(forTimeInterval: 0.5)
            return "grants of scoped.hr changed (\(unit))"
        }
    }

    @Test("two callers of different scopes are each answered their own view, never the other's")
    func callersKeepTheirViews() async throws {
        try await withScopedChart("cache-view") { plain, chart, scoped in
            let org = chart.org
            let paths = ["/v1/units/\(chart.center)/tree", "/v1/units/\(chart.calls)/tree", "/v1/positions/\(chart.agent)/chain",
                         "/v1/positions/\(chart.manager)/reports", "/v1/units/\(chart.calls)/export", "/v1/units/\(chart.center)/export",
                         "/v1/positions/\(chart.manager)", "/v1/units/\(chart.center)/headcount",
                         "/v1/org/vacancies", "/v1/org/vacancies?unit_id=\(chart.calls)"]
            for path in paths {
                // Each caller first, then the other, so either may find the other's answer stored.
                for (first, second) in [(org.client, scoped), (scoped, org.client)] {
                    for client in [first, second, first, second] {
                        let answer = try client.get(path)
                        let expected = try HTTPClient(port: plain, token: client.token).get(path)
                        #expect(answer.status == expected.status, "\(path)")
                        #expect(answer.body == expected.body, "\(path): \(answer.text.prefix(300)) vs \(expected.text.prefix(300))")
                    }
                }
            }
            // The views differ, so sharing one would have shown above.
            #expect(try scoped.get("/v1/units/\(chart.center)/tree").status == 404)
            #expect(try org.client.get("/v1/units/\(chart.center)/tree").status == 200)
            let adminChain = try org.client.get("/v1/positions/\(chart.agent)/chain").json["chain"] as? [Any] ?? []
            let scopedChain = try scoped.get("/v1/positions/\(chart.agent)/chain").json["chain"] as? [Any] ?? []
            #expect(adminChain.count > scopedChain.count)
        }
    }

    @Test("a change raises the generation in its own transaction; the ETag follows it and If-None-Match gets 304 without a body")
    func generationAndETag() async throws {
        try await withTwoServers(bothCached: true) { first, second in
            let org = try OrgClient.start("cache-etag", port: first)
            let chart = try CallCenter(org)
            let elsewhere = HTTPClient(port: second, token: org.client.token)
            let tree = "/v1/units/\(chart.center)/tree"
            func generation() throws -> Int { Int(try org.sql("SELECT generation FROM org_generations WHERE tenant_id = orgd_current_tenant()")[0]["generation"]!)! }

            let before = try org.client.get(tree)
            let etag = try #require(before.header("ETag"))
            #expect(etag.hasPrefix("\"g\(try generation())-"))
            #expect(try elsewhere.get(tree).header("ETag") == etag)          // the same in every process
            let unchanged = try org.client.request("GET", tree, headers: ["If-None-Match": etag])
            #expect(unchanged.status == 304)
            #expect(unchanged.body.isEmpty)
            #expect(unchanged.header("Content-Length") == nil)
            #expect(unchanged.header("ETag") == etag)
            #expect(try elsewhere.request("GET", tree, headers: ["If-None-Match": "W/\(etag)"]).status == 304)

            // A change through one instance: the other, whose answer is cached, sees it at once.
            let raised = try generation()
            #expect(try org.client.patch("/v1/units/\(chart.calls)", json: ["name": "呼入组"]).status == 200)
            #expect(try generation() == raised + 1)                               // once per transaction
            let after = try elsewhere.request("GET", tree, headers: ["If-None-Match": etag])
            #expect(after.status == 200)
            #expect(after.text.contains("呼入组"))
            #expect(after.header("ETag") != etag)

            // A back-dated change made outside the API raises it too, and the past reads show it.
            let past = "/v1/units/\(chart.calls)?as_of=\(orgDay(-25))"
            #expect(try elsewhere.get(past).text.contains("话务组"))
            try org.sql("UPDATE unit_versions SET name = '旧名' WHERE unit_id = $1::uuid AND lower(valid) <= $2::date",
                        [chart.calls, orgDay(-25)])
            #expect(try generation() == raised + 2)
            #expect(try elsewhere.get(past).text.contains("旧名"))
            #expect(try org.client.get(past).text.contains("旧名"))

            // Unit and position reads keep their revision as the ETag, which If-Match compares.
            let unit = try org.client.get("/v1/units/\(chart.calls)")
            #expect(unit.header("ETag")?.hasPrefix("\"g") == false)
        }
    }

    @Test("with --answer-cache-bytes 0 nothing is cached and answers carry no generation ETag")
    func off() async throws {
        try await TestEnvironment.withServer({ $0.answerCacheBytes = 0 }) { port in
            let org = try OrgClient.start("cache-off", port: port)
            let chart = try CallCenter(org)
            let tree = try org.client.get("/v1/units/\(chart.center)/tree")
            #expect(tree.status == 200)
            #expect(tree.header("ETag") == nil)
        }
    }
}

/// A small seeded generator (SplitMix64), so a failing sequence can be replayed with
/// ORGD_CACHE_SEED.
struct SplitMix {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return bound <= 0 ? 0 : Int(z % UInt64(bound))
    }
}
