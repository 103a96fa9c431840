// The demo tenant's org chart, service network and customer cases (DemoChart, DemoNetwork, DemoCases).

import App
import Postgres

extension DemoSeed {
    /// Loads the source document's charts, its after-sales service network and a customer case in
    /// every state of the flow into the demo tenant, inside the seeding transaction.
    static func orgChart(_ connection: PGConnection, tenantID: String) async throws {
        let anchors = try await DemoChart.build(connection, tenantID: tenantID)
        let sites = try await DemoNetwork.build(connection, tenantID: tenantID, anchors: anchors)
        try await DemoCases.build(connection, tenantID: tenantID, anchors: anchors, sites: sites)
    }
}
