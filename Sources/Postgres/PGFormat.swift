// The two wire formats of Postgres values. Parameters are always sent as text; a statement's
// results come back in text unless it asks for binary (libpq's resultFormat, which covers
// every column of the statement: all or nothing).

public enum PGFormat: Int32, Sendable, Equatable {
    case text = 0
    case binary = 1
}
