// GET /v1/access/manageable/{kind}?action= over HTTP: every action whose object is a row of the
// kind can be asked for, so HR can ask "which posts may I appoint to" (assignment.create on
// positions), and the answer equals what the policy decides on the appointment itself.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Testing

@Suite("access: manageable lists take every action on their kind")
struct ManageableActionTests {
    func ids(_ response: RawResponse) -> Set<String> {
        Set(response.orgItems.compactMap { $0["id"] as? String })
    }

    @Test("regression (issue 9, defect 7): manageable positions with action=assignment.create lists the posts a unit HR may appoint to")
    func appointablePosts() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("appointable", port: port)
            let service = try org.unit("客服部", code: "SVC")
            let sales = try org.unit("销售部", code: "SALES")
            let clerk = try org.position("客服专员", unit: service, grade: "B+5")
            let head = try org.position("客服经理", unit: service, grade: "B+2")
            let ungraded = try org.position("实习生", unit: service)
            _ = try org.position("销售专员", unit: sales, grade: "B+5")
            let hr = try org.user("unit.hr", grade: "B+3", unitScope: service)

            let appointable = try hr.get("/v1/access/manageable/positions?action=assignment.create")
            #expect(appointable.status == 200, "\(appointable.text)")
            #expect(appointable.json["action"] as? String == "assignment.create")
            #expect(ids(appointable) == [clerk, ungraded], "below the HR's grade and inside the HR's unit only")

            // The list agrees with the appointment itself: allowed on a listed post, refused on the manager's.
            let person = try org.person("陈新", "E1")
            #expect(try hr.post("/v1/assignments", json: ["person_id": person, "position_id": clerk]).status == 201)
            let refused = try hr.post("/v1/assignments", json: ["person_id": person, "position_id": head, "kind": "concurrent"])
            #expect(refused.status == 403, "\(refused.text)")

            for action in ["assignment.update", "assignment.end", "position.read", "position.archive"] {
                let answer = try hr.get("/v1/access/manageable/positions?action=\(action)")
                #expect(answer.status == 200, "\(action): \(answer.text)")
            }
            #expect(ids(try hr.get("/v1/access/manageable/positions?action=position.read")) == [clerk, head, ungraded])
        }
    }

    @Test("a viewer may appoint to nothing, and moves (which need a destination) are refused naming the actions")
    func viewerAndMoves() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("appointview", port: port)
            let service = try org.unit("客服部", code: "SVC")
            _ = try org.position("客服专员", unit: service, grade: "B+5")
            let viewer = try org.user("viewer", grade: "B+1", role: "Viewer")
            #expect(try viewer.get("/v1/access/manageable/positions?action=assignment.create").orgItems.isEmpty)
            #expect(try viewer.get("/v1/access/manageable/positions?action=position.read").orgItems.count == 1)

            let move = try org.client.get("/v1/access/manageable/positions?action=position.move")
            #expect(move.status == 400, "\(move.text)")
            #expect(move.json["field"] as? String == "action")
            #expect((move.json["detail"] as? String)?.contains("assignment.create") == true)
            let children = try org.client.get("/v1/access/manageable/units?action=unit.create")
            #expect(ids(children) == [service], "\(children.text)")
        }
    }
}
