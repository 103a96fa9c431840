// `orgd seed demo`: the demo tenant, so a fresh checkout has something to explore. Creates the
// tenant `demo` with its administrator and prints how to sign in; the org chart from the source
// document is added by `DemoSeed.orgChart` when the org-chart module provides it. Idempotent: an
// existing demo tenant is left as it is.

import App
import Foundation
import HTTP
import Postgres
import Tenancy

enum DemoSeed {
    static let slug = "demo"
    static let name = "演示集团 Demo Group"

    static func run(_ pool: PGPool, port: Int) async throws {
        if try await TenantStore.bySlug(pool, slug) != nil {
            Orgd.say("the demo tenant exists already (slug \(slug)); nothing to do")
            return
        }
        let created = try await pool.transaction { connection in
            let created = try await TenantStore.create(slug: slug, name: name, on: connection)
            try await orgChart(connection, tenantID: created.id)
            return created
        }
        Orgd.say("demo tenant created: slug \(created.slug), id \(created.id)")
        Orgd.say("administrator: login \(created.adminLogin), password \(created.setupSecret)")
        Orgd.say("sign in:")
        Orgd.say("  curl -s http://127.0.0.1:\(port)/v1/auth/login -H 'Content-Type: application/json' \\")
        Orgd.say("       -d '{\"tenant\":\"\(created.slug)\",\"login\":\"\(created.adminLogin)\",\"password\":\"\(created.setupSecret)\"}'")
    }
}
