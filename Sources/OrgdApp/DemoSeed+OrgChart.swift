// The demo tenant's org chart, service network, customer cases and a pending reorganisation
// scenario (DemoChart, DemoNetwork, DemoCases, DemoScenario).

import App
import Postgres

extension DemoSeed {
    /// Loads the source document's charts, its after-sales service network and a customer case in
    /// every state of the flow, and a scenario waiting for approval, into the demo tenant, inside
    /// the seeding transaction.
    static func orgChart(_ connection: PGConnection, tenantID: String) async throws {
        let anchors = try await DemoChart.build(connection, tenantID: tenantID)
        let sites = try await DemoNetwork.build(connection, tenantID: tenantID, anchors: anchors)
        try await DemoCases.build(connection, tenantID: tenantID, anchors: anchors, sites: sites)
        try await DemoScenario.build(connection, tenantID: tenantID)
    }
}
