// The people read the importer needs beyond PersonStore's: people by their natural key, the
// employee number, which is how an import file names them. Kept apart from PersonStore.swift so
// the store's file stays the routes' view.

import Postgres

extension PersonStore {
    /// The ids of the tenant's people having one of `employeeNumbers`.
    package static func ids(_ connection: PGConnection, employeeNumbers: [String]) async throws -> [(employeeNo: String, id: String)] {
        try await connection.query("""
            SELECT employee_no, id::text FROM people WHERE employee_no = ANY (\(employeeNumbers)::text[])
            """ as PGQuery).decode(String.self, String.self).map { (employeeNo: $0.0, id: $0.1) }
    }
}
