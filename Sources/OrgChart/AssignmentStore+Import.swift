// The assignments statements the importer needs beyond AssignmentStore's: finding the stored
// assignment an import row describes (the same person in the same position over an overlapping
// period) and lifting an end date. Kept apart from AssignmentStore.swift so the store's file stays
// the routes' view.

import Postgres

extension AssignmentStore {
    /// The days and kind of an assignment, without the person's name.
    package struct Span: Sendable, PGRowDecodable {
        package var id: String
        package var kind: String
        package var startDate: String
        package var endAfter: String?                  // the first day no longer held; nil while open

        package init(row: inout PGRowReader) throws {
            id = try row.next()
            kind = try row.next()
            startDate = try row.next()
            endAfter = try row.next()
        }
    }

    /// The person's assignment to the position overlapping `range` (a daterange literal), locked
    /// until the transaction ends; nil when there is none.
    package static func overlapping(_ connection: PGConnection, person: String, position: String,
                                    range: String) async throws -> Span? {
        try await connection.query("""
            SELECT id::text, kind, lower(valid)::text, upper(valid)::text FROM assignments
            WHERE person_id = \(person)::uuid AND position_id = \(position)::uuid AND valid && \(range)::daterange FOR UPDATE
            """ as PGQuery).decodeFirst()
    }

    /// Makes the assignment open-ended (it no longer ends) and raises its revision; `end` sets a
    /// last day instead.
    package static func reopen(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("""
            UPDATE assignments SET valid = daterange(lower(valid), NULL), revision = revision + 1, updated_at = now() WHERE id = \(id)::uuid
            """ as PGQuery)
    }
}
