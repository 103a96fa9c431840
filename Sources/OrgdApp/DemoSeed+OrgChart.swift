// The demo tenant's org chart, built by the org-chart module (OrgChart/DemoChart.swift).

import App
import Postgres

extension DemoSeed {
    /// Loads the source document's charts into the demo tenant, inside the seeding transaction.
    static func orgChart(_ connection: PGConnection, tenantID: String) async throws {
        try await DemoChart.build(connection, tenantID: tenantID)
    }
}
