// The demo tenant's org chart. Empty until the org-chart module fills it in.

import Postgres

extension DemoSeed {
    /// Loads the source document's charts into the demo tenant, inside the seeding transaction.
    static func orgChart(_ connection: PGConnection, tenantID: String) async throws {}
}
