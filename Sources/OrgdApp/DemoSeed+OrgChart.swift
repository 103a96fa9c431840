// The demo tenant's org chart and service network (DemoChart.swift, DemoNetwork.swift).

import App
import Postgres

extension DemoSeed {
    /// Loads the source document's charts and its after-sales service network into the demo
    /// tenant, inside the seeding transaction.
    static func orgChart(_ connection: PGConnection, tenantID: String) async throws {
        let anchors = try await DemoChart.build(connection, tenantID: tenantID)
        try await DemoNetwork.build(connection, tenantID: tenantID, anchors: anchors)
    }
}
