// People and regions over time, over HTTP against a real Postgres: renames and archives dated
// in the future read as before until their day, tree holders carry the name of the day, region
// renames and moves read as of a day, refused moves change nothing, stale If-Match is 412, and a
// unit-scoped HR user creates people in its own unit only.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("org chart: people and regions over time")
struct OrgChartHistoryTests {
    @Test("a rename effective next week reads the old name before that day and the new one from it, in the person and in the tree")
    func personRename() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("hist-rename", port: port)
            let since: [String: Any] = ["effective_date": orgDay(-30)]
            let unit = try org.unit("客服中心", code: "CC", kind: "center", extra: since)
            let seat = try org.position("话务员", unit: unit, grade: "B+5", extra: since)
            let person = try org.person("吴翠婷", "H001")
            #expect(try org.assign(person, to: seat, start: orgDay(-20)).status == 201)

            let renamed = try org.client.patch("/v1/people/\(person)", json: ["name": "吴翠华", "effective_date": orgDay(7)])
            #expect(renamed.status == 200, "\(renamed.text)")
            #expect(renamed.json["name"] as? String == "吴翠华")
            #expect(try org.client.get("/v1/people/\(person)").json["name"] as? String == "吴翠婷")
            #expect(try org.client.get("/v1/people/\(person)?as_of=\(orgDay(6))").json["name"] as? String == "吴翠婷")
            #expect(try org.client.get("/v1/people/\(person)?as_of=\(orgDay(7))").json["name"] as? String == "吴翠华")

            func holderName(_ day: String) throws -> String? {
                let tree = try org.client.get("/v1/units/\(unit)/tree?as_of=\(day)")
                let seats = (tree.json["unit"] as? [String: Any])?["positions"] as? [[String: Any]] ?? []
                return ((seats.first?["holders"] as? [[String: Any]])?.first)?["name"] as? String
            }
            #expect(try holderName(orgDay(-10)) == "吴翠婷")
            #expect(try holderName(orgDay(8)) == "吴翠华")
            let listed = try org.client.get("/v1/assignments?person_id=\(person)&as_of=\(orgDay(8))")
            #expect(listed.orgItems.first?["person_name"] as? String == "吴翠华")

            // A second change dated before the scheduled one would rewrite it.
            let earlier = try org.client.patch("/v1/people/\(person)", json: ["name": "吴小婷", "effective_date": orgDay(3)])
            #expect(earlier.status == 409)
            #expect(earlier.json["code"] as? String == "LATER_CHANGE_SCHEDULED")

            let changes = try org.client.get("/v1/org/changes?from=\(orgDay(-30))&to=\(orgDay(30))")
            let rename = changes.orgItems.first { $0["action"] as? String == "person.update" && $0["resource_id"] as? String == person }
            #expect(rename?["effective_on"] as? String == orgDay(7))
        }
    }

    @Test("a person archived effective on a day is active before it; before they existed they are not found")
    func personArchive() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("hist-archive", port: port)
            let person = try org.person("陈小明", "H002")
            let archived = try org.client.post("/v1/people/\(person)/archive", json: ["effective_date": orgDay(5)])
            #expect(archived.status == 200, "\(archived.text)")
            #expect(try org.client.get("/v1/people/\(person)?as_of=\(orgDay(4))").json["archived"] as? Bool == false)
            #expect(try org.client.get("/v1/people/\(person)?as_of=\(orgDay(5))").json["archived"] as? Bool == true)
            #expect(try org.client.get("/v1/people").orgItems.contains { $0["id"] as? String == person })
            #expect(try !org.client.get("/v1/people?as_of=\(orgDay(6))").orgItems.contains { $0["id"] as? String == person })
            #expect(try org.client.get("/v1/people?as_of=\(orgDay(6))&include_archived=true").orgItems.contains { $0["id"] as? String == person })

            let before = try org.client.get("/v1/people/\(person)?as_of=\(orgDay(-1))")
            #expect(before.status == 404)
            #expect(before.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            let joined = try org.client.post("/v1/people", json: ["name": "王丽", "employee_no": "H003", "effective_date": orgDay(-40)])
            #expect(joined.status == 201, "\(joined.text)")
            let id = try #require(joined.json["id"] as? String)
            #expect(try org.client.get("/v1/people/\(id)?as_of=\(orgDay(-40))").status == 200)
            #expect(try org.client.get("/v1/people/\(id)?as_of=\(orgDay(-41))").status == 404)
            let changes = try org.client.get("/v1/org/changes?from=\(orgDay(-60))&to=\(orgDay(30))").orgItems
            #expect(changes.contains { $0["action"] as? String == "person.archive" && $0["effective_on"] as? String == orgDay(5) })
            #expect(changes.contains { $0["action"] as? String == "person.create" && $0["effective_on"] as? String == orgDay(-40) })
        }
    }

    @Test("malformed as_of is 400 INVALID_QUERY; a malformed effective_date is 422 naming it and changes nothing")
    func badDates() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("hist-dates", port: port)
            let person = try org.person("梁军", "H004")
            for path in ["/v1/people?as_of=2024-02-30", "/v1/people/\(person)?as_of=yesterday", "/v1/regions?as_of=2024-1-1"] {
                let response = try org.client.get(path)
                #expect(response.status == 400, "\(path)")
                #expect(response.json["code"] as? String == "INVALID_QUERY")
            }
            let bad = try org.client.patch("/v1/people/\(person)", json: ["name": "梁君", "effective_date": "2024-13-01"])
            #expect(bad.status == 422)
            #expect(bad.json["field"] as? String == "effective_date")
            #expect(try org.client.get("/v1/people/\(person)").json["name"] as? String == "梁军")
            let region = try org.client.post("/v1/regions", json: ["name": "华东", "code": "E", "effective_date": "soon"])
            #expect(region.status == 422)
            #expect(region.json["field"] as? String == "effective_date")
        }
    }

    @Test("a region renamed and moved reads as of a day with that day's name, parent and path")
    func regionHistory() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("hist-region", port: port)
            func region(_ name: String, _ code: String, parent: String? = nil) throws -> String {
                var body: [String: Any] = ["name": name, "code": code, "effective_date": orgDay(-100)]
                if let parent { body["parent_id"] = parent }
                let response = try org.client.post("/v1/regions", json: body)
                guard response.status == 201, let id = response.json["id"] as? String else { throw TestFailure("region: \(response.text)") }
                return id
            }
            let east = try region("华东", "E")
            let south = try region("华南", "S")
            let city = try region("上海", "SH", parent: east)

            let moved = try org.client.patch("/v1/regions/\(city)", json: ["parent_id": south, "effective_date": orgDay(-50)])
            #expect(moved.status == 200, "\(moved.text)")
            #expect(moved.json["path"] as? [String] == [south, city])
            let renamed = try org.client.request("PATCH", "/v1/regions/\(city)", body: ["name": "广州", "code": "GZ", "effective_date": orgDay(10)],
                                                 headers: ["If-Match": moved.header("ETag") ?? ""])
            #expect(renamed.status == 200, "\(renamed.text)")

            let old = try org.client.get("/v1/regions/\(city)?as_of=\(orgDay(-60))").json
            #expect(old["parent_id"] as? String == east)
            #expect(old["path"] as? [String] == [east, city])
            #expect(old["name"] as? String == "上海")
            let now = try org.client.get("/v1/regions/\(city)").json
            #expect(now["parent_id"] as? String == south)
            #expect(now["code"] as? String == "SH")
            let later = try org.client.get("/v1/regions/\(city)?as_of=\(orgDay(10))").json
            #expect(later["name"] as? String == "广州")
            #expect(later["code"] as? String == "GZ")
            #expect(try org.client.get("/v1/regions/\(city)?as_of=\(orgDay(-101))").status == 404)
            let listed = try org.client.get("/v1/regions?as_of=\(orgDay(-60))").orgItems
            #expect(listed.first { $0["id"] as? String == city }?["path"] as? [String] == [east, city])

            let stale = try org.client.request("PATCH", "/v1/regions/\(city)", body: ["name": "深圳"], headers: ["If-Match": "\"1\""])
            #expect(stale.status == 412)
            #expect(stale.json["code"] as? String == "PRECONDITION_FAILED")

            let changes = try org.client.get("/v1/org/changes?from=\(orgDay(-100))&to=\(orgDay(30))").orgItems
            #expect(changes.contains { $0["action"] as? String == "region.move" && $0["effective_on"] as? String == orgDay(-50) })
            #expect(changes.contains { $0["action"] as? String == "region.update" && $0["effective_on"] as? String == orgDay(10) })
        }
    }

    @Test("a region cannot move under its own descendant or into the future; the refusal changes nothing")
    func regionMoveRefused() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("hist-cycle", port: port)
            let top = try #require(try org.client.post("/v1/regions", json: ["name": "全国", "code": "CN"]).json["id"] as? String)
            let child = try #require(try org.client.post("/v1/regions", json: ["name": "华北", "code": "N", "parent_id": top]).json["id"] as? String)
            let grandchild = try #require(try org.client.post("/v1/regions", json: ["name": "北京", "code": "BJ", "parent_id": child]).json["id"] as? String)
            let before = try org.client.get("/v1/regions/\(top)")

            let cycle = try org.client.patch("/v1/regions/\(top)", json: ["parent_id": grandchild])
            #expect(cycle.status == 422)
            #expect(cycle.json["field"] as? String == "parent_id")
            #expect(cycle.json["rule"] as? String == "not_descendant")
            #expect(try org.client.patch("/v1/regions/\(top)", json: ["parent_id": top]).status == 422)
            let future = try org.client.patch("/v1/regions/\(grandchild)", json: ["parent_id": top, "effective_date": orgDay(3)])
            #expect(future.status == 422)
            #expect(future.json["field"] as? String == "effective_date")

            let after = try org.client.get("/v1/regions/\(top)")
            #expect(after.header("ETag") == before.header("ETag"))
            #expect(after.json["parent_id"] is NSNull)
            #expect(try org.client.get("/v1/regions/\(grandchild)").json["path"] as? [String] == [top, child, grandchild])

            // Moving the middle region to the top moves its subtree's path.
            #expect(try org.client.patch("/v1/regions/\(child)", json: ["parent_id": NSNull()]).status == 200)
            #expect(try org.client.get("/v1/regions/\(grandchild)").json["path"] as? [String] == [child, grandchild])
            let stored = try org.sql("SELECT orgd_region_path($1::uuid)::text AS path", [grandchild])
            #expect(stored.first?["path"] == "{\(child),\(grandchild)}")
        }
    }

    @Test("a unit-scoped HR user creates a person in its own unit, not in another unit nor tenant-wide, and never sees another tenant's person")
    func unitScopedHR() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("hist-hr", port: port)
            let mine = try org.unit("售后服务部", code: "AS", kind: "department")
            let other = try org.unit("财务部", code: "FIN", kind: "department")
            let hr = try org.user("hr.li", grade: "B+1", role: "HR", unitScope: mine)

            let created = try hr.post("/v1/people", json: ["name": "赵新", "employee_no": "H010", "unit_id": mine])
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["unit_id"] as? String == mine)
            let id = try #require(created.json["id"] as? String)
            #expect(try hr.get("/v1/people/\(id)").status == 200)

            let elsewhere = try hr.post("/v1/people", json: ["name": "钱多", "employee_no": "H011", "unit_id": other])
            #expect(elsewhere.status == 403, "\(elsewhere.text)")
            #expect(try hr.post("/v1/people", json: ["name": "孙全", "employee_no": "H012"]).status == 403)
            #expect(try org.client.get("/v1/people?include_archived=true").orgItems.count == 1)

            let stranger = try OrgClient.start("hist-hr-other", port: port)
            let theirs = try stranger.person("外人", "X001")
            #expect(try hr.get("/v1/people/\(theirs)").status == 404)
            #expect(try org.client.get("/v1/people/\(theirs)").status == 404)
            #expect(try hr.post("/v1/people", json: ["name": "钱多", "employee_no": "H013", "unit_id": try stranger.unit("他部", code: "T")]).status == 422)
        }
    }
}
