// What every store of a table keyed by uuid `id` answers the same way: one page in id order,
// and one row by id (locked when asked). A store names its table and its model's columns; the
// model decodes them in that order.

import Postgres

package protocol TableStore {
    associatedtype Row: PGRowDecodable
    /// The table, also the qualifier of `id` in ORDER BY (see Page on why it is qualified).
    static var table: StaticString { get }
    /// `Row`'s columns, in its decoding order.
    static var columns: PGQuery { get }
}

extension TableStore {
    /// One page in id order after `after`, `limit` rows at most (a list asks for `page.limit + 1`).
    package static func list(_ connection: PGConnection, after: String?, limit: Int) async throws -> [Row] {
        try await connection.query("""
            SELECT \(unescaped: columns) FROM \(unescaped: table) WHERE (\(after)::uuid IS NULL OR id > \(after)::uuid)
            ORDER BY \(unescaped: table).id LIMIT \(limit)
            """).decode()
    }

    /// The row `id`, locked for the rest of the transaction when `forUpdate`; nil when there is none.
    package static func find(_ connection: PGConnection, id: String, forUpdate: Bool = false) async throws -> Row? {
        try await connection.query("""
            SELECT \(unescaped: columns) FROM \(unescaped: table) WHERE id = \(id)::uuid \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """).decodeFirst()
    }
}
