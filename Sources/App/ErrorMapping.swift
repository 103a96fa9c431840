// The one place errors become HTTP answers: every error type of every module is mapped here to
// a status and a stable, greppable code. Codes are never reused; docs/errors.md lists them.

import HTTP
import Postgres

package enum ErrorMapping {
    /// The response for any error a handler throws.
    package static func response(for error: any Error) -> HTTPResponse {
        if let throttled = error as? ThrottledResponse { return throttled.response }
        return problem(for: error).response
    }

    package static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let field as FieldError:
            return Problem.from(field)
        case let database as PGError:
            return problem(for: database)
        default:
            return Problem(status: 500, code: "INTERNAL", detail: "an unexpected error occurred; it has been logged")
        }
    }

    package static func problem(for error: PGError) -> Problem {
        switch error.kind {
        case .unavailable, .poolClosed:
            var problem = Problem(status: 503, code: "DATABASE_UNAVAILABLE",
                                  detail: "the database cannot be reached right now; retry shortly")
            problem.title = "Service Unavailable"
            return problem
        case .refused:
            var problem = Problem(status: 503, code: "DATABASE_ROLE_UNSAFE", detail: error.message)
            problem.title = "Service Unavailable"
            return problem
        case .timeout:
            return Problem(status: 503, code: "DATABASE_TIMEOUT", detail: "the database did not answer in time")
        case .protocolError:
            return Problem(status: 500, code: "DATABASE_PROTOCOL", detail: "an unexpected database response")
        case .query:
            if error.isUniqueViolation {
                return Problem(status: 409, code: "CONFLICT_DUPLICATE",
                               detail: "a record with the same key already exists (\(error.constraint ?? "unique key"))")
            }
            if error.isForeignKeyViolation {
                return Problem(status: 409, code: "CONFLICT_REFERENCE",
                               detail: "the change refers to, or is referred to by, another record (\(error.constraint ?? "foreign key"))")
            }
            if error.isCheckViolation || error.isNotNullViolation {
                return Problem(status: 422, code: "CONSTRAINT_VIOLATED",
                               detail: "the change breaks the rule \(error.constraint ?? error.column ?? "of the table")")
            }
            if error.isExclusionViolation {
                return Problem(status: 409, code: "CONFLICT_OVERLAP",
                               detail: "the change overlaps an existing record (\(error.constraint ?? "exclusion"))")
            }
            if error.sqlState?.hasPrefix("22") == true {
                // Data exceptions: a value Postgres cannot take (a NUL character, a number or
                // date out of range). The request is at fault, not the server.
                return Problem(status: 422, code: "VALUE_NOT_ACCEPTED",
                               detail: "a value in the request cannot be stored or compared: \(error.message)")
            }
            if error.isSerializationFailure {
                return Problem(status: 503, code: "DATABASE_BUSY", detail: "a concurrent change won; retry")
            }
            return Problem(status: 500, code: "DATABASE_ERROR", detail: "the database refused the request")
        }
    }
}

/// A refusal that carries a Retry-After (sign-in throttling).
package struct ThrottledResponse: Error {
    package var problem: Problem
    package var retryAfter: Int

    package init(problem: Problem, retryAfter: Int) {
        self.problem = problem
        self.retryAfter = retryAfter
    }

    package var response: HTTPResponse {
        var response = problem.response
        response.headers.add("Retry-After", String(retryAfter))
        return response
    }
}
