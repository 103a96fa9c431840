// A course a technician took, with the day and the result (passed, failed, attended): the
// trainings table's model and every statement of it. Trainings are a record of what happened,
// so one is dated today or earlier and never changed once recorded.

import App
import HTTP
import Postgres

package enum TrainingResult: String, CaseIterable, Sendable {
    case passed
    case failed
    case attended
}

package struct Training: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var technicianID: String
    package var course: String
    package var takenOn: String
    package var result: String
    package var notes: String

    /// Reads the columns of `TrainingStore.columns`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        technicianID = try row.next()
        course = try row.next()
        takenOn = try row.next()
        result = try row.next()
        notes = try row.next()
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("technician_id", technicianID)
        json.field("course", course)
        json.field("taken_on", takenOn)
        json.field("result", result)
        json.field("notes", notes)
        json.endObject()
    }
}

package enum TrainingStore {
    static let columns: PGQuery = "id::text, technician_id::text, course, taken_on::text, result, notes"

    /// The technician's trainings, latest first.
    package static func of(_ connection: PGConnection, technician: String) async throws -> [Training] {
        try await connection.query("""
            SELECT \(unescaped: columns) FROM trainings WHERE technician_id = \(technician)::uuid ORDER BY taken_on DESC, created_at DESC
            """).decode()
    }

    package static func add(_ connection: PGConnection, tenant: String, technician: String, course: String, takenOn: String,
                            result: TrainingResult, notes: String) async throws -> Training {
        try await connection.query("""
            INSERT INTO trainings (tenant_id, technician_id, course, taken_on, result, notes)
            VALUES (\(tenant)::uuid, \(technician)::uuid, \(course), \(takenOn)::date, \(result.rawValue), \(notes))
            RETURNING \(unescaped: columns)
            """).decodeFirst()!
    }
}
