// Endpoints about orgd itself: liveness, readiness, metrics and the API description. The route
// table (Routes.swift) binds them to their paths.

import App
import Foundation
import HTTP
import Postgres

enum SystemRoutes {
    static func healthz(_ request: HTTPRequest) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "application/json", body: Array(#"{"status":"ok"}"#.utf8))
    }

    /// Ready means: orgd is not stopping, the database answers and its schema is at the level
    /// this build expects. One indexed read; cheap enough for a load balancer to poll every second.
    static func readyz(_ context: RequestContext, expectedMigration: Int, lifecycle: Lifecycle) async throws -> HTTPResponse {
        if lifecycle.isStopping {
            return Problem(status: 503, code: "SHUTTING_DOWN",
                           detail: "orgd is stopping: it finishes the requests it has and takes no new connections soon").response
        }
        let applied: Int
        do {
            let result = try await context.pool.withConnection { connection in
                try await connection.query("SELECT coalesce(max(version), 0) AS version FROM orgd_migrations")
            }
            applied = try result.decodeFirst(Int.self) ?? 0
        } catch let error as PGError where error.sqlState == "42P01" {
            applied = 0                        // no migrations table yet
        }
        if applied < expectedMigration {
            return Problem(status: 503, code: "DATABASE_NOT_MIGRATED",
                           detail: "the database is at migration \(applied), this build needs \(expectedMigration); run orgd migrate").response
        }
        return HTTPResponse(status: 200, contentType: "application/json",
                            body: Array(#"{"status":"ready","migration":\#(applied)}"#.utf8))
    }

    static func metrics(_ metrics: HTTPMetrics) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(metrics.render().utf8))
    }

    static func openAPI(_ document: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "application/yaml; charset=utf-8", body: document)
    }
}
