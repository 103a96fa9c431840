// The regions read the importer needs beyond RegionStore's: a region by its code, which is how an
// import file's `region_code` names the region a per-region post's holder covers.

import Postgres

extension RegionStore {
    /// The id of the tenant's region with `code`; nil when there is none.
    package static func id(_ connection: PGConnection, code: String) async throws -> String? {
        try await connection.query("SELECT id::text FROM regions WHERE code = \(code)" as PGQuery).decodeFirst(String.self)
    }
}
