// Assignments as untyped rows and the old entry points taking rows, for the importer until it
// uses AssignmentStore, `Position` and `Person`. Each row is made into a model here, by name, once,
// so the JSON is still written by `Assignment.write` alone.

import Access
import App
import HTTP
import Policy
import Postgres

extension AssignmentRoutes {
    /// The assignment with the person's name today, as a row (the columns of
    /// `AssignmentStore.assignment`, named).
    package static func read(_ connection: PGConnection, id: String) async throws -> PGRow? {
        try await connection.query(AssignmentStore.selectOne(id: id)).first
    }

    package static func json(_ row: PGRow) -> [UInt8] {
        Assignment(named: row).json
    }

    package static func target(_ caller: Caller, position: PGRow, person: PGRow?, accounts: [SubjectRecord] = []) -> Target {
        target(caller, position: Position(named: position), person: person.map { Person(named: $0) }, accounts: accounts)
    }

    package static func appointment(_ caller: Caller, position: PGRow, person: PGRow, range: String,
                                    _ connection: PGConnection) async throws -> Target {
        try await appointment(caller, position: Position(named: position), person: Person(named: person), range: range, connection)
    }
}

extension Assignment {
    /// An assignment from a row that names its columns as `AssignmentStore.columns` does.
    package init(named row: PGRow) {
        id = row.string("id") ?? ""
        personID = row.string("person_id") ?? ""
        personName = row.string("person_name") ?? ""
        positionID = row.string("position_id") ?? ""
        kind = row.string("kind") ?? "primary"
        startDate = row.string("start_date") ?? ""
        endAfter = row.string("end_after")
        regionID = row.string("region_id")
        revision = row.int("revision") ?? 0
    }
}
