// Effective-dated changes to units and positions. A change effective on day d applies from d
// on: the version covering d is cut at d and the part from d is changed. A resource that
// already has a change scheduled after d is refused (409 LATER_CHANGE_SCHEDULED) rather than
// silently rewriting the future; cascades (a move rewriting descendants' paths, a merge moving
// positions) rewrite every version from d on.

import App
import HTTP
import Postgres

package enum Versions {
    package struct Table {
        package let name: String        // the versions table
        package let key: String         // its identity column
        package let split: String       // the SQL function that cuts versions at a day
        package let resource: String

        package init(name: String, key: String, split: String, resource: String) {
            self.name = name
            self.key = key
            self.split = split
            self.resource = resource
        }
    }

    package static let units = Table(name: "unit_versions", key: "unit_id", split: "orgd_split_unit_versions", resource: "unit")
    package static let positions = Table(name: "position_versions", key: "position_id", split: "orgd_split_position_versions", resource: "position")

    /// Checks that the resource exists on `date` and has no later version, then cuts at `date`.
    package static func prepare(_ connection: PGConnection, _ table: Table, id: String, on date: String) async throws {
        let (existsOn, lastStart, firstDay) = try await connection.query("""
            SELECT bool_or(valid @> \(date)::date), max(lower(valid))::text, min(lower(valid))::text
            FROM \(unescaped: sql(table.name)) WHERE \(unescaped: sql(table.key)) = \(id)::uuid
            """).decodeFirst(Bool?.self, String?.self, String?.self)!
        guard existsOn == true else {
            throw Problem.invalid("effective_date", rule: "within_lifetime",
                                  "the \(table.resource) does not exist on \(date); it starts on \(firstDay ?? "?")")
        }
        if let last = lastStart, last > date {
            throw Problem.conflict("LATER_CHANGE_SCHEDULED",
                                   "the \(table.resource) already has a change effective on \(last); a change effective on \(date) would rewrite it — change it from \(last) on instead")
        }
        try await split(connection, table, ids: [id], on: date)
    }

    package static func split(_ connection: PGConnection, _ table: Table, ids: [String], on date: String) async throws {
        _ = try await connection.query("SELECT \(unescaped: sql(table.split))(\(ids)::uuid[], \(date)::date)")
    }

    /// Raises the identity row's revision (the ETag); returns the new one.
    package static func bump(_ connection: PGConnection, _ identity: String, id: String) async throws -> Int {
        try await connection.query("""
            UPDATE \(unescaped: sql(identity)) SET revision = revision + 1, updated_at = now() WHERE id = \(id)::uuid RETURNING revision
            """).decodeFirst(Int.self) ?? 0
    }

    /// Locks the identity row and checks If-Match (none for a nil context: the importer, whose one
    /// request changes many records, has no If-Match to honour or require); nil when there is no such row.
    package static func lock(_ connection: PGConnection, _ context: RequestContext?, _ identity: String, id: String) async throws -> Int? {
        guard let revision = try await connection.query("SELECT revision FROM \(unescaped: sql(identity)) WHERE id = \(id)::uuid FOR UPDATE")
            .decodeFirst(Int.self) else {
            return nil
        }
        if let context { try await ETag.check(context, revision: revision, connection) }
        return revision
    }

    /// A table or function name the program chose (never input), spliced into a statement.
    private static func sql(_ name: String) -> PGQuery { PGQuery(unsafeSQL: name) }
}
