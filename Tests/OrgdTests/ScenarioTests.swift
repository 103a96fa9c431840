// Reorganisation scenarios over HTTP against a real Postgres and a live orgd: merging 培训组 into
// 业务组 as a scenario from draft to apply on a future day (impact with the people and grants
// affected, approval refused to a lower grade and to the author, live reads unchanged until the
// day), a scenario refused at apply because another one archived what it changes, two applies at
// once, and tenant isolation for every scenario route and table.

import Foundation
import HTTP
@testable import App
@testable import OrgChart
@testable import OrgdApp
import Testing

// Serialized: the scheduler test's orgd applies every tenant's due scenarios each second, which
// would race the test of two applies at once.
@Suite("reorganisation scenarios", .serialized)
struct ScenarioTests {
    /// The first day of next month, as HR would choose for a restructuring.
    static var firstOfNextMonth: String {
        let (year, month, _) = Day.today.adding(months: 1).civil
        return Day(year: year, month: month, day: 1).description
    }

    /// `orgd scenarios apply-due --today DAY --tenant ID` as orgd_app (this test's tenant only:
    /// the other tests' scenarios are theirs to apply); its output.
    static func applyDue(_ day: String, tenant: String) throws -> (status: Int32, output: String) {
        try Subprocess.run(Subprocess.orgdBinary, ["scenarios", "apply-due", "--today", day, "--tenant", tenant],
                           environment: ["ORGD_DATABASE_URL": try TestEnvironment.databaseURL,
                                         "ORGD_SQL_DIR": TestEnvironment.repositoryRoot + "/sql",
                                         "ORGD_DOCS_DIR": TestEnvironment.repositoryRoot + "/docs"])
    }

    struct Chart {
        var board: String, center: String, training: String, business: String
        var trainer: String, clerk: String, zhang: String, li: String
    }

    /// 董事会 › 客服中心 › 培训组 (培训专员, held by 张三) and 业务组 (业务员, held by 李四).
    static func chart(_ org: OrgClient) throws -> Chart {
        let board = try org.unit("董事会", code: "B", kind: "board", tier: "A+")
        let center = try org.unit("客服中心", code: "CS", kind: "center", parent: board)
        let training = try org.unit("培训组", code: "CS-T", kind: "group", parent: center)
        let business = try org.unit("业务组", code: "CS-B", kind: "group", parent: center)
        let trainer = try org.position("培训专员", unit: training, grade: "B+3")
        let clerk = try org.position("业务员", unit: business, grade: "B+4")
        let zhang = try org.person("张三", "E001"), li = try org.person("李四", "E002")
        #expect(try org.assign(zhang, to: trainer).status == 201)
        #expect(try org.assign(li, to: clerk).status == 201)
        return Chart(board: board, center: center, training: training, business: business, trainer: trainer, clerk: clerk, zhang: zhang, li: li)
    }

    static func draft(_ client: HTTPClient, _ name: String, on day: String, changes: [[String: Any]]) throws -> String {
        let created = try client.post("/v1/scenarios", json: ["name": name, "effective_date": day])
        guard created.status == 201, let id = created.json["id"] as? String else { throw TestFailure("create scenario: \(created.text)") }
        for change in changes {
            let added = try client.post("/v1/scenarios/\(id)/changes", json: change)
            guard added.status == 201 else { throw TestFailure("add change \(change): \(added.status) \(added.text)") }
        }
        return id
    }

    static func names(_ tree: RawResponse) -> [String] {
        func walk(_ node: [String: Any]) -> [String] {
            [node["name"] as? String ?? ""] + ((node["children"] as? [[String: Any]]) ?? []).flatMap(walk)
        }
        return walk(tree.json["unit"] as? [String: Any] ?? [:])
    }

    @Test("merging 培训组 into 业务组: draft, impact, refused to a lower grade and to nobody else, applied on its day by apply-due, live reads unchanged until then")
    func mergeEndToEnd() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("scenmerge", port: port)
            let chart = try Self.chart(org)
            let hr = try org.user("hr.wang", grade: "A1")
            let clerkUser = try org.user("clerk.zhao", grade: "B+2")
            _ = try org.user("trainer.lead", grade: "B+1", unitScope: chart.training)
            let day = Self.firstOfNextMonth

            // HR drafts the merge and the surviving group's new name.
            let id = try Self.draft(hr, "合并培训组与业务组", on: day, changes: [
                ["type": "unit.merge", "target_id": chart.training, "body": ["into_id": chart.business]],
                ["type": "unit.update", "target_id": chart.business, "body": ["name": "业务培训组"]],
            ])
            let changes = try hr.get("/v1/scenarios/\(id)/changes")
            #expect(changes.orgItems.map { $0["type"] as? String } == ["unit.merge", "unit.update"])
            // A change carrying its own date is refused: the scenario's day is used.
            let dated = try hr.post("/v1/scenarios/\(id)/changes", json: ["type": "unit.archive", "target_id": chart.training,
                                                                            "body": ["effective_date": day]])
            #expect(dated.status == 422 && dated.json["field"] as? String == "body.effective_date", "\(dated.text)")

            // The impact: the group removed, its post moved with its holder, the grant over it stranded.
            let impact = try hr.get("/v1/scenarios/\(id)/impact")
            #expect(impact.status == 200, "\(impact.text)")
            let units = impact.json["units"] as? [String: Any]
            #expect(units?["removed"] as? [String] == [chart.training], "\(impact.text)")
            #expect(units?["renamed"] as? [String] == [chart.business])
            #expect((impact.json["positions"] as? [String: Any])?["moved"] as? [String] == [chart.trainer])
            #expect((impact.json["people_without_post"] as? [String])?.isEmpty == true)
            let headcount = impact.json["headcount"] as? [[String: Any]] ?? []
            let business = headcount.first { $0["unit_id"] as? String == chart.business }
            #expect((business?["before"] as? [String: Any])?["filled"] as? Int == 1)
            #expect((business?["after"] as? [String: Any])?["filled"] as? Int == 2)
            let grants = (impact.json["access"] as? [String: Any])?["grants"] as? [[String: Any]] ?? []
            #expect(grants.count == 1 && grants.first?["effect"] as? String == "reaches_nothing", "\(impact.text)")
            #expect(grants.first?["unit_id"] as? String == chart.training)

            // The tree as the scenario would leave it, and live as it is.
            let planned = try hr.get("/v1/units/\(chart.center)/tree?scenario=\(id)")
            #expect(planned.status == 200, "\(planned.text)")
            #expect(Self.names(planned).contains("业务培训组") && !Self.names(planned).contains("培训组"), "\(planned.text)")
            let live = try hr.get("/v1/units/\(chart.center)/tree?as_of=\(day)")
            #expect(Self.names(live).contains("培训组") && !Self.names(live).contains("业务培训组"))
            #expect(try hr.get("/v1/scenarios/\(id)/validation").json["valid"] as? Bool == true)
            let diagram = try hr.get("/v1/scenarios/\(id)/diagram?unit_id=\(chart.center)")
            #expect(diagram.status == 200 && diagram.header("Content-Type") == "image/svg+xml", "\(diagram.text)")
            #expect(diagram.text.contains("data-unit=\"\(chart.business)\" data-change=\"renamed\""))
            #expect(diagram.text.contains("撤销 removed: 培训组") && diagram.text.contains("业务培训组"))

            // Submitted; approval refused below the top tier (the author at A1, a clerk at B+2).
            #expect(try hr.post("/v1/scenarios/\(id)/submit").status == 200)
            for refused in [try hr.post("/v1/scenarios/\(id)/approve", json: [:]), try clerkUser.post("/v1/scenarios/\(id)/approve", json: [:])] {
                #expect(refused.status == 403 && refused.json["code"] as? String == "RESTRUCTURE_REQUIRES_TIER", "\(refused.text)")
            }
            // Decided by the policy (scenario.decide), so each refusal is audited like any other.
            let refusals = try org.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'scenario.decide' AND outcome = 'refused'")
            #expect(refusals.first?["n"] == "2", "\(refusals)")
            // The founder (top tier) approves; the day has not come, so nothing changes yet.
            let approved = try org.client.post("/v1/scenarios/\(id)/approve", json: ["note": "同意，下月一日生效"])
            #expect(approved.status == 200 && approved.json["state"] as? String == "approved", "\(approved.text)")
            #expect(try org.client.post("/v1/scenarios/\(id)/apply").json["code"] as? String == "SCENARIO_NOT_DUE")
            #expect(try org.client.get("/v1/units/\(chart.training)?as_of=\(day)").json["archived"] as? Bool == false)

            // The day before: nothing due. The day: applied, once.
            let before = try Self.applyDue(OrgDate.dayBefore(day), tenant: org.tenant.id)
            #expect(before.status == 0, "\(before.output)")
            #expect(try org.client.get("/v1/scenarios/\(id)").json["state"] as? String == "approved")
            let run = try Self.applyDue(day, tenant: org.tenant.id)
            #expect(run.status == 0, "\(run.output)")
            let applied = try org.client.get("/v1/scenarios/\(id)")
            #expect(applied.json["state"] as? String == "applied", "\(applied.text) \(run.output)")
            #expect(try org.client.get("/v1/units/\(chart.training)?as_of=\(day)").json["archived"] as? Bool == true)
            #expect(try org.client.get("/v1/units/\(chart.business)?as_of=\(day)").json["name"] as? String == "业务培训组")
            #expect(try org.client.get("/v1/units/\(chart.training)").json["archived"] as? Bool == false)     // today, still live
            #expect(try org.client.get("/v1/positions/\(chart.trainer)?as_of=\(day)").json["unit_id"] as? String == chart.business)
            let feed = try org.client.get("/v1/org/changes?from=\(day)&to=\(day)").orgItems
            #expect(feed.count == 1 && feed.first?["action"] as? String == "scenario.apply", "\(feed)")
            #expect(feed.first?["resource_id"] as? String == id)
            #expect(((feed.first?["after"] as? [String: Any])?["changes"] as? [[String: Any]])?.count == 2)
            let again = try org.client.post("/v1/scenarios/\(id)/apply")
            #expect(again.status == 409 && again.json["code"] as? String == "SCENARIO_ALREADY_APPLIED", "\(again.text)")
            let audit = try org.sql("SELECT action FROM audit_log WHERE resource_type = 'scenario' AND resource_id = $1 ORDER BY id", [id])
            #expect(audit.map { $0["action"] } == ["scenario.create", "scenario.change.add", "scenario.change.add", "scenario.submit",
                                                   "scenario.approve", "scenario.apply"], "\(audit)")
        }
    }

    @Test("two HR users editing one draft: the second with a stale If-Match gets 412 and its change is not added")
    func concurrentEditing() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("scenedit", port: port)
            let chart = try Self.chart(org)
            let other = try org.user("hr.li", grade: "A2")
            let id = try Self.draft(org.client, "调整", on: "2099-01-01", changes: [])
            let etag = try #require(try org.client.get("/v1/scenarios/\(id)").header("ETag"))
            let first = try org.client.request("POST", "/v1/scenarios/\(id)/changes", body: [
                "type": "unit.update", "target_id": chart.business, "body": ["name": "业务一组"]], headers: ["If-Match": etag])
            #expect(first.status == 201, "\(first.text)")
            #expect(first.header("ETag") != etag)
            let second = try other.request("POST", "/v1/scenarios/\(id)/changes", body: [
                "type": "unit.update", "target_id": chart.training, "body": ["name": "培训一组"]], headers: ["If-Match": etag])
            #expect(second.status == 412 && second.json["code"] as? String == "PRECONDITION_FAILED", "\(second.text)")
            let listed = try org.client.get("/v1/scenarios/\(id)/changes")
            #expect(listed.orgItems.count == 1 && listed.header("ETag") == first.header("ETag"))
            let renamed = try other.request("PATCH", "/v1/scenarios/\(id)", body: ["name": "调整二"], headers: ["If-Match": first.header("ETag") ?? ""])
            #expect(renamed.status == 200 && renamed.json["name"] as? String == "调整二", "\(renamed.text)")
            #expect(try org.client.post("/v1/scenarios/\(id)/submit").status == 200)
            let late = try other.post("/v1/scenarios/\(id)/changes", json: ["type": "unit.archive", "target_id": chart.training, "body": [:]])
            #expect(late.status == 409 && late.json["code"] as? String == "SCENARIO_NOT_DRAFT", "\(late.text)")
        }
    }

    @Test("a preview follows its draft: a change added between two reads of tree?scenario= shows at once, with the answer cache on")
    func previewFollowsDraft() async throws {
        try await TestEnvironment.withServer({ $0.answerCacheBytes = 8 << 20 }) { port in
            let org = try OrgClient.start("scenpreview", port: port)
            let chart = try Self.chart(org)
            let id = try Self.draft(org.client, "改名", on: "2099-01-01", changes: [
                ["type": "unit.update", "target_id": chart.business, "body": ["name": "业务一组"]]])
            let path = "/v1/units/\(chart.center)/tree?scenario=\(id)"
            let first = try org.client.get(path)
            #expect(first.status == 200 && Self.names(first).contains("业务一组"), "\(first.text)")
            #expect(Self.names(try org.client.get(path)).contains("培训组"))   // twice: a cache would now hold it
            let added = try org.client.post("/v1/scenarios/\(id)/changes", json: [
                "type": "unit.update", "target_id": chart.training, "body": ["name": "培训一组"]])
            #expect(added.status == 201, "\(added.text)")
            let second = try org.client.get(path)
            #expect(Self.names(second).contains("培训一组") && !Self.names(second).contains("培训组"), "\(second.text)")
            // The live tree is untouched by either.
            #expect(Self.names(try org.client.get("/v1/units/\(chart.center)/tree")).contains("培训组"))
        }
    }

    @Test("reporting lines as a scenario would leave them: a chain and a manager's reports with ?scenario=, the live ones unchanged")
    func reportingLines() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("scenlines", port: port)
            let chart = try Self.chart(org)
            let lead = try org.position("培训主管", unit: chart.center, grade: "B+2")
            let id = try Self.draft(org.client, "培训专员改向主管汇报", on: "2099-01-01", changes: [
                ["type": "position.update", "target_id": chart.trainer, "body": ["reports_to": lead]]])
            func chainIDs(_ response: RawResponse) -> [String] {
                ((response.json["chain"] as? [[String: Any]]) ?? []).map { $0["id"] as? String ?? "" }
            }
            let planned = try org.client.get("/v1/positions/\(chart.trainer)/chain?scenario=\(id)")
            #expect(planned.status == 200 && planned.json["as_of"] as? String == "2099-01-01", "\(planned.text)")
            #expect(chainIDs(planned).contains(lead), "\(planned.text)")
            let personal = try org.client.get("/v1/people/\(chart.zhang)/chain?scenario=\(id)")
            #expect(chainIDs(personal).contains(lead), "\(personal.text)")
            let reports = try org.client.get("/v1/positions/\(lead)/reports?scenario=\(id)")
            #expect(reports.status == 200 && ((reports.json["reports"] as? [[String: Any]]) ?? []).map { $0["id"] as? String ?? "" }.contains(chart.trainer), "\(reports.text)")
            // Live, on the same day: nothing reports to the lead, and the trainer's chain is itself.
            #expect(!chainIDs(try org.client.get("/v1/positions/\(chart.trainer)/chain?as_of=2099-01-01")).contains(lead))
            let liveReports = try org.client.get("/v1/positions/\(lead)/reports?as_of=2099-01-01").json["reports"] as? [Any]
            #expect(liveReports?.isEmpty == true)
            #expect(try org.client.get("/v1/positions/\(chart.trainer)/chain?scenario=00000000-0000-4000-8000-000000000000").status == 404)
        }
    }

    @Test("creating, regrading and ending in a scenario: a new unit and post, a regraded post, a person left without a post")
    func otherChangeTypes() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("scentypes", port: port)
            let chart = try Self.chart(org)
            let assignment = try #require(try org.sql("SELECT id::text AS id FROM assignments WHERE person_id = $1", [chart.li]).first?["id"])
            let id = try Self.draft(org.client, "新设质检组", on: "2099-01-01", changes: [
                ["type": "unit.create", "body": ["name": "质检组", "code": "CS-Q", "kind": "group", "parent_id": chart.center]],
                ["type": "position.create", "body": ["unit_id": chart.business, "title": "质检员", "grade": "B+4",
                                                     "headcount": ["kind": "exact", "n": 1]]],
                ["type": "position.update", "target_id": chart.clerk, "body": ["grade": "B+3"]],
                ["type": "assignment.end", "target_id": assignment],
                ["type": "handoff.create", "target_id": chart.training, "body": ["to_unit_id": chart.business, "note": "培训后转业务"]],
            ])
            let impact = try org.client.get("/v1/scenarios/\(id)/impact")
            #expect(impact.status == 200, "\(impact.text)")
            #expect(((impact.json["units"] as? [String: Any])?["added"] as? [String])?.count == 1, "\(impact.text)")
            let positions = impact.json["positions"] as? [String: Any]
            #expect((positions?["added"] as? [String])?.count == 1)
            #expect(positions?["regraded"] as? [String] == [chart.clerk])
            #expect(impact.json["people_without_post"] as? [String] == [chart.li])
            #expect(((impact.json["new_vacancies"] as? [String]) ?? []).contains(chart.clerk), "\(impact.text)")
            #expect(try org.client.get("/v1/scenarios/\(id)/validation").json["valid"] as? Bool == true)
            // The vacancy list and the span violations as the scenario would leave them, on its day.
            let vacancies = try org.client.get("/v1/org/vacancies?scenario=\(id)")
            #expect(vacancies.json["as_of"] as? String == "2099-01-01", "\(vacancies.text)")
            let titles = vacancies.orgItems.compactMap { $0["title"] as? String }
            #expect(titles.contains("质检员") && titles.contains("业务员"), "\(vacancies.text)")
            let liveTitles = try org.client.get("/v1/org/vacancies?as_of=2099-01-01").orgItems.compactMap { $0["title"] as? String }
            #expect(!liveTitles.contains("质检员") && !liveTitles.contains("业务员"), "\(liveTitles)")
            let spans = try org.client.get("/v1/org/span-violations?scenario=\(id)")
            #expect(spans.status == 200 && spans.json["as_of"] as? String == "2099-01-01", "\(spans.text)")
            // Nothing of it is live.
            #expect(try org.sql("SELECT count(*) AS n FROM unit_versions WHERE code = 'CS-Q'")[0]["n"] == "0")
            #expect(try org.client.get("/v1/positions/\(chart.clerk)?as_of=2099-01-01").json["grade"] as? String == "B+4")
            #expect(try org.sql("SELECT count(*) AS n FROM unit_handoffs")[0]["n"] == "0")
        }
    }

    @Test("orgd's own scheduler applies an approved scenario when its day comes, once")
    func scheduler() async throws {
        try await TestEnvironment.withServer({ $0.scenarioIntervalSeconds = 1 }) { port in
            let org = try OrgClient.start("scensched", port: port)
            let chart = try Self.chart(org)
            _ = try org.client.request("PUT", "/v1/scenario-settings", body: ["allow_self_approval": true])
            let id = try Self.draft(org.client, "改名", on: "2099-01-01", changes: [
                ["type": "unit.update", "target_id": chart.business, "body": ["name": "业务一组"]],
            ])
            #expect(try org.client.post("/v1/scenarios/\(id)/submit").status == 200)
            #expect(try org.client.post("/v1/scenarios/\(id)/approve", json: [:]).json["state"] as? String == "approved")
            try await Task.sleep(for: .seconds(2))
            #expect(try org.client.get("/v1/scenarios/\(id)").json["state"] as? String == "approved")     // not due
            try org.sql("UPDATE scenarios SET effective_date = current_date WHERE id = $1", [id])      // the day comes
            var state = ""
            for _ in 0..<40 where state != "applied" {
                try await Task.sleep(for: .milliseconds(250))
                state = try org.client.get("/v1/scenarios/\(id)").json["state"] as? String ?? ""
            }
            #expect(state == "applied")
            #expect(try org.client.get("/v1/units/\(chart.business)").json["name"] as? String == "业务一组")
            try await Task.sleep(for: .seconds(2))
            let batches = try org.sql("SELECT count(*) AS n FROM org_changes WHERE action = 'scenario.apply' AND resource_id = $1", [id])
            #expect(batches[0]["n"] == "1")

            // One that no longer applies when its day comes: kept approved, the problem on it, audited as orgd's.
            let empty = try org.unit("质检组", code: "CS-Q", kind: "group", parent: chart.center)
            let archive = try Self.draft(org.client, "撤销质检组", on: "2099-01-01", changes: [
                ["type": "unit.archive", "target_id": empty, "body": [:]],
            ])
            #expect(try org.client.post("/v1/scenarios/\(archive)/submit").status == 200)
            #expect(try org.client.post("/v1/scenarios/\(archive)/approve", json: [:]).status == 200)
            try org.position("质检员", unit: empty)                                                   // live, since approval
            try org.sql("UPDATE scenarios SET effective_date = current_date WHERE id = $1", [archive])
            var lastError: [String: Any]?
            for _ in 0..<40 where lastError == nil {
                try await Task.sleep(for: .milliseconds(250))
                lastError = try org.client.get("/v1/scenarios/\(archive)").json["last_error"] as? [String: Any]
            }
            #expect(lastError?["code"] as? String == "SCENARIO_CONFLICT", "\(String(describing: lastError))")
            #expect((lastError?["conflict"] as? [String: Any])?["code"] as? String == "UNIT_HAS_POSITIONS")
            #expect(try org.client.get("/v1/scenarios/\(archive)").json["state"] as? String == "approved")
            #expect(try org.client.get("/v1/units/\(empty)").json["archived"] as? Bool == false)
            let audited = try org.sql("""
                SELECT actor_kind, outcome FROM audit_log WHERE action = 'scenario.apply' AND resource_id = $1 LIMIT 1
                """, [archive])
            #expect(audited.first?["actor_kind"] == "system" && audited.first?["outcome"] == "failed", "\(audited)")
        }
    }

    @Test("an author cannot approve their own scenario unless the tenant allows it")
    func selfApproval() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("scenself", port: port)
            let chart = try Self.chart(org)
            let id = try Self.draft(org.client, "改名", on: "2099-01-01", changes: [
                ["type": "unit.update", "target_id": chart.business, "body": ["name": "业务一组"]],
            ])
            #expect(try org.client.post("/v1/scenarios/\(id)/submit").status == 200)
            let refused = try org.client.post("/v1/scenarios/\(id)/approve", json: [:])
            #expect(refused.status == 403 && refused.json["code"] as? String == "SCENARIO_SELF_APPROVAL", "\(refused.text)")
            #expect(try org.client.request("PUT", "/v1/scenario-settings", body: ["allow_self_approval": true]).status == 200)
            #expect(try org.client.post("/v1/scenarios/\(id)/approve", json: [:]).json["state"] as? String == "approved")
            let rejected = try org.client.post("/v1/scenarios/\(id)/reject", json: ["note": "改期"])
            #expect(rejected.json["state"] as? String == "rejected")
            let apply = try org.client.post("/v1/scenarios/\(id)/apply")
            #expect(apply.status == 409 && apply.json["code"] as? String == "SCENARIO_REJECTED", "\(apply.text)")
        }
    }

    @Test("a scenario whose unit another scenario archived is refused at apply naming the change; nothing is applied")
    func conflictAtApply() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("scenconflict", port: port)
            let chart = try Self.chart(org)
            let empty = try org.unit("质检组", code: "CS-Q", kind: "group", parent: chart.center)
            _ = try org.client.request("PUT", "/v1/scenario-settings", body: ["allow_self_approval": true])
            let merge = try Self.draft(org.client, "并入质检组", on: "2099-01-01", changes: [
                ["type": "unit.update", "target_id": chart.business, "body": ["name": "业务质检组"]],
                ["type": "unit.merge", "target_id": empty, "body": ["into_id": chart.business]],
            ])
            #expect(try org.client.post("/v1/scenarios/\(merge)/submit").status == 200)
            #expect(try org.client.post("/v1/scenarios/\(merge)/approve", json: [:]).status == 200)
            // Another scenario archives 质检组 today: approved, so applied at once.
            let archive = try Self.draft(org.client, "撤销质检组", on: OrgDate.today, changes: [
                ["type": "unit.archive", "target_id": empty, "body": [:]],
            ])
            #expect(try org.client.post("/v1/scenarios/\(archive)/submit").status == 200)
            let archived = try org.client.post("/v1/scenarios/\(archive)/approve", json: [:])
            #expect(archived.json["state"] as? String == "applied", "\(archived.text)")
            // The merge's day comes.
            try org.sql("UPDATE scenarios SET effective_date = current_date WHERE id = $1", [merge])
            let refused = try org.client.post("/v1/scenarios/\(merge)/apply")
            #expect(refused.status == 409 && refused.json["code"] as? String == "SCENARIO_CONFLICT", "\(refused.text)")
            let conflict = refused.json["conflict"] as? [String: Any]
            #expect(conflict?["type"] as? String == "unit.merge" && conflict?["target_id"] as? String == empty, "\(refused.text)")
            #expect(conflict?["seq"] as? Int == 2)
            let kept = try org.client.get("/v1/scenarios/\(merge)")
            #expect(kept.json["state"] as? String == "approved")
            #expect((kept.json["last_error"] as? [String: Any])?["code"] as? String == "SCENARIO_CONFLICT", "\(kept.text)")
            // Nothing half-applied: the first change (the rename) did not happen.
            #expect(try org.client.get("/v1/units/\(chart.business)").json["name"] as? String == "业务组")
        }
    }

    @Test("two applies of one scenario at once: exactly one runs, the other is told it was already applied")
    func concurrentApply() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("scenrace", port: port)
            let chart = try Self.chart(org)
            _ = try org.client.request("PUT", "/v1/scenario-settings", body: ["allow_self_approval": true])
            let id = try Self.draft(org.client, "改名", on: "2099-01-01", changes: [
                ["type": "unit.update", "target_id": chart.business, "body": ["planned_establishment": 3]],
                ["type": "position.move", "target_id": chart.trainer, "body": ["unit_id": chart.business]],
            ])
            #expect(try org.client.post("/v1/scenarios/\(id)/submit").status == 200)
            #expect(try org.client.post("/v1/scenarios/\(id)/approve", json: [:]).status == 200)
            try org.sql("UPDATE scenarios SET effective_date = current_date WHERE id = $1", [id])
            let statuses = StatusList()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let response = try? org.client.post("/v1/scenarios/\(id)/apply")
                        statuses.add(response.map { "\($0.status) \($0.json["code"] as? String ?? "")" } ?? "error")
                    }
                }
            }
            #expect(statuses.sorted == ["200 ", "409 SCENARIO_ALREADY_APPLIED"], "\(statuses.sorted)")
            let batches = try org.sql("SELECT count(*) AS n FROM org_changes WHERE action = 'scenario.apply' AND resource_id = $1", [id])
            #expect(batches[0]["n"] == "1")
            #expect(try org.client.get("/v1/positions/\(chart.trainer)").json["unit_id"] as? String == chart.business)
        }
    }

    @Test("another tenant's scenario is 404 on every route, its rows invisible, its settings its own")
    func tenantIsolation() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("scenown", port: port)
            let chart = try Self.chart(org)
            let id = try Self.draft(org.client, "合并", on: "2099-01-01", changes: [
                ["type": "unit.merge", "target_id": chart.training, "body": ["into_id": chart.business]],
            ])
            let change = try org.client.get("/v1/scenarios/\(id)/changes").orgItems.first?["id"] as? String ?? ""
            let other = try OrgClient.start("scenother", port: port)
            let otherChart = try Self.chart(other)
            let calls: [(String, String, Any?)] = [
                ("GET", "/v1/scenarios/\(id)", nil), ("PATCH", "/v1/scenarios/\(id)", ["name": "x"]),
                ("DELETE", "/v1/scenarios/\(id)", nil), ("GET", "/v1/scenarios/\(id)/changes", nil),
                ("POST", "/v1/scenarios/\(id)/changes", ["type": "unit.archive", "target_id": chart.training, "body": [:]]),
                ("DELETE", "/v1/scenarios/\(id)/changes/\(change)", nil), ("GET", "/v1/scenarios/\(id)/impact", nil),
                ("GET", "/v1/scenarios/\(id)/validation", nil), ("POST", "/v1/scenarios/\(id)/submit", nil),
                ("GET", "/v1/scenarios/\(id)/diagram?unit_id=\(otherChart.center)", nil),
                ("POST", "/v1/scenarios/\(id)/approve", [:]), ("POST", "/v1/scenarios/\(id)/reject", [:]),
                ("POST", "/v1/scenarios/\(id)/apply", nil), ("GET", "/v1/units/\(otherChart.center)/tree?scenario=\(id)", nil),
                ("GET", "/v1/org/vacancies?scenario=\(id)", nil), ("GET", "/v1/org/span-violations?scenario=\(id)", nil),
            ]
            for (method, path, body) in calls {
                let response = try other.client.request(method, path, body: body)
                #expect(response.status == 404, "\(method) \(path): \(response.status) \(response.text)")
            }
            #expect(try other.client.get("/v1/scenarios").orgItems.isEmpty)
            #expect(try other.client.request("PUT", "/v1/scenario-settings", body: ["allow_self_approval": true]).status == 200)
            #expect(try org.client.get("/v1/scenario-settings").json["allow_self_approval"] as? Bool == false)
            // The rows, as orgd_app sees them with the other tenant set: none of the first's.
            for table in ["scenarios", "scenario_changes", "scenario_settings"] {
                let rows = try other.sql("SELECT count(*) AS n FROM \(table) WHERE tenant_id = $1", [org.tenant.id])
                #expect(rows[0]["n"] == "0", "\(table)")
            }
            // Still there for its own tenant.
            #expect(try org.client.get("/v1/scenarios/\(id)").status == 200)
            #expect(try org.client.get("/v1/scenarios/\(id)/changes").orgItems.count == 1)
        }
    }

    @Test("the demo tenant has one scenario waiting for approval: 技术培训组 into 网络管理组, whose impact and tree read")
    func demoScenario() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("demoscen", port: port)
            var configuration = Configuration()
            configuration.adminDatabaseURL = try TestEnvironment.adminDatabaseURL
            let tenant = org.tenant.id
            let status = AdminCommands.onLoop(configuration) { pool in
                try await pool.transaction(tenant: tenant) { connection in try await DemoSeed.orgChart(connection, tenantID: tenant) }
            }
            #expect(status == 0)
            let scenarios = try org.client.get("/v1/scenarios").orgItems
            #expect(scenarios.count == 1 && scenarios.first?["state"] as? String == "submitted", "\(scenarios)")
            #expect(scenarios.first?["effective_date"] as? String == Self.firstOfNextMonth)
            let id = try #require(scenarios.first?["id"] as? String)
            let impact = try org.client.get("/v1/scenarios/\(id)/impact")
            #expect(((impact.json["units"] as? [String: Any])?["removed"] as? [String])?.count == 1, "\(impact.text)")
            #expect(try org.client.get("/v1/scenarios/\(id)/validation").json["valid"] as? Bool == true)
            let found = try org.client.get("/v1/org/search?q=%E5%94%AE%E5%90%8E%E6%9C%8D%E5%8A%A1%E9%83%A8")   // 售后服务部
            let department = try #require((found.json["units"] as? [[String: Any]])?.first?["id"] as? String)
            let planned = try org.client.get("/v1/units/\(department)/tree?scenario=\(id)")
            #expect(Self.names(planned).contains("网络培训组") && !Self.names(planned).contains("技术培训组"), "\(planned.text)")
        }
    }
}

final class StatusList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
    var sorted: [String] { lock.lock(); defer { lock.unlock() }; return items.sorted() }
}
