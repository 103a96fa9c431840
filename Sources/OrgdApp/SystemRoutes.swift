// Endpoints about orgd itself: liveness, readiness, metrics and the API description.

import Foundation
import HTTP
import Postgres

enum SystemRoutes {
    static func add(to router: inout Router<RouteHandler>, metrics: HTTPMetrics, resources: Resources,
                    openAPI: [UInt8]) {
        router.add(.GET, "/healthz", .sync { _ in
            HTTPResponse(status: 200, contentType: "application/json", body: Array(#"{"status":"ok"}"#.utf8))
        })

        // Ready means: the database answers and its schema is at the level this build expects.
        // One indexed read; cheap enough for a load balancer to poll every second.
        router.add(.GET, "/readyz", .async { context in
            let applied: Int
            do {
                let result = try await context.pool.withConnection { connection in
                    try await connection.query("SELECT coalesce(max(version), 0) AS version FROM orgd_migrations")
                }
                applied = result.int(0, "version") ?? 0
            } catch let error as PGError where error.sqlState == "42P01" {
                applied = 0                        // no migrations table yet
            }
            if applied < resources.expectedMigration {
                return Problem(status: 503, code: "DATABASE_NOT_MIGRATED",
                               detail: "the database is at migration \(applied), this build needs \(resources.expectedMigration); run orgd migrate").response
            }
            return HTTPResponse(status: 200, contentType: "application/json",
                                body: Array(#"{"status":"ready","migration":\#(applied)}"#.utf8))
        })

        router.add(.GET, "/metrics", .sync { _ in
            HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                         body: Array(metrics.render().utf8))
        })

        router.add(.GET, "/openapi.yaml", .sync { _ in
            HTTPResponse(status: 200, contentType: "application/yaml; charset=utf-8", body: openAPI)
        })
    }
}
