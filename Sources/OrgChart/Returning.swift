// The value an INSERT … RETURNING gives back, for the stores of this area: the statement always
// returns its row, so a missing one is an error, not a nil to unwrap.

import Postgres

extension PGResult {
    /// The single column of the first row as a `T`; throws when there is no row.
    func returned<T: PGDecodable>(_ type: T.Type = T.self) throws -> T {
        guard let value = try decodeFirst(T.self) else {
            throw PGDecodingError(kind: .missingColumn, row: 0, column: 0, expected: "the row the statement returns",
                                  found: "no row")
        }
        return value
    }
}
