// The demo tenant's pending reorganisation scenario (docs/scenarios.md): HR proposes merging the
// after-sales department's 技术培训组 into 网络管理组, renamed 网络培训组, from the first of next
// month; submitted by the administrator and waiting for another A+ user's approval.

import App
import OrgChart
import Postgres

enum DemoScenario {
    static func build(_ connection: PGConnection, tenantID: String) async throws {
        let today = OrgDate.today
        guard let training = try await UnitStore.unit(connection, code: "AS-TRAIN", on: today),
              let network = try await UnitStore.unit(connection, code: "AS-NET", on: today),
              let author = try await connection.query("SELECT id::text FROM users ORDER BY created_at, id LIMIT 1" as PGQuery)
                  .decodeFirst(String.self) else { return }
        let (year, month, _) = Day.today.adding(months: 1).civil
        let id = try await ScenarioStore.create(connection, tenant: tenantID, name: "技术培训组并入网络管理组",
                                                description: "培训与网络维护由同一组负责：技术培训组并入网络管理组，更名为网络培训组。",
                                                date: Day(year: year, month: month, day: 1).description, author: author)
        let changes: [(String, String, String)] = [
            ("unit.merge", training.id, "{\"body\": {\"into_id\": \"\(network.id)\"}}"),
            ("unit.update", network.id, "{\"body\": {\"name\": \"网络培训组\"}}"),
        ]
        for (type, target, request) in changes {
            _ = try await ScenarioStore.addChange(connection, tenant: tenantID, scenario: id, type: type, target: target,
                                                  request: Array(request.utf8), author: author)
        }
        try await ScenarioStore.setState(connection, id: id, state: "submitted")
    }
}
