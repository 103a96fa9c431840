// A blocking libpq session for the migrator, which runs before any event loop starts:
// PQconnectdb and PQexec are acceptable there, and nowhere else in orgd.

import CPostgres

final class BlockingSession {
    private let pq: OpaquePointer

    /// Throws `.unavailable` with libpq's message if the server cannot be reached.
    init(url: String) throws(PGError) {
        guard let pq = PQconnectdb(url) else { throw PGError.unavailable("libpq is out of memory") }
        guard PQstatus(pq) == CONNECTION_OK else {
            let error = PGError.unavailable(PGError.trimmed(PQerrorMessage(pq)))
            PQfinish(pq)
            throw error
        }
        PQsetNoticeProcessor(pq, { _, _ in }, nil)
        self.pq = pq
    }

    deinit { PQfinish(pq) }

    /// Runs `sql`: with parameters as one statement (PQexecParams), without as a script of any
    /// number of statements (PQexec), returning the last statement's result.
    @discardableResult
    func exec(_ sql: String, _ params: [String?] = []) throws(PGError) -> PGResult {
        switch run(sql, params) {
        case .success(let result): return result
        case .failure(let failure): throw failure.error
        }
    }

    struct Failure: Error {
        var error: PGError
        var position: Int?            // 1-based character offset of the error in the SQL, if known
    }

    func run(_ sql: String, _ params: [String?] = []) -> Result<PGResult, Failure> {
        let result: OpaquePointer? = params.isEmpty
            ? PQexec(pq, sql)
            : withCStrings(params) { PQexecParams(pq, sql, Int32(params.count), nil, $0, nil, nil, 0) }
        guard let result else {
            return .failure(Failure(error: .unavailable(PGError.trimmed(PQerrorMessage(pq)))))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return .success(PGResult(taking: result))      // it clears the result
        case PGRES_FATAL_ERROR:
            defer { PQclear(result) }
            let error = PGError(result: result, connectionLost: PQstatus(pq) == CONNECTION_BAD)
            let position = PQresultErrorField(result, Int32(Character("P").asciiValue!))
                .flatMap { Int(String(cString: $0)) }
            return .failure(Failure(error: error, position: position))
        default:
            defer { PQclear(result) }
            let name = String(cString: PQresStatus(PQresultStatus(result)))
            return .failure(Failure(error: .protocolError("unexpected result \(name); COPY is not supported")))
        }
    }
}
