// Escalation through accounts (issue 9, defect 2), over HTTP against a live orgd and Postgres: a
// B+1 administrator created an account at A+1, raised another to A1, granted it Administrator and
// acted at A+ through it, while /v1/access/check and /v1/access/preview answered "allowed". Each
// step is now refused with 403 GRADE_NOT_ABOVE_TARGET, audited, and changes nothing; check and
// preview say the same; an administrator senior enough still does all of it.

import Foundation
import Testing

@Suite("escalation through accounts, over HTTP")
struct EscalationTests {
    /// The attacker: a B+1 account holding Administrator over the tenant, signed in, beside
    /// a B+3 account to raise and an A+1 chairman with no role yet.
    struct Attack {
        let fixture: AccessFixture
        let attacker: HTTPClient
        let manager: String
        let chairman: String

        init(_ prefix: String, port: Int) throws {
            fixture = try AccessFixture(prefix, port: port)
            let admin = try fixture.user("b1.admin", grade: "B+1")
            guard try fixture.grant("Administrator", to: admin).status == 201 else { throw TestFailure("grant to b1.admin") }
            manager = try fixture.user("manager", grade: "B+3")
            chairman = try fixture.user("chairman", grade: "A+1")
            attacker = try fixture.client("b1.admin")
        }

        /// Users, grants and roles of the tenant with their grades and permissions, as the owner sees them.
        func state() throws -> [[String: String]] {
            try OrgSQL.run(tenant: fixture.tenant.id, """
                SELECT 'user' AS kind, login AS name, coalesce(grade, '') AS detail FROM users
                UNION ALL SELECT 'grant', subject_id::text, role_id::text FROM grants
                UNION ALL SELECT 'role', name, coalesce(minimum_grade, '') || array_to_string(permissions, ',') FROM roles
                ORDER BY 1, 2, 3
                """)
        }

        /// The reason codes of the refused entries of `action` in the audit log.
        func refusals(_ action: String) throws -> [String] {
            try fixture.admin.get("/v1/audit?action=\(action)").items
                .filter { $0["outcome"] as? String == "refused" }
                .compactMap { ($0["reason"] as? [String: Any])?["code"] as? String }
        }
    }

    /// Expects a 403 problem+json with GRADE_NOT_ABOVE_TARGET and these values.
    static func expectRefused(_ response: RawResponse, _ values: [String: String],
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 403, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type")?.hasPrefix("application/problem+json") == true, sourceLocation: sourceLocation)
        #expect(response.code == "GRADE_NOT_ABOVE_TARGET", sourceLocation: sourceLocation)
        let shown = response.json["values"] as? [String: String] ?? [:]
        #expect(values.allSatisfy { shown[$0.key] == $0.value }, "\(shown)", sourceLocation: sourceLocation)
    }

    /// The reason code of a single check's answer, nil when allowed.
    static func checkCode(_ client: HTTPClient, _ action: String, _ target: [String: Any]) throws -> String? {
        let answer = try client.post("/v1/access/check", json: ["action": action, "target": target])
        if answer.json["allowed"] as? Bool == true { return nil }
        return (answer.json["reason"] as? [String: Any])?["code"] as? String ?? "status \(answer.status): \(answer.text)"
    }

    @Test("regression (issue 9, defect 2): a B+1 administrator cannot create an A+1 account, raise one to A1, or grant Administrator to an A+1 account; each refusal is audited and changes nothing")
    func attackRefusedAtEveryStep() async throws {
        try await TestEnvironment.withServer { port in
            let attack = try Attack("escalate", port: port)
            let before = try attack.state()
            let attacker = attack.attacker

            let created = try attacker.post("/v1/users", json: [
                "login": "shadow", "display_name": "shadow", "password": AccessFixture.password, "grade": "A+1",
            ])
            Self.expectRefused(created, ["actor": "B+1", "target": "A+1"])
            let peer = try attacker.post("/v1/users", json: ["login": "peer", "display_name": "peer", "grade": "B+1"])
            Self.expectRefused(peer, ["actor": "B+1", "target": "B+1"])
            Self.expectRefused(try attacker.patch("/v1/users/\(attack.manager)", json: ["grade": "A1"]),
                               ["actor": "B+1", "new_grade": "A1"])
            Self.expectRefused(try attack.fixture.grant("Administrator", to: attack.chairman, by: attacker),
                               ["actor": "B+1", "grantee": "A+1"])
            // And what the stolen Administrator would have been for: a top-level unit stays refused.
            let unit = try attacker.post("/v1/units", json: ["name": "影子事业部", "code": "SHADOW", "kind": "department", "tier": "A+"])
            #expect(unit.code == "RESTRUCTURE_REQUIRES_TIER", "\(unit.text)")

            #expect(try attack.state() == before)
            #expect(try attack.refusals("user.create") == ["GRADE_NOT_ABOVE_TARGET", "GRADE_NOT_ABOVE_TARGET"])
            #expect(try attack.refusals("user.update") == ["GRADE_NOT_ABOVE_TARGET"])
            #expect(try attack.refusals("grant.create") == ["GRADE_NOT_ABOVE_TARGET"])
        }
    }

    @Test("a grant made before the rule, from the B+1 administrator to the A+1 chairman, is listed as exceeding and revoked in one call")
    func legacyGrantIsFound() async throws {
        try await TestEnvironment.withServer { port in
            let attack = try Attack("escalate-legacy", port: port)
            let admin = try #require(try OrgSQL.run(tenant: attack.fixture.tenant.id,
                                                    "SELECT id::text AS id FROM users WHERE login = 'b1.admin'").first?["id"])
            // As the escalation of the issue left it: written directly, since the API now refuses it.
            let legacy = try #require(try OrgSQL.run(tenant: attack.fixture.tenant.id, """
                INSERT INTO grants (tenant_id, subject_kind, subject_id, role_id, scope_kind, granted_by)
                SELECT $1::uuid, 'user', $2::uuid, r.id, 'tenant', $3::uuid FROM roles r WHERE r.name = 'Administrator'
                RETURNING id::text AS id
                """, [attack.fixture.tenant.id, attack.chairman, admin]).first?["id"])
            let found = try attack.fixture.admin.get("/v1/access/grants/exceeding").items
            #expect(found.count == 1)
            #expect((found.first?["grant"] as? [String: Any])?["id"] as? String == legacy)
            #expect((found.first?["reason"] as? [String: Any])?["code"] as? String == "GRADE_NOT_ABOVE_TARGET")
            let revoked = try attack.fixture.admin.post("/v1/access/grants/exceeding/revoke")
            #expect((revoked.json["revoked"] as? [Any])?.count == 1, "\(revoked.text)")
            #expect(try attack.fixture.admin.get("/v1/access/grants?subject=\(attack.chairman)").items.isEmpty)
        }
    }

    @Test("check and preview refuse the same steps with the same code, and allow the legitimate ones")
    func checkAndPreviewAgree() async throws {
        try await TestEnvironment.withServer { port in
            let attack = try Attack("escalate-check", port: port)
            let attacker = attack.attacker
            let administrator = try attack.fixture.role("Administrator")
            func newGrant(_ user: String) -> [String: Any] {
                ["kind": "new_grant", "subject": ["kind": "user", "id": user], "role_id": administrator, "scope": ["kind": "tenant"]]
            }
            #expect(try Self.checkCode(attacker, "user.create", ["kind": "tenant", "grade": "A+1"]) == "GRADE_NOT_ABOVE_TARGET")
            #expect(try Self.checkCode(attacker, "user.create", ["kind": "tenant", "grade": "B+2"]) == nil)
            #expect(try Self.checkCode(attacker, "user.update", ["kind": "user", "id": attack.manager, "grade": "A1"]) == "GRADE_NOT_ABOVE_TARGET")
            #expect(try Self.checkCode(attacker, "user.update", ["kind": "user", "id": attack.manager, "grade": "B+2"]) == nil)
            #expect(try Self.checkCode(attacker, "grant.create", newGrant(attack.chairman)) == "GRADE_NOT_ABOVE_TARGET")
            #expect(try Self.checkCode(attacker, "grant.create", newGrant(attack.manager)) == nil)
            // The founder outranks every grade: the same checks are allowed.
            #expect(try Self.checkCode(attack.fixture.admin, "user.create", ["kind": "tenant", "grade": "A+1"]) == nil)
            #expect(try Self.checkCode(attack.fixture.admin, "grant.create", newGrant(attack.chairman)) == nil)

            let preview = try attacker.post("/v1/access/preview", json: ["action": "user.update", "user_id": attack.manager, "grade": "A1"])
            #expect(preview.status == 200, "\(preview.text)")
            let decision = preview.json["decision"] as? [String: Any]
            #expect(decision?["allowed"] as? Bool == false)
            #expect((decision?["reason"] as? [String: Any])?["code"] as? String == "GRADE_NOT_ABOVE_TARGET")
            let grantPreview = try attacker.post("/v1/access/preview", json: [
                "action": "grant.create",
                "grant": ["subject": ["kind": "user", "id": attack.chairman], "role_id": administrator, "scope": ["kind": "tenant"]],
            ])
            #expect(((grantPreview.json["decision"] as? [String: Any])?["reason"] as? [String: Any])?["code"] as? String
                == "GRADE_NOT_ABOVE_TARGET", "\(grantPreview.text)")
        }
    }

    @Test("an A+ administrator still creates and raises accounts below it and empowers them, and they act at their grade")
    func seniorAdministratorMayDoIt() async throws {
        try await TestEnvironment.withServer { port in
            let attack = try Attack("escalate-legit", port: port)
            #expect(try attack.fixture.grant("Administrator", to: attack.chairman).status == 201)
            let chairman = try attack.fixture.client("chairman")
            let board = try chairman.post("/v1/users", json: [
                "login": "board", "display_name": "board", "password": AccessFixture.password, "grade": "A+2",
            ])
            #expect(board.status == 201, "\(board.text)")
            let boardID = try #require(board.json["id"] as? String)
            let raised = try chairman.patch("/v1/users/\(attack.manager)", json: ["grade": "A2"])
            #expect(raised.status == 200, "\(raised.text)")
            #expect(raised.json["grade"] as? String == "A2")
            #expect(try attack.fixture.grant("Administrator", to: boardID, by: chairman).status == 201)
            let member = try attack.fixture.client("board")
            let unit = try member.post("/v1/units", json: ["name": "新事业部", "code": "NEWBIZ", "kind": "department", "tier": "A+"])
            #expect(unit.status == 201, "\(unit.text)")
        }
    }

    @Test("the importer sets grades under the same rule: a B+1 HR user imports no post at B+1 or above, nor regrades one there, and nothing is written")
    func importSetsNoGradeAtOrAboveTheActor() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("escalate-import", port: port)
            let unit = try org.unit("售后服务部", code: "AS", kind: "department")
            try org.position("服务专员", unit: unit, grade: "B+5")
            let hr = try org.user("hr.b1", grade: "B+1", role: "HR")
            let before = try org.sql("SELECT title, grade FROM position_versions ORDER BY title, lower(valid)")

            let created = try hr.post("/v1/org/import", json: ["positions": [
                ["unit_code": "AS", "title": "部门总监", "grade": "A2", "headcount": "1"],
            ]])
            Self.expectRefused(created, ["actor": "B+1", "target": "A2"])
            let raised = try hr.post("/v1/org/import", json: ["positions": [
                ["unit_code": "AS", "title": "服务专员", "grade": "B+1"],
            ]])
            Self.expectRefused(raised, ["actor": "B+1", "new_grade": "B+1"])
            #expect(try org.sql("SELECT title, grade FROM position_versions ORDER BY title, lower(valid)") == before)
            let allowed = try hr.post("/v1/org/import", json: ["positions": [
                ["unit_code": "AS", "title": "服务专员", "grade": "B+2"],
            ]])
            #expect(allowed.status == 200, "\(allowed.text)")
        }
    }

    @Test("role minimum grades and role edits: nobody sets a minimum at their own grade or widens a role someone senior holds")
    func roleEdits() async throws {
        try await TestEnvironment.withServer { port in
            let attack = try Attack("escalate-roles", port: port)
            let attacker = attack.attacker
            #expect(try attack.fixture.grant("Viewer", to: attack.chairman).status == 201)
            let before = try attack.state()

            let own = try attacker.post("/v1/access/roles", json: ["name": "Desk", "permissions": ["org.read"], "minimum_grade": "B+1"])
            Self.expectRefused(own, ["actor": "B+1", "new_grade": "B+1"])
            let viewer = try attack.fixture.role("Viewer")
            let widened = try attacker.patch("/v1/access/roles/\(viewer)", json: [
                "permissions": ["org.read", "people.read", "network.read", "org.restructure"],
            ])
            Self.expectRefused(widened, ["actor": "B+1", "holder": "A+1", "role": "Viewer"])
            #expect(try attack.state() == before)
            #expect(try attack.refusals("role.update") == ["GRADE_NOT_ABOVE_TARGET"])

            let preview = try attacker.post("/v1/access/preview", json: [
                "action": "role.update", "role_id": viewer, "permissions": ["org.read", "people.read", "network.read", "org.restructure"],
            ])
            #expect(((preview.json["decision"] as? [String: Any])?["reason"] as? [String: Any])?["code"] as? String
                == "GRADE_NOT_ABOVE_TARGET", "\(preview.text)")

            let below = try attacker.post("/v1/access/roles", json: ["name": "Desk", "permissions": ["org.read"], "minimum_grade": "B+2"])
            #expect(below.status == 201, "\(below.text)")
        }
    }
}
