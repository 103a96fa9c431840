// A statement whose values are bound, not spliced: in `"… WHERE id = \(id)::uuid"` the
// interpolated value becomes the next parameter ($1, $2, ... in order of appearance) and only
// the literal text is SQL. Trusted SQL written in the program (a column list, a FROM clause)
// is spliced with `\(unescaped:)`, which takes only a StaticString or another PGQuery, whose
// own parameters are renumbered to follow this one's. No one counts $n by hand.
//
// Beware while the (String, [any PGEncodable]) APIs remain: an unannotated literal passed to
// `query(_:)` is a String (Swift prefers a literal's default type), so its interpolations are
// spliced as text. Build a PGQuery explicitly: `let query: PGQuery = "…"`.

public struct PGQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The SQL between the parameters: `pieces[0] $1 pieces[1] $2 …`, so pieces.count is
    /// always params.count + 1 and splicing renumbers without parsing SQL.
    private var pieces: [String]
    /// The parameters' text, in $n order; nil is NULL.
    public private(set) var params: [String?]
    /// The format the server is asked to send the results in; text unless set. Binary is
    /// all-or-nothing for a statement, so every column must be of a type PGBinary reads.
    public var resultFormat: PGFormat = .text

    public init(stringLiteral sql: String) {
        pieces = [sql]
        params = []
    }

    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
        params = stringInterpolation.params
    }

    /// SQL text made at run time that the program vouches for (e.g. a table name it chose),
    /// without parameters: a `$n` in it is not renumbered, so bind values by interpolation.
    public init(unsafeSQL sql: String) {
        pieces = [sql]
        params = []
    }

    /// The statement as sent, with $1, $2, ... in place of the values.
    public var sql: String {
        var sql = pieces[0]
        for index in 1..<pieces.count {
            sql += "$\(index)"
            sql += pieces[index]
        }
        return sql
    }

    public var description: String { sql }

    /// The same statement, asking for binary results.
    public func binary() -> PGQuery {
        var query = self
        query.resultFormat = .binary
        return query
    }

    /// Appends `other`'s SQL and parameters, renumbered to follow this query's.
    public mutating func append(_ other: PGQuery) {
        pieces[pieces.count - 1] += other.pieces[0]
        pieces += other.pieces.dropFirst()
        params += other.params
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [String] = [""]
        var params: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            pieces[0].reserveCapacity(literalCapacity)
            pieces.reserveCapacity(interpolationCount + 1)
            params.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            pieces[pieces.count - 1] += literal
        }

        /// Binds `value` as the next parameter; an Optional that is nil binds NULL.
        public mutating func appendInterpolation<Value: PGEncodable>(_ value: Value) {
            params.append(value.pgText)
            pieces.append("")
        }

        /// Binds `value`, or NULL if it is nil. (Its own overload: Swift warns when an optional
        /// meets a generic parameter, which here would be every nullable column.)
        public mutating func appendInterpolation<Value: PGEncodable>(_ value: Value?) {
            params.append(value?.pgText)
            pieces.append("")
        }

        /// Splices SQL written in the program, e.g. a column list: `\(unescaped: Units.columns)`.
        public mutating func appendInterpolation(unescaped sql: StaticString) {
            pieces[pieces.count - 1] += sql.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        }

        /// Splices another query, its parameters renumbered to follow those bound so far.
        @_disfavoredOverload
        public mutating func appendInterpolation(unescaped query: PGQuery) {
            pieces[pieces.count - 1] += query.pieces[0]
            pieces += query.pieces.dropFirst()
            params += query.params
        }
    }
}
