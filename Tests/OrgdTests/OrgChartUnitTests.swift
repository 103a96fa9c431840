// Units over HTTP against a real Postgres: the tree, effective dating, moves (also racing ones),
// merges, archive and delete, ETags.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("org chart: units")
struct OrgChartUnitTests {
    @Test("units form a tree: a group under a center under the board, paths root first, Chinese names intact")
    func tree() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("units", port: port)
            let board = try org.unit("董事会", code: "BOARD", kind: "board", tier: "A+", extra: ["role_label": "decision"])
            let center = try org.unit("客服中心", code: "CS", kind: "center", parent: board, tier: "B+",
                                      extra: ["functions": ["负责售后服务工作的计划", "建立维修网络"]])
            let group = try org.unit("咨询受理组", code: "CS-ASK", kind: "group", parent: center)
            let read = try org.client.get("/v1/units/\(group)")
            #expect(read.status == 200)
            #expect(read.json["name"] as? String == "咨询受理组")
            #expect(read.json["path"] as? [String] == [board, center, group])
            #expect(read.header("ETag") == "\"1\"")
            let centerRead = try org.client.get("/v1/units/\(center)")
            #expect(centerRead.json["functions"] as? [String] == ["负责售后服务工作的计划", "建立维修网络"])
            let children = try org.client.get("/v1/units?parent_id=\(board)")
            #expect(children.orgItems.compactMap { $0["id"] as? String } == [center])
        }
    }

    @Test("a duplicate code, an unknown kind, an unknown tier and a bad role label are refused naming the field")
    func badUnitInput() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("unitbad", port: port)
            try org.unit("董事会", code: "BOARD", kind: "board")
            let cases: [([String: Any], Int, String)] = [
                (["name": "x", "code": "BOARD", "kind": "board"], 409, "code"),
                (["name": "x", "code": "X1", "kind": "planet"], 422, "kind"),
                (["name": "x", "code": "X2", "kind": "room", "tier": "Z"], 422, "tier"),
                (["name": "x", "code": "X3", "kind": "room", "role_label": "boss"], 422, "role_label"),
                (["name": "x", "code": "X4", "kind": "room", "effective_date": "2025-02-30"], 422, "effective_date"),
            ]
            for (body, status, field) in cases {
                let response = try org.client.post("/v1/units", json: body)
                #expect(response.status == status, "\(body): \(response.text)")
                #expect(response.json["field"] as? String == field)
            }
            #expect(try org.sql("SELECT count(*) AS n FROM units")[0]["n"] == "1")
        }
    }

    @Test("a unit cannot be moved under its own descendant, and the tree is unchanged")
    func moveUnderDescendant() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("moveloop", port: port)
            let board = try org.unit("董事会", code: "B", kind: "board")
            let dept = try org.unit("售后服务部", code: "AS", parent: board)
            let group = try org.unit("维修组", code: "AS-R", kind: "group", parent: dept)
            let refused = try org.client.post("/v1/units/\(dept)/move", json: ["parent_id": group])
            #expect(refused.status == 422)
            #expect(refused.json["field"] as? String == "parent_id")
            #expect(refused.json["rule"] as? String == "not_own_descendant")
            #expect(try org.client.get("/v1/units/\(group)").json["path"] as? [String] == [board, dept, group])
            #expect(try org.client.get("/v1/units/\(dept)").json["revision"] as? Int == 1)
        }
    }

    @Test("a grant over a unit follows the unit when it moves: still reaches its subtree, not the new neighbours")
    func grantFollowsMove() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("grantmove", port: port)
            let board = try org.unit("董事会", code: "B", kind: "board")
            let east = try org.unit("华东区", code: "E", parent: board)
            let south = try org.unit("华南区", code: "S", parent: board)
            let service = try org.unit("售后服务部", code: "AS", parent: east)
            let group = try org.unit("维修组", code: "AS-R", kind: "group", parent: service)
            let hr = try org.user("hr.service", grade: "A1", role: "HR", unitScope: service)
            let seat: [String: Any] = ["title": "维修工", "unit_id": group, "grade": "B+5", "headcount": ["kind": "exact", "n": 2]]
            #expect(try hr.post("/v1/positions", json: seat).status == 201)

            let moved = try org.client.post("/v1/units/\(service)/move", json: ["parent_id": south])
            #expect(moved.status == 200, "\(moved.text)")
            let after = try hr.post("/v1/positions", json: seat.merging(["title": "维修组长"]) { $1 })
            #expect(after.status == 201, "the grant over 售后服务部 must still reach its group after the move: \(after.text)")
            let outside = try hr.post("/v1/positions", json: seat.merging(["unit_id": south, "title": "区域经理"]) { $1 })
            #expect(outside.status == 403, "\(outside.text)")
            let stored = try org.sql("SELECT scope_path::text AS path FROM grants WHERE scope_kind = 'unit'")
            #expect(stored.first?["path"] == "{\(board),\(south),\(service)}")
        }
    }

    @Test("two moves racing to put two units under each other cannot both win")
    func racingMoves() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("moverace", port: port)
            let board = try org.unit("董事会", code: "B", kind: "board")
            let left = try org.unit("运营部", code: "OPS", parent: board)
            let right = try org.unit("摄影部", code: "PHOTO", parent: board)
            for _ in 0..<3 {
                async let first = Task.detached { try org.client.post("/v1/units/\(left)/move", json: ["parent_id": right]).status }.value
                async let second = Task.detached { try org.client.post("/v1/units/\(right)/move", json: ["parent_id": left]).status }.value
                let statuses = try await [first, second]
                #expect(statuses.filter { $0 == 200 }.count <= 1, "\(statuses)")
                let paths = try org.sql("SELECT unit_id::text AS id, path::text AS path FROM unit_versions WHERE upper_inf(valid)")
                for row in paths { #expect((row["path"] ?? "").split(separator: ".").count == Set((row["path"] ?? "").split(separator: ".")).count) }
                // Put both back under the board for the next round.
                _ = try org.client.post("/v1/units/\(left)/move", json: ["parent_id": board])
                _ = try org.client.post("/v1/units/\(right)/move", json: ["parent_id": board])
            }
        }
    }

    @Test("a move carries the subtree: the group under a moved department gets the new path")
    func moveCarriesSubtree() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("movesub", port: port)
            let board = try org.unit("董事会", code: "B", kind: "board")
            let a = try org.unit("市场部", code: "MKT", parent: board)
            let b = try org.unit("客服部", code: "CS", parent: board)
            let group = try org.unit("回访组", code: "CS-CB", kind: "group", parent: b)
            let moved = try org.client.post("/v1/units/\(b)/move", json: ["parent_id": a])
            #expect(moved.status == 200, "\(moved.text)")
            #expect(try org.client.get("/v1/units/\(group)").json["path"] as? [String] == [board, a, b, group])
        }
    }

    @Test("an update is audited with before and after; a stale If-Match is refused with 412 and changes nothing")
    func staleETag() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("etag", port: port)
            let unit = try org.unit("财务部", code: "FIN", kind: "department")
            let first = try org.client.request("PATCH", "/v1/units/\(unit)", body: ["name": "财务管理部"], headers: ["If-Match": "\"1\""])
            #expect(first.status == 200)
            #expect(first.header("ETag") == "\"2\"")
            let stale = try org.client.request("PATCH", "/v1/units/\(unit)", body: ["name": "法务部"], headers: ["If-Match": "\"1\""])
            #expect(stale.status == 412)
            #expect(stale.json["code"] as? String == "PRECONDITION_FAILED")
            #expect(try org.client.get("/v1/units/\(unit)").json["name"] as? String == "财务管理部")
            let audited = try org.sql("""
                SELECT before->>'name' AS before, after->>'name' AS after FROM audit_log
                WHERE action = 'unit.update' AND resource_id = $1 AND outcome = 'ok'
                """, [unit])
            #expect(audited.count == 1)
            #expect(audited.first?["before"] == "财务部")
            #expect(audited.first?["after"] == "财务管理部")
        }
    }

    @Test("a malformed id in a change is 422 naming the field, whatever a stale If-Match says")
    func malformedIDBeforeETag() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("idfirst", port: port)
            let unit = try org.unit("财务部", code: "FIN", kind: "department")
            let position = try org.position("会计", unit: unit)
            let person = try org.person("王芳", "E100")
            let stale = ["If-Match": "\"99\""]
            let attempts: [(String, String, [String: Any], String)] = [
                ("PATCH", "/v1/units/\(unit)", ["region_id": "AAA"], "region_id"),
                ("POST", "/v1/units/\(unit)/move", ["parent_id": "AAA"], "parent_id"),
                ("POST", "/v1/units/\(unit)/merge", ["into_id": "AAA"], "into_id"),
                ("PATCH", "/v1/positions/\(position)", ["reports_to": "AAA"], "reports_to"),
                ("POST", "/v1/positions/\(position)/move", ["unit_id": "AAA"], "unit_id"),
                ("PATCH", "/v1/people/\(person)", ["unit_id": "AAA"], "unit_id"),
            ]
            for (method, path, body, field) in attempts {
                let response = try org.client.request(method, path, body: body, headers: stale)
                #expect(response.status == 422, "\(method) \(path): \(response.text)")
                #expect(response.json["field"] as? String == field, "\(method) \(path)")
                #expect(response.json["rule"] as? String == "uuid", "\(method) \(path)")
            }
            #expect(try org.client.get("/v1/units/\(unit)").header("ETag") == "\"1\"")
        }
    }

    @Test("as_of answers as the unit was or will be: a rename effective in ten days is not visible today")
    func effectiveDating() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("asof", port: port)
            let unit = try org.unit("培训组", code: "TRAIN", kind: "group", extra: ["effective_date": orgDay(-30)])
            let renamed = try org.client.patch("/v1/units/\(unit)", json: ["name": "业务培训组", "effective_date": orgDay(10)])
            #expect(renamed.status == 200, "\(renamed.text)")
            #expect(try org.client.get("/v1/units/\(unit)").json["name"] as? String == "培训组")
            #expect(try org.client.get("/v1/units/\(unit)?as_of=\(orgDay(10))").json["name"] as? String == "业务培训组")
            #expect(try org.client.get("/v1/units/\(unit)?as_of=\(orgDay(-31))").status == 404)
            let earlier = try org.client.patch("/v1/units/\(unit)", json: ["name": "x", "effective_date": orgDay(5)])
            #expect(earlier.status == 409)
            #expect(earlier.json["code"] as? String == "LATER_CHANGE_SCHEDULED")
            let changes = try org.client.get("/v1/org/changes?from=\(orgDay(-40))&to=\(orgDay(20))")
            #expect(changes.orgItems.compactMap { $0["action"] as? String } == ["unit.create", "unit.update"])
        }
    }

    @Test("a malformed as_of is a 400 naming as_of")
    func malformedAsOf() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("asofbad", port: port)
            let unit = try org.unit("组", code: "G", kind: "group")
            for value in ["2025-13-01", "yesterday", "2025-1-1"] {
                let response = try org.client.get("/v1/units/\(unit)?as_of=\(value)")
                #expect(response.status == 400)
                #expect(response.json["field"] as? String == "as_of")
            }
        }
    }

    @Test("merging two groups carries positions and holders over, archives the merged one and lists its grants")
    func merge() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("merge", port: port)
            let center = try org.unit("客服中心", code: "CC", kind: "center")
            let training = try org.unit("培训组", code: "TR", kind: "group", parent: center)
            let business = try org.unit("业务组", code: "BZ", kind: "group", parent: center)
            let trainer = try org.position("培训专员", unit: training, grade: "B+5")
            let person = try org.person("梁军", "E001")
            #expect(try org.assign(person, to: trainer).status == 201)
            let lead = try org.user("training.lead", grade: "A1", role: "HR", unitScope: training)
            let grant = try #require(try org.sql("SELECT id::text AS id FROM grants WHERE scope_id = '\(training)'").first?["id"])
            let merged = try org.client.post("/v1/units/\(training)/merge", json: ["into_id": business])
            #expect(merged.status == 200, "\(merged.text)")
            #expect(merged.json["archived"] as? Bool == true)
            #expect(merged.json["merged_into"] as? String == business)
            #expect(try org.client.get("/v1/positions/\(trainer)").json["unit_id"] as? String == business)
            #expect(try org.client.get("/v1/positions/\(trainer)").json["filled"] as? Int == 1)
            // The grant over the merged group is listed for review, not widened to the survivor.
            #expect(merged.json["grants_on_merged_unit"] as? [String] == [grant])
            let seat: [String: Any] = ["title": "培训助理", "unit_id": business, "grade": "B+5", "headcount": ["kind": "exact", "n": 1]]
            #expect(try lead.post("/v1/positions", json: seat).status == 403)
        }
    }

    @Test("delete is refused while the unit has children, positions or history; a fresh leaf can be deleted")
    func delete() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("delete", port: port)
            let parent = try org.unit("部门", code: "D", kind: "department")
            let child = try org.unit("室", code: "D-R", kind: "room", parent: parent)
            #expect(try org.client.delete("/v1/units/\(parent)").json["code"] as? String == "UNIT_HAS_CHILDREN")
            let withPosition = try org.unit("组", code: "D-G", kind: "group")
            try org.position("组长", unit: withPosition)
            #expect(try org.client.delete("/v1/units/\(withPosition)").json["code"] as? String == "UNIT_HAS_POSITIONS")
            let renamed = try org.unit("旧名", code: "OLD", kind: "group")
            _ = try org.client.patch("/v1/units/\(renamed)", json: ["name": "新名"])
            #expect(try org.client.delete("/v1/units/\(renamed)").json["code"] as? String == "UNIT_HAS_HISTORY")
            #expect(try org.client.delete("/v1/units/\(child)").status == 204)
            #expect(try org.client.get("/v1/units/\(child)").status == 404)
        }
    }
}
