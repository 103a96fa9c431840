// /v1/unit-kinds over HTTP against a real Postgres: the source document's kinds (联盟, 秘书处, 分站)
// are built in, a tenant adds, renames, retires and deletes its own, a retired kind refuses new
// units but keeps its units editable, a kind in use cannot be deleted, and changes are policy-
// decided and audited.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("org chart: unit kinds")
struct UnitKindTests {
    @Test("regression (issue 9, defect 7): the source's kinds alliance, secretariat and substation are accepted")
    func sourceKinds() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("srckinds", port: port)
            let board = try org.unit("董事会", code: "BOARD", kind: "board")
            _ = try org.unit("服务联盟", code: "ALLY", kind: "alliance", parent: board)
            _ = try org.unit("秘书处", code: "SEC", kind: "secretariat", parent: board)
            _ = try org.unit("广州分站", code: "GZ", kind: "substation", parent: board)
            let kinds = try org.client.get("/v1/unit-kinds")
            #expect(kinds.status == 200, "\(kinds.text)")
            let alliance = try #require(kinds.orgItems.first { $0["name"] as? String == "alliance" })
            #expect(alliance["built_in"] as? Bool == true)
            #expect(alliance["label"] as? String == "联盟")
            #expect(alliance["units"] as? Int == 1)
            let builtIn = try org.client.request("PATCH", "/v1/unit-kinds/substation", body: ["retired": true])
            #expect(builtIn.status == 409)
            #expect(builtIn.json["code"] as? String == "UNIT_KIND_BUILT_IN")
        }
    }

    @Test("a tenant adds a kind, renames it, retires it (no new units, old ones stay editable), and cannot delete it while in use")
    func lifecycle() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("kindlife", port: port)
            let refusedBefore = try org.client.post("/v1/units", json: ["name": "培训站", "code": "TS1", "kind": "training_station"])
            #expect(refusedBefore.status == 422)
            #expect(refusedBefore.json["field"] as? String == "kind")

            let added = try org.client.post("/v1/unit-kinds", json: ["name": "training_station", "label": "培训站"])
            #expect(added.status == 201, "\(added.text)")
            #expect(try org.client.post("/v1/unit-kinds", json: ["name": "training_station"]).json["code"] as? String == "UNIT_KIND_EXISTS")
            let badName = try org.client.post("/v1/unit-kinds", json: ["name": "Training Station"])
            #expect(badName.status == 422)
            #expect(badName.json["field"] as? String == "name")
            let station = try org.unit("培训站", code: "TS1", kind: "training_station")

            let stale = try org.client.request("PATCH", "/v1/unit-kinds/training_station", body: ["label": "x"], headers: ["If-Match": "\"99\""])
            #expect(stale.status == 412)
            let renamed = try org.client.request("PATCH", "/v1/unit-kinds/training_station", body: ["label": "培训分站"], headers: ["If-Match": "\"1\""])
            #expect(renamed.status == 200, "\(renamed.text)")
            #expect(renamed.json["label"] as? String == "培训分站")

            let retired = try org.client.request("PATCH", "/v1/unit-kinds/training_station", body: ["retired": true])
            #expect(retired.json["retired"] as? Bool == true)
            let refused = try org.client.post("/v1/units", json: ["name": "培训站二", "code": "TS2", "kind": "training_station"])
            #expect(refused.status == 422)
            #expect(refused.json["rule"] as? String == "not_retired")
            let other = try org.unit("部门", code: "D1")
            let changedTo = try org.client.patch("/v1/units/\(other)", json: ["kind": "training_station"])
            #expect(changedTo.json["rule"] as? String == "not_retired")
            // The unit that has the kind keeps it and stays editable, its kind sent back unchanged.
            #expect(try org.client.patch("/v1/units/\(station)", json: ["name": "培训站（旧）", "kind": "training_station"]).status == 200)

            let inUse = try org.client.request("DELETE", "/v1/unit-kinds/training_station")
            #expect(inUse.status == 409)
            #expect(inUse.json["code"] as? String == "UNIT_KIND_IN_USE")
            #expect(try org.client.request("PATCH", "/v1/unit-kinds/training_station", body: ["retired": false]).json["retired"] as? Bool == false)

            #expect(try org.client.post("/v1/unit-kinds", json: ["name": "unused"]).status == 201)
            #expect(try org.client.request("DELETE", "/v1/unit-kinds/unused").status == 204)
            #expect(try org.client.request("DELETE", "/v1/unit-kinds/unused").status == 404)
            let audited = try org.sql("SELECT action FROM audit_log WHERE resource_type = 'unit_kind' ORDER BY id")
            #expect(audited.map { $0["action"] } == ["unit_kind.create", "unit_kind.update", "unit_kind.retire", "unit_kind.restore",
                                                      "unit_kind.create", "unit_kind.delete"])
        }
    }

    @Test("a unit-scoped HR may read the kinds but not change them, and the refusal changes nothing")
    func policy() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("kindpolicy", port: port)
            let unit = try org.unit("客服部", code: "SVC")
            let hr = try org.user("hr", grade: "B+3", unitScope: unit)
            #expect(try hr.get("/v1/unit-kinds").status == 200)
            let refused = try hr.post("/v1/unit-kinds", json: ["name": "hub"])
            #expect(refused.status == 403, "\(refused.text)")
            #expect(try org.sql("SELECT count(*) AS n FROM unit_kinds")[0]["n"] == "0")
        }
    }
}
