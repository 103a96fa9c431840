// An account linked to an org-chart person ranks at least as high as that person's posts today,
// over HTTP against a live orgd: linking, unlinking, appointments raising the account at once,
// and the self-promotion and reach rules applied to appointments, regrades and links.

import Foundation
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("an account ranks with its person's posts, over HTTP")
struct AccountPostTests {
    /// An org with one unit, in which the founder makes posts, people and accounts.
    struct Org {
        let org: OrgClient
        let unit: String
        static let password = "long-enough-password"

        init(_ prefix: String, port: Int) throws {
            org = try OrgClient.start(prefix, port: port)
            unit = try org.unit("客户服务部", code: "CS", kind: "department", extra: ["effective_date": Self.since])
        }

        /// Posts and their unit exist since this day, so that assignments can start (and end) in the past.
        static let since = "2020-01-01"

        /// A new post at `grade` in the unit.
        func post(_ title: String, grade: String) throws -> String {
            try org.position(title, unit: unit, grade: grade, extra: ["effective_date": Self.since])
        }

        var founder: HTTPClient { org.client }

        /// A person holding a new post at `grade` (held since 2020-01-01), or no post with nil.
        func person(_ name: String, _ number: String, post grade: String?) throws -> (person: String, post: String?) {
            let person = try org.person(name, number)
            guard let grade else { return (person, nil) }
            let seat = try post("\(name)的岗位", grade: grade)
            let appointed = try org.assign(person, to: seat, start: Self.since)
            guard appointed.status == 201 else { throw TestFailure("appoint \(name): \(appointed.text)") }
            return (person, seat)
        }

        /// An account at `grade` (none with nil) holding the built-in `role` over the tenant, signed in.
        func account(_ login: String, grade: String?, role: String? = nil) throws -> (id: String, client: HTTPClient) {
            var body: [String: Any] = ["login": login, "display_name": login, "password": Self.password]
            if let grade { body["grade"] = grade }
            let created = try founder.post("/v1/users", json: body)
            guard created.status == 201, let id = created.json["id"] as? String else { throw TestFailure("create \(login): \(created.text)") }
            if let role { try grant(role, to: id) }
            return (id, HTTPClient(port: org.port, token: try org.tenant.login(port: org.port, login: login, password: Self.password)))
        }

        /// Inserts a tenant-wide grant of the role named `role` directly, as a demotion would leave it.
        func grant(_ role: String, to user: String) throws {
            _ = try org.sql("""
                INSERT INTO grants (tenant_id, subject_kind, subject_id, role_id, scope_kind)
                SELECT $1::uuid, 'user', $2::uuid, r.id, 'tenant' FROM roles r WHERE r.name = $3
                """, [org.tenant.id, user, role])
        }

        func link(_ user: String, to person: String?, by client: HTTPClient? = nil) throws -> RawResponse {
            try (client ?? founder).patch("/v1/users/\(user)", json: ["person_id": person.map { $0 as Any } ?? NSNull()])
        }

        /// The caller's own grade, effective grade and its source from `GET /v1/access/me`.
        static func grades(_ client: HTTPClient) throws -> [String?] {
            let me = try client.get("/v1/access/me").json
            return ["grade", "effective_grade", "grade_from"].map { me[$0] as? String }
        }

        func assignments(of post: String) throws -> Int {
            Int(try org.sql("SELECT count(*) AS n FROM assignments WHERE position_id = $1::uuid", [post]).first?["n"] ?? "") ?? -1
        }
    }

    /// One event loop: a link drops the loop's cached callers before it answers, so the next request
    /// sees it at once. Changes that reach the cache only by NOTIFY (appointments, regrades) are
    /// polled for (`within`).
    static func oneLoop(_ configuration: inout Configuration) { configuration.loops = 1 }

    /// Polls `condition` every 20 ms for up to `seconds`; true as soon as it holds.
    static func within(_ seconds: Double, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        } while Date() < deadline
        return try condition()
    }

    static var yesterday: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let day = calendar.date(byAdding: .day, value: -1, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test("linking gives an ungraded account its person's post grade, and unlinking takes it away")
    func linkAndUnlink() async throws {
        try await TestEnvironment.withServer(Self.oneLoop) { port in
            let org = try Org("link", port: port)
            let (person, _) = try org.person("李晓贤", "E-100", post: "B+3")
            let (user, client) = try org.account("li.xiaoxian", grade: nil, role: "HR")
            #expect(try Org.grades(client) == [nil, nil, nil])
            // Without a grade the account outranks nothing: it cannot create a B+4 post.
            let before = try client.post("/v1/positions", json: ["title": "设计师", "unit_id": org.unit, "grade": "B+4",
                                                                 "headcount": ["kind": "exact", "n": 1]])
            #expect(before.status == 403, "\(before.text)")
            #expect(before.code == "GRADE_NOT_ABOVE_TARGET")

            let linked = try org.link(user, to: person)
            #expect(linked.status == 200, "\(linked.text)")
            #expect(linked.json["person_id"] as? String == person)
            #expect(linked.json["grade"] is NSNull)
            #expect(linked.json["effective_grade"] as? String == "B+3")
            #expect(linked.json["grade_from"] as? String == "post")
            let read = try org.founder.get("/v1/users/\(user)").json
            #expect([read["effective_grade"] as? String, read["grade_from"] as? String] == ["B+3", "post"])
            #expect(try Org.grades(client) == [nil, "B+3", "post"])
            let after = try client.post("/v1/positions", json: ["title": "设计师", "unit_id": org.unit, "grade": "B+4",
                                                                "headcount": ["kind": "exact", "n": 1]])
            #expect(after.status == 201, "\(after.text)")
            let audit = try org.founder.get("/v1/audit?action=user.link_person").items
            #expect(audit.contains { $0["outcome"] as? String != "refused" }, "\(audit)")

            let unlinked = try org.link(user, to: nil)
            #expect(unlinked.status == 200, "\(unlinked.text)")
            #expect(unlinked.json["person_id"] is NSNull)
            #expect(try Org.grades(client) == [nil, nil, nil])
            let again = try client.post("/v1/positions", json: ["title": "设计师二", "unit_id": org.unit, "grade": "B+4",
                                                                "headcount": ["kind": "exact", "n": 1]])
            #expect(again.code == "GRADE_NOT_ABOVE_TARGET", "\(again.text)")
        }
    }

    @Test("an account's own grade counts when it is higher than its person's posts")
    func ownGradeWins() async throws {
        try await TestEnvironment.withServer(Self.oneLoop) { port in
            let org = try Org("own", port: port)
            let (person, _) = try org.person("王强", "E-101", post: "B+5")
            let (user, client) = try org.account("wang.qiang", grade: "B+2")
            #expect(try org.link(user, to: person).status == 200)
            #expect(try Org.grades(client) == ["B+2", "B+2", "account"])
        }
    }

    @Test("appointing the linked person to a higher post raises the account within a second; ending it lowers it again")
    func appointmentRaisesAtOnce() async throws {
        try await TestEnvironment.withServer(Self.oneLoop) { port in
            let org = try Org("raise", port: port)
            let (person, _) = try org.person("赵敏", "E-102", post: nil)
            let (user, client) = try org.account("zhao.min", grade: "B+5")
            #expect(try org.link(user, to: person).status == 200)
            // The caller is now cached on this instance.
            #expect(try Org.grades(client) == ["B+5", "B+5", "account"])
            let post = try org.post("区域副总监", grade: "B+2")
            let appointed = try org.org.assign(person, to: post, kind: "concurrent", start: Org.since)
            #expect(appointed.status == 201, "\(appointed.text)")
            #expect(try Self.within(1) { try Org.grades(client) == ["B+5", "B+2", "post"] })

            let assignment = try #require(appointed.json["id"] as? String)
            let ended = try org.founder.post("/v1/assignments/\(assignment)/end", json: ["end_date": Self.yesterday])
            #expect(ended.status == 200, "\(ended.text)")
            #expect(try Self.within(1) { try Org.grades(client) == ["B+5", "B+5", "account"] })
        }
    }

    @Test("a B+3 manager cannot appoint himself to an A2 post nor to another B+3 post, but may take a B+5 one")
    func selfAppointment() async throws {
        try await TestEnvironment.withServer(Self.oneLoop) { port in
            let org = try Org("self-appoint", port: port)
            let (person, _) = try org.person("张伟", "E-103", post: "B+3")
            let (user, client) = try org.account("zhang.wei", grade: nil, role: "HR")
            #expect(try org.link(user, to: person).status == 200)
            let director = try org.post("财务总监", grade: "A2")
            let refused = try client.post("/v1/assignments", json: ["person_id": person, "position_id": director, "kind": "concurrent"])
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.code == "SELF_GRADE_RAISE")
            let values = refused.json["values"] as? [String: String]
            #expect(values?["actor"] == "B+3")
            #expect(values?["target"] == "A2")
            #expect(try org.assignments(of: director) == 0)
            let audit = try org.founder.get("/v1/audit?action=assignment.create").items
            let refusal = audit.first { $0["outcome"] as? String == "refused" }
            #expect((refusal?["reason"] as? [String: Any])?["code"] as? String == "SELF_GRADE_RAISE", "\(audit)")

            let peer = try org.post("另一经理", grade: "B+3")
            #expect(try client.post("/v1/assignments", json: ["person_id": person, "position_id": peer, "kind": "concurrent"]).code
                    == "SELF_GRADE_RAISE")
            #expect(try org.assignments(of: peer) == 0)
            let lower = try org.post("专员", grade: "B+5")
            let allowed = try client.post("/v1/assignments", json: ["person_id": person, "position_id": lower, "kind": "concurrent"])
            #expect(allowed.status == 201, "\(allowed.text)")
        }
    }

    @Test("a B+1 director cannot regrade the B+3 post he holds upward, but may lower it")
    func selfRegrade() async throws {
        try await TestEnvironment.withServer(Self.oneLoop) { port in
            let org = try Org("self-regrade", port: port)
            let (person, post) = try org.person("陈刚", "E-104", post: "B+3")
            let (user, client) = try org.account("chen.gang", grade: "B+1", role: "HR")
            #expect(try org.link(user, to: person).status == 200)
            let refused = try client.patch("/v1/positions/\(post!)", json: ["grade": "B+2"])
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.code == "SELF_GRADE_RAISE")
            #expect(try org.founder.get("/v1/positions/\(post!)").json["grade"] as? String == "B+3")
            let lowered = try client.patch("/v1/positions/\(post!)", json: ["grade": "B+4"])
            #expect(lowered.status == 200, "\(lowered.text)")
            #expect(try Self.within(1) { try Org.grades(client) == ["B+1", "B+1", "account"] })
        }
    }

    @Test("an A1 with HR cannot appoint someone to a post that wakes a role with permissions A1 lacks")
    func promotionWakesDormantRole() async throws {
        try await TestEnvironment.withServer(Self.oneLoop) { port in
            let org = try Org("wake", port: port)
            let role = try org.founder.post("/v1/access/roles", json: ["name": "Senior auditor", "permissions": ["audit.read"],
                                                                       "minimum_grade": "B+2"])
            #expect(role.status == 201, "\(role.text)")
            let (person, _) = try org.person("孙丽", "E-105", post: nil)
            let (sleeper, _) = try org.account("sun.li", grade: "B+5")
            try org.grant("Senior auditor", to: sleeper)
            #expect(try org.link(sleeper, to: person).status == 200)
            let (_, president) = try org.account("president", grade: "A1", role: "HR")
            let post = try org.post("区域副总监", grade: "B+2")
            let refused = try president.post("/v1/assignments", json: ["person_id": person, "position_id": post, "kind": "primary"])
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.code == "PROMOTION_EXCEEDS_ACTOR")
            #expect((refused.json["values"] as? [String: String])?["role"] == "Senior auditor")
            #expect(try org.assignments(of: post) == 0)
            // A B+3 post stays below the role's minimum: nothing wakes.
            let manager = try org.post("经理", grade: "B+3")
            #expect(try president.post("/v1/assignments", json: ["person_id": person, "position_id": manager, "kind": "primary"]).status == 201)
        }
    }

    @Test("linking one's own account to a higher post is SELF_GRADE_RAISE; to a lower one it is allowed")
    func selfLink() async throws {
        try await TestEnvironment.withServer(Self.oneLoop) { port in
            let org = try Org("self-link", port: port)
            let (high, _) = try org.person("钱总", "E-106", post: "A2")
            let (low, _) = try org.person("钱经理", "E-107", post: "B+4")
            let (admin, client) = try org.account("qian", grade: "B+3", role: "Administrator")
            let refused = try org.link(admin, to: high, by: client)
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.code == "SELF_GRADE_RAISE")
            #expect(try org.founder.get("/v1/users/\(admin)").json["person_id"] is NSNull)
            let audit = try org.founder.get("/v1/audit?action=user.link_person").items
            #expect(audit.contains { ($0["reason"] as? [String: Any])?["code"] as? String == "SELF_GRADE_RAISE" }, "\(audit)")
            #expect(try org.link(admin, to: low, by: client).status == 200)
            #expect(try Org.grades(client) == ["B+3", "B+3", "account"])
        }
    }

    @Test("checks and grant revocations rank a linked account by its post: a B+1 administrator cannot touch an A2 director's")
    func targetsRankByPost() async throws {
        try await TestEnvironment.withServer(Self.oneLoop) { port in
            let org = try Org("acctarget", port: port)
            let (director, directorClient) = try org.account("director", grade: nil, role: "Viewer")
            let (_, admin) = try org.account("b1.admin", grade: "B+1", role: "Administrator")
            let check: [String: Any] = ["action": "user.update", "target": ["kind": "user", "id": director]]
            #expect(try admin.post("/v1/access/check", json: check).json["allowed"] as? Bool == true)

            let (person, _) = try org.person("钱总监", "A2-1", post: "A2")
            #expect(try org.link(director, to: person).status == 200)
            #expect(try Org.grades(directorClient)[1] == "A2")
            let refused = try admin.post("/v1/access/check", json: check).json
            #expect(refused["allowed"] as? Bool == false)
            #expect((refused["reason"] as? [String: Any])?["code"] as? String == "GRADE_NOT_ABOVE_TARGET")

            let grant = try #require(org.org.sql("SELECT id::text AS id FROM grants WHERE subject_id = $1::uuid", [director]).first?["id"])
            let revoke = try admin.delete("/v1/access/grants/\(grant)")
            #expect(revoke.status == 403, "\(revoke.text)")
            #expect(revoke.json["code"] as? String == "GRADE_NOT_ABOVE_TARGET")
            #expect(try org.org.sql("SELECT count(*) AS n FROM grants WHERE subject_id = $1::uuid", [director]).first?["n"] == "1")
        }
    }

    @Test("a link names a person of this tenant with no other account: 422 unknown, 409 taken, 422 for another tenant's")
    func linkRefusals() async throws {
        try await TestEnvironment.withServer(Self.oneLoop) { port in
            let org = try Org("link-refusals", port: port)
            let (person, _) = try org.person("周杰", "E-108", post: "B+4")
            let (first, _) = try org.account("zhou.first", grade: nil)
            let (second, _) = try org.account("zhou.second", grade: nil)

            let nobody = UUID().uuidString.lowercased()
            let unknown = try org.link(first, to: nobody)
            #expect(unknown.status == 422, "\(unknown.text)")
            #expect(unknown.json["field"] as? String == "person_id")
            #expect(try org.link(first, to: "not-an-id").status == 422)

            #expect(try org.link(first, to: person).status == 200)
            let taken = try org.link(second, to: person)
            #expect(taken.status == 409, "\(taken.text)")
            #expect(taken.code == "PERSON_ALREADY_LINKED")
            #expect(taken.json["user_id"] as? String == first)
            #expect(try org.founder.get("/v1/users/\(second)").json["person_id"] is NSNull)
            // Relinking the same account to its own person is no change, not a conflict.
            #expect(try org.link(first, to: person).status == 200)

            let other = try Org("link-other", port: port)
            let (foreign, _) = try other.person("外人", "E-900", post: "A2")
            let leaked = try org.link(second, to: foreign)
            #expect(leaked.status == 422, "\(leaked.text)")
            #expect(leaked.code == unknown.code)
            #expect(leaked.json["rule"] as? String == unknown.json["rule"] as? String)
            // The same answer as for an id nobody has: nothing says the person exists elsewhere.
            #expect((leaked.json["detail"] as? String)?.replacingOccurrences(of: foreign, with: "X")
                    == (unknown.json["detail"] as? String)?.replacingOccurrences(of: nobody, with: "X"))
            #expect(try org.founder.get("/v1/users/\(second)").json["person_id"] is NSNull)
        }
    }
}
