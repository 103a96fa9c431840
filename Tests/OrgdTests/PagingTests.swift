// Every paged list walked to the end with small limits: each row exactly once, in the order the
// list documents. Pins the bug where /v1/audit and /v1/org/changes ordered their bigint ids as
// text (9, 8, 7, 56, 55 … 5, 49) while the cursor compared numbers, so pages skipped and repeated
// rows; ids that cross a digit boundary are written in for both.

import Foundation
import HTTP
@testable import Access
@testable import App
@testable import ChartRender
@testable import OrgChart
@testable import OrgdApp
@testable import Tenancy
import Postgres
import Testing

@Suite("paging")
struct PagingTests {
    /// How a list is ordered, by its items' `id`.
    enum Order {
        case uuidAscending                  // by id
        case numberDescending               // newest first (the audit log)
        case effectiveThenNumber            // by (effective_on, id) (org changes)
        case startThenUUID                  // by (start_date, id) (assignments)

        /// True when `a` must come strictly before `b`.
        func before(_ a: [String: Any], _ b: [String: Any]) -> Bool {
            let (x, y) = (a["id"] as? String ?? "", b["id"] as? String ?? "")
            switch self {
            case .uuidAscending:
                return x.lowercased() < y.lowercased()
            case .numberDescending:
                return (Int64(x) ?? .min) > (Int64(y) ?? .min)
            case .effectiveThenNumber:
                let (dx, dy) = (a["effective_on"] as? String ?? "", b["effective_on"] as? String ?? "")
                return dx != dy ? dx < dy : (Int64(x) ?? .min) < (Int64(y) ?? .min)
            case .startThenUUID:
                let (dx, dy) = (a["start_date"] as? String ?? "", b["start_date"] as? String ?? "")
                return dx != dy ? dx < dy : x < y
            }
        }
    }

    /// One paged list, read by `client`.
    struct Listing {
        var path: String
        var order: Order
        var client: HTTPClient
        var minimum = 7                     // rows the fixture made, so limit 3 needs 3 pages
    }

    @Test("every paged list, walked with limits 1 and 3, returns each row exactly once in its documented order (regression: audit and org-change ids ordered as text)")
    func everyListPagesToTheEnd() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("paging", port: port)
            try Self.fill(org)
            let (platform, created) = try Self.platformTenants(port: port)
            let window = "from=\(orgDay(-30))&to=\(orgDay(30))"
            let listings = [
                Listing(path: "/v1/users", order: .uuidAscending, client: org.client),
                Listing(path: "/v1/api-keys", order: .uuidAscending, client: org.client),
                Listing(path: "/v1/audit", order: .numberDescending, client: org.client),
                Listing(path: "/v1/units", order: .uuidAscending, client: org.client),
                Listing(path: "/v1/positions", order: .uuidAscending, client: org.client),
                Listing(path: "/v1/people", order: .uuidAscending, client: org.client),
                Listing(path: "/v1/access/roles", order: .uuidAscending, client: org.client),
                Listing(path: "/v1/access/grants", order: .uuidAscending, client: org.client),
                Listing(path: "/v1/org/changes?\(window)", order: .effectiveThenNumber, client: org.client),
                Listing(path: "/v1/assignments?all=true", order: .startThenUUID, client: org.client),
                Listing(path: "/v1/access/manageable/users", order: .uuidAscending, client: org.client),
                Listing(path: "/v1/access/manageable/units", order: .uuidAscending, client: org.client),
                Listing(path: "/v1/access/manageable/positions", order: .uuidAscending, client: org.client),
            ]
            for listing in listings {
                // The reference: one page holding every row (its order is checked by the walks).
                let whole = try Self.page(listing.client, listing.path, limit: 500)
                #expect(whole.json["next_cursor"] is NSNull, "\(listing.path): more than 500 rows")
                let expected = whole.items.compactMap { $0["id"] as? String }
                #expect(expected.count >= listing.minimum, "\(listing.path): the fixture made too few rows")
                for limit in [1, 3] {
                    let walked = try Self.walk(listing.client, listing.path, limit: limit)
                    let ids = walked.compactMap { $0["id"] as? String }
                    #expect(Set(ids).count == ids.count, "\(listing.path) limit \(limit): a row came twice")
                    #expect(Set(ids) == Set(expected), "\(listing.path) limit \(limit): \(Set(expected).subtracting(ids).count) rows never reached")
                    for (a, b) in zip(walked, walked.dropFirst()) where !listing.order.before(a, b) {
                        Issue.record("\(listing.path) limit \(limit): \(a["id"] ?? "") listed before \(b["id"] ?? "")")
                    }
                }
            }
            // Tenants are shared with tests running beside this one: the walk must be ordered,
            // repeat none and reach every tenant that existed before it began.
            let tenants = try Self.walk(platform, "/v1/platform/tenants", limit: 7).compactMap { $0["id"] as? String }
            #expect(Set(tenants).count == tenants.count, "a tenant came twice")
            #expect(created.isSubset(of: Set(tenants)), "created tenants never reached")
            #expect(tenants == tenants.sorted(), "tenants out of id order")
        }
    }

    @Test("limit=1 on the audit log and the changes feed returns the newest and the first row (regression: text order)")
    func firstPageIsTheRightEnd() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("paging1", port: port)
            let unit = try org.unit("一部", code: "P1")
            let ids = try Self.crossingDigitBoundaries(org, unit: unit, powers: 15...17)
            let newest = try Self.page(org.client, "/v1/audit", limit: 1).items.first?["id"] as? String
            #expect(newest == String(ids.max()!))
            let window = "from=\(orgDay(-30))&to=\(orgDay(30))"
            let all = try Self.walk(org.client, "/v1/org/changes?\(window)", limit: 500)
            let first = try Self.page(org.client, "/v1/org/changes?\(window)", limit: 1).items.first?["id"] as? String
            #expect(first != nil && first == all.first?["id"] as? String)
        }
    }

    // MARK: - The fixture

    /// Eight of each kind of row over HTTP (assignments on three different first days), and audit and change rows whose ids cross digit boundaries.
    static func fill(_ org: OrgClient) throws {
        let viewer = try #require(try org.client.get("/v1/access/roles").items.first { $0["name"] as? String == "Viewer" }?["id"] as? String)
        let root = try org.unit("总部", code: "HQ")
        for n in 1...8 {
            let user = try org.client.post("/v1/users", json: ["login": "pager\(n)", "display_name": "翻页\(n)",
                                                               "password": "long-enough-password", "grade": "B+5"])
            let userID = try #require(user.json["id"] as? String, "\(user.text)")
            let grant = try org.client.post("/v1/access/grants", json: [
                "subject": ["kind": "user", "id": userID], "role_id": viewer, "scope": ["kind": "tenant"],
            ])
            #expect(grant.status == 201, "\(grant.text)")
            #expect(try org.client.post("/v1/api-keys", json: ["name": "key \(n)"]).status == 201)
            #expect(try org.client.post("/v1/access/roles", json: ["name": "Role \(n)", "permissions": ["org.read"]]).status == 201)
            let unit = try org.unit("部门\(n)", code: "D\(n)", parent: root)
            let position = try org.position("岗位\(n)", unit: unit)
            let person = try org.person("员工\(n)", "E\(n)")
            let assigned = try org.assign(person, to: position, start: orgDay(n % 3))
            #expect(assigned.status == 201, "\(assigned.text)")
        }
        _ = try crossingDigitBoundaries(org, unit: root, powers: 10...13)
    }

    /// Writes audit and org-change rows with ids just below and above 10^k and 10^(k+1), k drawn
    /// from `powers` (audit ids are global: each test draws from its own range); returns the audit ids.
    static func crossingDigitBoundaries(_ org: OrgClient, unit: String, powers: ClosedRange<Int>) throws -> [Int64] {
        let k = Int.random(in: powers)
        var ids: [Int64] = []
        for power in [k, k + 1] {
            let boundary = (0..<power).reduce(Int64(1)) { value, _ in value * 10 }
            ids += (boundary - 4)...(boundary + 4)
        }
        let list = ids.map(String.init).joined(separator: ",")
        try org.sql("""
            INSERT INTO audit_log (id, tenant_id, actor_kind, action, resource_type, outcome)
            OVERRIDING SYSTEM VALUE
            SELECT x, $1::uuid, 'system', 'test.paging', 'test', 'ok' FROM unnest('{\(list)}'::bigint[]) x
            """, [org.tenant.id])
        // Small ids too for the changes feed, whose key is (tenant, id): 9 → 10 and 99 → 100.
        try org.sql("""
            INSERT INTO org_changes (tenant_id, id, effective_on, action, resource_type, resource_id)
            OVERRIDING SYSTEM VALUE
            SELECT $1::uuid, x, current_date, 'unit.update', 'unit', $2::uuid
            FROM unnest('{\(list),6,7,8,9,10,11,12,96,97,98,99,100,101,102}'::bigint[]) x
            ON CONFLICT DO NOTHING
            """, [org.tenant.id, unit])
        return ids
    }

    /// A platform operator's client and the ids of seven tenants it created.
    static func platformTenants(port: Int) throws -> (HTTPClient, Set<String>) {
        var configuration = Configuration()
        configuration.adminDatabaseURL = try TestEnvironment.adminDatabaseURL
        let issued = Credential.issue(.platform, tenantID: nil)
        let digest = "\\x" + issued.digest.hex
        let status = AdminCommands.onLoop(configuration) { pool in
            _ = try await pool.transaction { connection in
                _ = try await connection.query("SELECT set_config('orgd.platform', 'on', true)")
                _ = try await connection.query("INSERT INTO platform_keys (name, digest) VALUES ('paging', $1::bytea)", [digest])
            }
        }
        guard status == 0 else { throw TestFailure("could not create a platform key") }
        let operator_ = HTTPClient(port: port, token: issued.text)
        var created: Set<String> = []
        for n in 1...7 {
            let slug = "page\(n)-\(UUID().uuidString.prefix(8).lowercased())"
            let response = try operator_.post("/v1/platform/tenants", json: ["slug": slug, "name": "翻页 \(n)"])
            created.insert(try #require(response.json["id"] as? String, "\(response.text)"))
        }
        return (operator_, created)
    }

    // MARK: - Walking

    static func page(_ client: HTTPClient, _ path: String, limit: Int, cursor: String? = nil) throws -> RawResponse {
        var url = path + (path.contains("?") ? "&" : "?") + "limit=\(limit)"
        if let cursor { url += "&cursor=\(cursor)" }
        let response = try client.get(url)
        guard response.status == 200 else { throw TestFailure("GET \(url): \(response.status) \(response.text)") }
        return response
    }

    /// Follows `next_cursor` from the first page to the last; the items of every page in order.
    static func walk(_ client: HTTPClient, _ path: String, limit: Int) throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var cursor: String?
        for _ in 0..<2_000 {
            let response = try page(client, path, limit: limit, cursor: cursor)
            #expect(response.items.count <= limit, "\(path): a page longer than its limit")
            items += response.items
            cursor = response.json["next_cursor"] as? String
            if cursor == nil { return items }
        }
        throw TestFailure("\(path) limit \(limit): the cursor never ended")
    }
}
