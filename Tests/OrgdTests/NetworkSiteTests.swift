// Sites of the service network over HTTP against a real Postgres: the authorisation lifecycle
// (API and database), the tiers for suspending and terminating, dated reads, bad input with
// nothing changed, racing transitions, regional scoping, the nearest eligible site, the change
// feed, and tenant isolation of every network table.

import Foundation
import HTTP
@testable import Network
import SVGTestSupport
@testable import OrgChart
import Testing

@Suite("service network: sites")
struct NetworkSiteTests {
    /// A tenant with a product line, a region tree (华东 > 上海, 华南) and a signed-in admin.
    struct Network {
        let org: OrgClient
        let east: String
        let shanghai: String
        let south: String

        static func start(_ prefix: String, port: Int) throws -> Network {
            let org = try OrgClient.start(prefix, port: port)
            try org.productLine("washer", name: "洗衣机")
            let east = try org.region("华东", code: "EAST", from: orgDay(-365))
            let shanghai = try org.region("上海", code: "SH", parent: east, from: orgDay(-365))
            let south = try org.region("华南", code: "SOUTH", from: orgDay(-365))
            return Network(org: org, east: east, shanghai: shanghai, south: south)
        }

        /// A technician posted at `site` from `from` on, certified for `capability` until `expires`.
        @discardableResult
        func certifiedTechnician(at site: String, capability: String = "washer/repair", expires: String = orgDay(365)) throws -> String {
            let id = try org.sql("INSERT INTO technicians (tenant_id, name) VALUES ($1::uuid, '李师傅') RETURNING id::text", [org.tenant.id])[0]["id"]!
            try org.sql("""
                INSERT INTO technician_postings (tenant_id, technician_id, site_id, valid) VALUES ($1::uuid, $2::uuid, $3::uuid, daterange($4::date, NULL))
                """, [org.tenant.id, id, site, orgDay(-400)])
            try org.sql("""
                INSERT INTO certifications (tenant_id, technician_id, capability, issued_on, expires_on, issuer)
                VALUES ($1::uuid, $2::uuid, $3, $4::date, $5::date, '厂家培训中心')
                """, [org.tenant.id, id, capability, orgDay(-400), expires])
            return id
        }
    }

    @Test("a station goes through its whole lifecycle with history; an illegal jump is 409 naming the current status and the allowed ones")
    func lifecycle() async throws {
        try await TestEnvironment.withServer { port in
            let net = try Network.start("netlife", port: port)
            let site = try net.org.site("SH-001", name: "上海浦东维修站", region: net.shanghai, at: (31.22, 121.54), capabilities: ["washer/repair"])
            let jump = try net.org.client.post("/v1/network/sites/\(site)/transitions", json: ["to": "authorised", "reason": "skip onboarding"])
            #expect(jump.status == 409)
            #expect(jump.json["code"] as? String == "SITE_TRANSITION_ILLEGAL")
            #expect(jump.json["current"] as? String == "planned")
            #expect(jump.json["allowed"] as? [String] == ["onboarding", "terminated"])
            try net.org.move(site, through: ["onboarding", "authorised", "probation", "authorised", "suspended", "authorised", "terminated"])
            let read = try net.org.client.get("/v1/network/sites/\(site)")
            #expect(read.json["status"] as? String == "terminated")
            let final = try net.org.client.post("/v1/network/sites/\(site)/transitions", json: ["to": "authorised", "reason": "again"])
            #expect(final.status == 409)
            #expect(final.json["allowed"] as? [String] == [])
            let history = try net.org.client.get("/v1/network/sites/\(site)/transitions").orgItems
            #expect(history.map { $0["to"] as? String } == ["onboarding", "authorised", "probation", "authorised", "suspended", "authorised", "terminated"])
            #expect(history.allSatisfy { ($0["reason"] as? String)?.hasPrefix("test: to") == true && $0["actor_id"] is String })
            // The database holds the same lifecycle: a direct update along no move is refused there too.
            #expect(throws: (any Error).self) {
                try net.org.sql("UPDATE sites SET status = 'authorised' WHERE id = $1::uuid", [site])
            }
            #expect(try net.org.sql("SELECT status FROM sites WHERE id = $1::uuid", [site])[0]["status"] == "terminated")
            // A terminated site can be archived; an active one cannot.
            let other = try net.org.site("SH-002", region: net.shanghai)
            try net.org.authorise(other)
            let active = try net.org.client.post("/v1/network/sites/\(other)/archive", json: [:])
            #expect(active.status == 409)
            #expect(active.json["code"] as? String == "SITE_ACTIVE")
            #expect(try net.org.client.post("/v1/network/sites/\(site)/archive", json: [:]).status == 200)
            let listed = try net.org.client.get("/v1/network/sites").orgItems.compactMap { $0["code"] as? String }
            #expect(listed == ["SH-002"])
        }
    }

    @Test("suspending needs the suspend tier and terminating the higher terminate tier; the settings refuse a terminate tier not above suspend")
    func tiers() async throws {
        try await TestEnvironment.withServer { port in
            let net = try Network.start("nettier", port: port)
            let site = try net.org.site("S1", region: net.east)
            try net.org.authorise(site)
            let manager = try net.org.regionalUser("east.manager", grade: "A2", region: net.east)
            let terminate = try manager.post("/v1/network/sites/\(site)/transitions", json: ["to": "terminated", "reason": "contract ended"])
            #expect(terminate.status == 403)
            #expect(terminate.json["code"] as? String == "NETWORK_REQUIRES_TIER")
            #expect((terminate.json["values"] as? [String: String])?["required"] == "A+")
            #expect(try net.org.sql("SELECT status FROM sites WHERE id = $1::uuid", [site])[0]["status"] == "authorised")
            let suspend = try manager.post("/v1/network/sites/\(site)/transitions", json: ["to": "suspended", "reason": "complaints"])
            #expect(suspend.status == 201, "\(suspend.text)")
            let clerk = try net.org.regionalUser("east.clerk", grade: "B+1", region: net.east)
            let reinstate = try clerk.post("/v1/network/sites/\(site)/transitions", json: ["to": "authorised", "reason": "fixed"])
            #expect(reinstate.status == 201, "plain moves need only network.write: \(reinstate.text)")
            let resuspend = try clerk.post("/v1/network/sites/\(site)/transitions", json: ["to": "suspended", "reason": "again"])
            #expect(resuspend.status == 403)

            let bad = try net.org.client.patch("/v1/network/settings", json: ["suspend_tier": "A+", "terminate_tier": "A+"])
            #expect(bad.status == 422)
            #expect(bad.json["code"] as? String == "NETWORK_TIERS_ORDER")
            let unknown = try net.org.client.patch("/v1/network/settings", json: ["inspect_tier": "Z"])
            #expect(unknown.status == 422)
            #expect(unknown.json["field"] as? String == "inspect_tier")
            let lowered = try net.org.client.patch("/v1/network/settings", json: ["suspend_tier": "B+", "terminate_tier": "A"])
            #expect(lowered.status == 200, "\(lowered.text)")
            #expect(try clerk.post("/v1/network/sites/\(site)/transitions", json: ["to": "suspended", "reason": "again"]).status == 201)
            let settings = try manager.get("/v1/network/settings")
            #expect(settings.json["terminate_tier"] as? String == "A")
            #expect(try manager.patch("/v1/network/settings", json: ["terminate_tier": "A"]).status == 403)
        }
    }

    @Test("bad input is refused naming the field and rule, and nothing is stored")
    func badInput() async throws {
        let other = try TestTenant.create("netother")
        try await TestEnvironment.withServer { port in
            let net = try Network.start("netbad", port: port)
            let foreign = HTTPClient(port: port, token: try other.login(port: port))
            let foreignRegion = try foreign.post("/v1/regions", json: ["name": "他区", "code": "OTHER"]).json["id"] as! String
            let base: [String: Any] = ["code": "X1", "kind": "repair_station", "name": "站", "region_id": net.east]
            let cases: [([String: Any], Int, String, String?)] = [
                (["location": ["latitude": 91.0, "longitude": 0.0]], 422, "location.latitude", "range"),
                (["location": ["latitude": 30.0, "longitude": -181.0]], 422, "location.longitude", "range"),
                (["covers": [foreignRegion]], 422, "covers[0]", "exists"),
                (["region_id": foreignRegion], 422, "region_id", "exists"),
                (["capabilities": ["fridge/repair"]], 422, "capabilities[0]", "known_product_line"),
                (["capabilities": ["washer/teleport"]], 422, "capabilities[0]", "known_service_type"),
                (["capabilities": ["washer"]], 422, "capabilities[0]", "capability_format"),
                (["kind": "spaceport"], 422, "kind", "known_kind"),
                (["code": "has space"], 422, "code", "format"),
                (["service_radius_km": -5.0], 422, "service_radius_km", "range"),
                (["name": "   "], 422, "name", "length"),
            ]
            for (change, status, field, rule) in cases {
                let body = base.merging(change) { $1 }
                let response = try net.org.client.post("/v1/network/sites", json: body)
                #expect(response.status == status, "\(change): \(response.text)")
                #expect(response.json["field"] as? String == field, "\(change): \(response.text)")
                if let rule { #expect(response.json["rule"] as? String == rule, "\(change)") }
                #expect(response.header("Content-Type") == "application/problem+json")
            }
            #expect(try net.org.sql("SELECT count(*) AS n FROM sites")[0]["n"] == "0")
            #expect(try net.org.sql("SELECT count(*) AS n FROM network_changes")[0]["n"] == "0")

            let site = try net.org.site("S1", region: net.east)
            let transitions: [([String: Any], String)] = [
                (["to": "paused", "reason": "x"], "to"),
                (["to": "onboarding", "reason": " "], "reason"),
                (["to": "onboarding", "reason": "x", "effective_date": orgDay(3)], "effective_date"),
                (["to": "onboarding", "reason": "x", "authorised_until": orgDay(30)], "authorised_until"),
            ]
            for (body, field) in transitions {
                let response = try net.org.client.post("/v1/network/sites/\(site)/transitions", json: body)
                #expect(response.status == 422, "\(body): \(response.text)")
                #expect(response.json["field"] as? String == field)
            }
            try net.org.move(site, through: ["onboarding"])
            let backwards = try net.org.client.post("/v1/network/sites/\(site)/transitions",
                                                    json: ["to": "authorised", "reason": "x", "authorised_from": orgDay(10), "authorised_until": orgDay(5)])
            #expect(backwards.status == 422)
            #expect(backwards.json["field"] as? String == "authorised_until")
            #expect(try net.org.sql("SELECT count(*) AS n FROM site_transitions")[0]["n"] == "1")
            let query = try net.org.client.get("/v1/network/sites/nearest?latitude=120&longitude=10&capability=washer/repair")
            #expect(query.status == 400)
            #expect(query.json["field"] as? String == "latitude")
        }
    }

    @Test("two racing transitions of one site: exactly one wins, the other is told why")
    func racingTransitions() async throws {
        try await TestEnvironment.withServer { port in
            let net = try Network.start("netrace", port: port)
            for round in 0..<5 {
                let site = try net.org.site("R\(round)", region: net.east)
                try net.org.authorise(site)
                let revision = try net.org.client.get("/v1/network/sites/\(site)").header("ETag")!
                let statuses = ResultsBox()
                DispatchQueue.concurrentPerform(iterations: 2) { index in
                    let target = index == 0 ? "suspended" : "probation"
                    let response = try? net.org.client.request("POST", "/v1/network/sites/\(site)/transitions",
                                                               body: ["to": target, "reason": "race"], headers: ["If-Match": revision])
                    statuses.append(response?.status ?? 0)
                }
                #expect(statuses.sorted == [201, 412], "round \(round): \(statuses.sorted)")
                #expect(try net.org.sql("SELECT count(*) AS n FROM site_transitions WHERE site_id = $1::uuid", [site])[0]["n"] == "3")
            }
        }
    }

    @Test("a regional manager sees and changes only their region's sites: another region's site is 403 to change, the tenant's other data stays")
    func regionalScoping() async throws {
        try await TestEnvironment.withServer { port in
            let net = try Network.start("netscope", port: port)
            let mine = try net.org.site("E1", region: net.shanghai)
            let theirs = try net.org.site("S1", region: net.south)
            let manager = try net.org.regionalUser("east.rm", grade: "A2", region: net.east)
            #expect(try manager.get("/v1/network/sites/\(mine)").status == 200)
            // network.read over East only: a South site is not readable, so it does not exist for them.
            #expect(try manager.get("/v1/network/sites/\(theirs)").status == 404)
            let change = try manager.patch("/v1/network/sites/\(theirs)", json: ["name": "改名"])
            #expect(change.status == 403, "visible as a kind (network.read somewhere), so told why: \(change.text)")
            #expect(change.json["code"] as? String == "SCOPE_NOT_COVERED")
            #expect(try manager.patch("/v1/network/sites/\(mine)", json: ["name": "浦东站"]).status == 200)
            let listed = try manager.get("/v1/network/sites").orgItems.compactMap { $0["code"] as? String }
            #expect(listed == ["E1"])
            let moved = try manager.patch("/v1/network/sites/\(mine)", json: ["region_id": net.south])
            #expect(moved.status == 403, "moving a site out of one's region needs the destination too")
            let create = try manager.post("/v1/network/sites", json: ["code": "S2", "kind": "dealer", "name": "广州经销商", "region_id": net.south])
            #expect(create.status == 403)
            let feed = try manager.get("/v1/network/changes").orgItems.compactMap { $0["site_id"] as? String }
            #expect(Set(feed) == [mine], "the feed shows only the changes of sites they can read")
            let map = try manager.get("/v1/network/map.svg")
            #expect(map.status == 200)
            #expect(map.header("Content-Type") == "image/svg+xml")
            let drawn = SVGCheck.parse(map.body)
            #expect(drawn.failure == nil)
            #expect(drawn.text.contains("E1") && !drawn.text.contains("S1"), "the map draws only the sites they can read")
            // The nearest search, likewise, proposes only their region's sites.
            try net.org.sql("UPDATE site_versions SET latitude = 31.2, longitude = 121.5, capabilities = '{washer/repair}'")
            for site in [mine, theirs] {
                try net.org.authorise(site)
                try net.certifiedTechnician(at: site)
            }
            let near = try manager.get("/v1/network/sites/nearest?latitude=31.2&longitude=121.5&capability=washer/repair&explain=true")
            #expect(near.status == 200, "\(near.text)")
            #expect(near.orgItems.compactMap { ($0["site"] as? [String: Any])?["code"] as? String } == ["E1"])
            #expect((near.json["excluded"] as? [[String: Any]])?.isEmpty == true)
            // With no network permission at all, a site is simply not there.
            let hr = try net.org.user("hr.only", grade: "B+1", role: "HR")
            #expect(try hr.get("/v1/network/sites/\(mine)").status == 404)
            #expect(try hr.patch("/v1/network/sites/\(mine)", json: ["name": "x"]).status == 404)
        }
    }

    @Test("sites are effective-dated: a past day shows the name and status of that day, If-Match guards updates")
    func datedReads() async throws {
        try await TestEnvironment.withServer { port in
            let net = try Network.start("netdate", port: port)
            let site = try net.org.site("D1", name: "旧名", region: net.east, extra: ["effective_date": orgDay(-30)])
            try net.org.move(site, through: ["onboarding"], extra: ["effective_date": orgDay(-20)])
            try net.org.move(site, through: ["authorised"], extra: ["effective_date": orgDay(-10)])
            let stale = try net.org.client.request("PATCH", "/v1/network/sites/\(site)", body: ["name": "新名"], headers: ["If-Match": "\"1\""])
            #expect(stale.status == 412)
            let etag = try net.org.client.get("/v1/network/sites/\(site)").header("ETag")!
            let renamed = try net.org.client.request("PATCH", "/v1/network/sites/\(site)",
                                                     body: ["name": "新名", "effective_date": orgDay(-5)], headers: ["If-Match": etag])
            #expect(renamed.status == 200, "\(renamed.text)")
            let past = try net.org.client.get("/v1/network/sites/\(site)?as_of=\(orgDay(-15))")
            #expect(past.json["name"] as? String == "旧名")
            #expect(past.json["status"] as? String == "onboarding")
            #expect(try net.org.client.get("/v1/network/sites/\(site)?as_of=\(orgDay(-25))").json["status"] as? String == "planned")
            let today = try net.org.client.get("/v1/network/sites/\(site)")
            #expect(today.json["name"] as? String == "新名")
            #expect(today.json["status"] as? String == "authorised")
            #expect(try net.org.client.get("/v1/network/sites/\(site)?as_of=\(orgDay(-40))").status == 404)
            let changes = try net.org.client.get("/v1/network/changes?from=\(orgDay(-30))&to=\(orgDay(0))").orgItems
            #expect(changes.compactMap { $0["action"] as? String } == ["site.create", "site.transition", "site.transition", "site.update"])
            #expect(changes.compactMap { $0["effective_on"] as? String } == [orgDay(-30), orgDay(-20), orgDay(-10), orgDay(-5)])
        }
    }

    @Test("authorisations ending within the window are listed; an expired one makes the site ineligible with nobody acting")
    func expiringAuthorisations() async throws {
        try await TestEnvironment.withServer { port in
            let net = try Network.start("netexp", port: port)
            let soon = try net.org.site("SOON", region: net.shanghai, at: (31.2, 121.5), capabilities: ["washer/repair"])
            let later = try net.org.site("LATER", region: net.shanghai, at: (31.3, 121.4), capabilities: ["washer/repair"])
            let ended = try net.org.site("ENDED", region: net.shanghai, at: (31.21, 121.49), capabilities: ["washer/repair"])
            try net.org.authorise(soon, until: orgDay(10))
            try net.org.authorise(later, until: orgDay(90))
            try net.org.authorise(ended, until: orgDay(5))
            for site in [soon, later, ended] { try net.certifiedTechnician(at: site) }
            let expiring = try net.org.client.get("/v1/network/sites?expiring=true").orgItems.compactMap { $0["code"] as? String }
            #expect(expiring == ["ENDED", "SOON"])
            let wider = try net.org.client.get("/v1/network/sites?expiring_within_days=120").orgItems.compactMap { $0["code"] as? String }
            #expect(wider == ["ENDED", "LATER", "SOON"])
            // The authorisation of ENDED ran out yesterday: nobody moved it, yet it no longer takes work.
            try net.org.sql("UPDATE sites SET authorised_from = $2::date, authorised_until = $3::date WHERE id = $1::uuid",
                            [ended, orgDay(-100), orgDay(-1)])
            let read = try net.org.client.get("/v1/network/sites/\(ended)")
            #expect(read.json["status"] as? String == "authorised")
            #expect((read.json["authorisation"] as? [String: Any])?["expired"] as? Bool == true)
            #expect(try net.org.client.get("/v1/network/sites?expired=true").orgItems.compactMap { $0["code"] as? String } == ["ENDED"])
            let near = try net.org.client.get("/v1/network/sites/nearest?latitude=31.21&longitude=121.49&capability=washer/repair&explain=true")
            #expect(near.status == 200, "\(near.text)")
            let found = near.orgItems.compactMap { ($0["site"] as? [String: Any])?["code"] as? String }
            #expect(found == ["SOON", "LATER"])
            let excluded = near.json["excluded"] as? [[String: Any]] ?? []
            #expect(excluded.compactMap { ($0["site"] as? [String: Any])?["code"] as? String } == ["ENDED"])
            #expect((excluded.first?["reasons"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["authorisation_expired"])
        }
    }

    @Test("the nearest eligible site skips a nearer suspended station and a nearer one whose only certification expired yesterday, and says why")
    func nearest() async throws {
        try await TestEnvironment.withServer { port in
            let net = try Network.start("netnear", port: port)
            // The customer is at People's Square (31.2304, 121.4737).
            let suspended = try net.org.site("SUSP", name: "静安站", region: net.shanghai, at: (31.2290, 121.4480), capabilities: ["washer/repair"])
            let lapsed = try net.org.site("LAPSED", name: "黄浦站", region: net.shanghai, at: (31.2200, 121.4900), capabilities: ["washer/repair"])
            let good = try net.org.site("GOOD", name: "徐汇站", region: net.shanghai, at: (31.1880, 121.4370), capabilities: ["washer/repair"])
            let far = try net.org.site("FAR", name: "杭州站", region: net.east, at: (30.2741, 120.1551), capabilities: ["washer/repair"])
            let otherCap = try net.org.site("INSTALL", name: "安装站", region: net.shanghai, at: (31.2310, 121.4740),
                                            capabilities: ["washer/installation"])
            let southern = try net.org.site("SOUTHERN", name: "广州站", region: net.south, at: (31.2305, 121.4738),
                                            capabilities: ["washer/repair"], extra: ["covers": [net.south]])
            for site in [suspended, lapsed, good, far, otherCap, southern] { try net.org.authorise(site) }
            try net.org.move(suspended, through: ["suspended"])
            try net.certifiedTechnician(at: suspended)
            try net.certifiedTechnician(at: lapsed, expires: orgDay(-1))
            try net.certifiedTechnician(at: good)
            try net.certifiedTechnician(at: far)
            try net.certifiedTechnician(at: otherCap, capability: "washer/installation")
            try net.certifiedTechnician(at: southern)
            let answer = try net.org.client.get(
                "/v1/network/sites/nearest?latitude=31.2304&longitude=121.4737&region_id=\(net.shanghai)&capability=washer/repair&explain=true")
            #expect(answer.status == 200, "\(answer.text)")
            let found = answer.orgItems.compactMap { ($0["site"] as? [String: Any])?["code"] as? String }
            #expect(found == ["GOOD", "FAR"])
            let distance = answer.orgItems.first?["distance_km"] as? Double ?? 0
            #expect(abs(distance - 5.66) < 0.3, "徐汇 is about 5.7 km from People's Square: \(distance)")
            let excluded = Dictionary(uniqueKeysWithValues: (answer.json["excluded"] as? [[String: Any]] ?? []).map {
                (($0["site"] as? [String: Any])?["code"] as? String ?? "", ($0["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
            })
            #expect(excluded["SUSP"] == ["status"])
            #expect(excluded["LAPSED"] == ["no_certified_technician"])
            #expect(excluded["INSTALL"] == ["capability", "no_certified_technician"])
            #expect(excluded["SOUTHERN"] == ["coverage"])
            let reasons = (answer.json["excluded"] as? [[String: Any]] ?? []).first { ($0["site"] as? [String: Any])?["code"] as? String == "LAPSED" }
            let detail = ((reasons?["reasons"] as? [[String: Any]])?.first?["detail"] as? String) ?? ""
            #expect(detail.contains(orgDay(-1)), "the detail names the day the certification expired: \(detail)")
            // Without explain the answer has no excluded list; with a radius the far one goes.
            let plain = try net.org.client.get("/v1/network/sites/nearest?latitude=31.2304&longitude=121.4737&capability=washer/repair&max_km=50")
            #expect(plain.json["excluded"] == nil)
            #expect(plain.orgItems.compactMap { ($0["site"] as? [String: Any])?["code"] as? String } == ["SOUTHERN", "GOOD"])
            // Probation dispatches only where the tenant allows it.
            try net.org.move(good, through: ["probation"])
            #expect(try net.org.client.get("/v1/network/sites/nearest?latitude=31.2304&longitude=121.4737&region_id=\(net.shanghai)&capability=washer/repair")
                .orgItems.compactMap { ($0["site"] as? [String: Any])?["code"] as? String } == ["FAR"])
            #expect(try net.org.client.patch("/v1/network/settings", json: ["probation_eligible": true]).status == 200)
            #expect(try net.org.client.get("/v1/network/sites/nearest?latitude=31.2304&longitude=121.4737&region_id=\(net.shanghai)&capability=washer/repair")
                .orgItems.compactMap { ($0["site"] as? [String: Any])?["code"] as? String } == ["GOOD", "FAR"])
        }
    }

    @Test("every network table keeps tenants apart: row-level security forced, another tenant's site is 404 on every endpoint")
    func isolation() async throws {
        try await TestEnvironment.withServer { port in
            let mine = try Network.start("netiso-a", port: port)
            let theirs = try Network.start("netiso-b", port: port)
            let site = try theirs.org.site("B1", region: theirs.east, at: (30, 120), capabilities: ["washer/repair"])
            try theirs.org.authorise(site)
            try theirs.certifiedTechnician(at: site)
            let client = mine.org.client
            #expect(try client.get("/v1/network/sites/\(site)").status == 404)
            #expect(try client.patch("/v1/network/sites/\(site)", json: ["name": "x"]).status == 404)
            #expect(try client.post("/v1/network/sites/\(site)/transitions", json: ["to": "suspended", "reason": "x"]).status == 404)
            #expect(try client.get("/v1/network/sites/\(site)/transitions").status == 404)
            #expect(try client.post("/v1/network/sites/\(site)/archive", json: [:]).status == 404)
            #expect(try client.get("/v1/network/sites").orgItems.isEmpty)
            #expect(try client.get("/v1/network/changes").orgItems.isEmpty)
            #expect(try client.get("/v1/network/sites/nearest?latitude=30&longitude=120&capability=washer/repair").orgItems.isEmpty)
            let covered = try client.post("/v1/network/sites", json: ["code": "A1", "kind": "dealer", "name": "x", "region_id": mine.east,
                                                                      "covers": [theirs.east]])
            #expect(covered.status == 422)
            // Underneath: each network table has forced row-level security, and the owner with
            // tenant A set sees none of B's rows.
            let tables = ["network_settings", "network_terms", "sites", "site_versions", "site_transitions", "technicians",
                          "technician_postings", "certifications", "trainings", "inspection_templates", "inspection_template_items",
                          "inspections", "inspection_scores", "corrective_actions", "network_changes"]
            for table in tables {
                let flags = try mine.org.sql("SELECT relrowsecurity::text AS on, relforcerowsecurity::text AS forced FROM pg_class WHERE relname = $1", [table])
                #expect(flags.first?["on"] == "true" && flags.first?["forced"] == "true", "\(table)")
            }
            #expect(try mine.org.sql("SELECT count(*) AS n FROM sites")[0]["n"] == "0")
            #expect(try mine.org.sql("SELECT count(*) AS n FROM certifications")[0]["n"] == "0")
            #expect(try theirs.org.sql("SELECT count(*) AS n FROM certifications")[0]["n"] == "1")
        }
    }
}

/// Statuses collected from concurrent requests.
final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int] = []
    func append(_ value: Int) { lock.lock(); values.append(value); lock.unlock() }
    var sorted: [Int] { lock.lock(); defer { lock.unlock() }; return values.sorted() }
}
