// Two open items of the earlier org-chart issue (issue 9, defect 7), over HTTP: an HR user scoped
// to a unit creates people there — also through the importer, which ties a new person to the unit
// of the post it appoints them to — and an appointment is ranked at every grade the post carries
// while it lasts, so a regrade already scheduled on the post is seen by the no-self-promotion and
// grade rules.

import Foundation
import Testing

@Suite("people of a unit and appointments over time, over HTTP")
struct AppointmentScopeTests {
    /// An import of one new person appointed (primary) to `title` in the unit `code`, or to nothing.
    static func newPerson(_ number: String, appointedTo post: (code: String, title: String)?) -> [String: Any] {
        var file: [String: Any] = ["people": [["employee_no": number, "name": "新人\(number)"]]]
        if let post {
            file["assignments"] = [["employee_no": number, "unit_code": post.code, "position_title": post.title]]
        }
        return file
    }

    @Test("regression (issue 9, defect 7): a unit-scoped HR user imports a person appointed in its unit, not one appointed elsewhere nor one without a post")
    func unitScopedImport() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("hr-import", port: port)
            let mine = try org.unit("售后服务部", code: "AS", kind: "department")
            let finance = try org.unit("财务部", code: "FIN", kind: "department")
            let mySeat = try org.position("服务专员", unit: mine, grade: "B+5")
            try org.position("会计", unit: finance, grade: "B+5")
            let hr = try org.user("hr.as", grade: "B+1", role: "HR", unitScope: mine)

            let imported = try hr.post("/v1/org/import", json: Self.newPerson("AS001", appointedTo: ("AS", "服务专员")))
            #expect(imported.status == 200, "\(imported.text)")
            let person = try #require(org.sql("SELECT id::text AS id, home_unit_id::text AS unit FROM people WHERE employee_no = 'AS001'").first)
            #expect(person["unit"] == mine)
            #expect(try org.sql("SELECT count(*) AS n FROM assignments WHERE position_id = $1::uuid", [mySeat]).first?["n"] == "1")
            #expect(try hr.get("/v1/people/\(person["id"]!)").status == 200)

            let elsewhere = try hr.post("/v1/org/import", json: Self.newPerson("FIN001", appointedTo: ("FIN", "会计")))
            #expect(elsewhere.status == 403, "\(elsewhere.text)")
            #expect(elsewhere.code == "SCOPE_NOT_COVERED")
            let nowhere = try hr.post("/v1/org/import", json: Self.newPerson("X001", appointedTo: nil))
            #expect(nowhere.status == 403, "\(nowhere.text)")
            #expect(try org.sql("SELECT count(*) AS n FROM people").first?["n"] == "1")
        }
    }

    @Test("regression (issue 9, defect 7): appointing to a B+4 post already scheduled to become A2 is decided at A2, for oneself and for others; an appointment ending before the regrade is not, and extending it past the regrade is")
    func scheduledRegradeIsSeen() async throws {
        try await TestEnvironment.withServer(AccountPostTests.oneLoop) { port in
            let org = try AccountPostTests.Org("scheduled-regrade", port: port)
            let (manager, _) = try org.person("张伟", "E-201", post: "B+3")
            let (user, client) = try org.account("zhang.wei", grade: nil, role: "HR")
            #expect(try org.link(user, to: manager).status == 200)
            let post = try org.post("储备岗", grade: "B+4")
            let regradeDay = orgDay(30)
            let regrade = try org.founder.patch("/v1/positions/\(post)", json: ["grade": "A2", "effective_date": regradeDay])
            #expect(regrade.status == 200, "\(regrade.text)")

            let own = try client.post("/v1/assignments", json: ["person_id": manager, "position_id": post, "kind": "concurrent"])
            #expect(own.status == 403, "\(own.text)")
            #expect(own.code == "SELF_GRADE_RAISE")
            #expect((own.json["values"] as? [String: String])?["target"] == "A2")
            let other = try org.org.person("王芳", "E-202")
            let theirs = try client.post("/v1/assignments", json: ["person_id": other, "position_id": post])
            #expect(theirs.code == "GRADE_NOT_ABOVE_TARGET", "\(theirs.text)")
            #expect((theirs.json["values"] as? [String: String])?["target"] == "A2")
            #expect(try org.assignments(of: post) == 0)

            let before = try client.post("/v1/assignments", json: ["person_id": other, "position_id": post, "end_date": orgDay(29)])
            #expect(before.status == 201, "\(before.text)")
            // Extending it through the importer past the regrade is an appointment at A2 for the days added.
            let extended = try client.post("/v1/org/import", json: ["assignments": [
                ["employee_no": "E-202", "unit_code": "CS", "position_title": "储备岗", "end_date": NSNull()],
            ]])
            #expect(extended.code == "GRADE_NOT_ABOVE_TARGET", "\(extended.text)")
            #expect(try org.org.sql("SELECT upper(valid)::text AS end_after FROM assignments WHERE position_id = $1::uuid", [post])
                .first?["end_after"] == orgDay(30))
        }
    }
}
