// Technicians of the service network over HTTP against a real Postgres: creation with the first
// posting, If-Match, moves that keep the history, certifications and trainings, the expiring
// and expired lists, regional access, tenant isolation, and the nearest search's certified rule.

import Foundation
import HTTP
@testable import OrgChart
import Testing

extension OrgClient {
    /// A site that exists since a year ago (its region must too), so technicians can be posted there in the past.
    func pastSite(_ code: String, name: String? = nil, region: String) throws -> String {
        try site(code, name: name, region: region, extra: ["effective_date": orgDay(-366)])
    }

    /// A top-level region that exists since two years ago.
    func pastRegion(_ name: String, code: String) throws -> String {
        let response = try client.post("/v1/regions", json: ["name": name, "code": code, "effective_date": orgDay(-731)])
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create region \(name): \(response.status) \(response.text)")
        }
        return id
    }

    /// A technician posted at `site` from `start` (default today); their id.
    @discardableResult
    func technician(_ name: String, site: String, start: String? = nil, extra: [String: Any] = [:]) throws -> String {
        var body: [String: Any] = ["name": name, "site_id": site]
        if let start { body["start_date"] = start }
        body.merge(extra) { $1 }
        let response = try client.post("/v1/network/technicians", json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create technician \(name): \(response.status) \(response.text)")
        }
        return id
    }

    /// A certification of `technician` for `capability` from `issued` through `expires`; its id.
    @discardableResult
    func certify(_ technician: String, _ capability: String, issued: String, expires: String) throws -> String {
        let response = try client.post("/v1/network/technicians/\(technician)/certifications", json: [
            "capability": capability, "issued_on": issued, "expires_on": expires, "issuer": "厂家培训中心",
        ])
        guard response.status == 201, let id = (response.json["certification"] as? [String: Any])?["id"] as? String else {
            throw TestFailure("certify \(technician): \(response.status) \(response.text)")
        }
        return id
    }
}

extension RawResponse {
    /// The ids of a list's items.
    var itemIDs: [String] { orgItems.compactMap { $0["id"] as? String } }
}

@Suite("service network: technicians")
struct NetworkTechnicianTests {
    @Test("a technician is created with their first posting, read with their history, and changed only with the current ETag")
    func createReadUpdate() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("tech-crud", port: port)
            let east = try org.pastRegion("华东", code: "EAST")
            let station = try org.pastSite("SH-01", name: "上海维修站", region: east)
            let created = try org.client.post("/v1/network/technicians", json: [
                "name": "王建国", "phone": "13800000000", "site_id": station, "start_date": orgDay(-30),
            ])
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            #expect(created.header("Location") == "/v1/network/technicians/\(id)")
            #expect(created.header("ETag") == "\"1\"")
            #expect((created.json["site"] as? [String: Any])?["id"] as? String == station)

            let read = try org.client.get("/v1/network/technicians/\(id)")
            #expect(read.status == 200)
            #expect(read.header("ETag") == "\"1\"")
            #expect(read.json["name"] as? String == "王建国")
            #expect(read.json["posted_from"] as? String == orgDay(-30))
            let postings = read.json["postings"] as? [[String: Any]] ?? []
            #expect(postings.count == 1)
            #expect(postings.first?["start_date"] as? String == orgDay(-30))
            #expect(postings.first?["end_date"] is NSNull)
            #expect((read.json["certifications"] as? [Any])?.isEmpty == true)
            #expect((read.json["trainings"] as? [Any])?.isEmpty == true)

            let path = "/v1/network/technicians/\(id)"
            let stale = try org.client.request("PATCH", path, body: ["name": "王师傅"], headers: ["If-Match": "\"7\""])
            #expect(stale.status == 412)
            #expect(stale.json["code"] as? String == "PRECONDITION_FAILED")
            let blank = try org.client.patch(path, json: ["name": "  "])
            #expect(blank.status == 422)
            #expect(blank.json["field"] as? String == "name")
            #expect(try org.client.get(path).json["name"] as? String == "王建国")

            let changed = try org.client.request("PATCH", path, body: ["email": "wang@example.com"], headers: ["If-Match": "\"1\""])
            #expect(changed.status == 200, "\(changed.text)")
            #expect(changed.header("ETag") == "\"2\"")
            #expect(changed.json["email"] as? String == "wang@example.com")
            #expect(changed.json["phone"] as? String == "13800000000")
            #expect(changed.json["name"] as? String == "王建国")
            let notes = "擅长变频空调\n" + String(repeating: "维", count: 1_500)       // notes run to 2,000 characters, over lines
            let noted = try org.client.patch(path, json: ["notes": notes])
            #expect(noted.status == 200, "\(noted.text)")
            #expect(noted.json["notes"] as? String == notes)

            let unknown = try org.client.post("/v1/network/technicians", json: ["name": "李四", "site_id": UUID().uuidString.lowercased()])
            #expect(unknown.status == 422)
            #expect(unknown.json["field"] as? String == "site_id")
            #expect(unknown.json["rule"] as? String == "exists")
            #expect(unknown.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            #expect(try org.sql("SELECT count(*) AS n FROM technicians")[0]["n"] == "1")

            #expect(try org.client.get("/v1/network/technicians?site_id=\(station)").itemIDs == [id])
            let feed = try org.client.get("/v1/network/changes?site_id=\(station)&from=\(orgDay(-30))")
            #expect(feed.orgItems.compactMap { $0["action"] as? String } == ["technician.create", "technician.update", "technician.update"])
        }
    }

    @Test("a move ends the posting the day before and starts one at the new site, keeping the history; refused moves change nothing")
    func moveKeepsHistory() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("tech-move", port: port)
            let east = try org.pastRegion("华东", code: "EAST")
            let west = try org.pastRegion("西南", code: "WEST")
            let shanghai = try org.pastSite("SH-01", region: east)
            let chengdu = try org.pastSite("CD-01", region: west)
            let id = try org.technician("王建国", site: shanghai, start: orgDay(-30))
            let move = "/v1/network/technicians/\(id)/move"

            let refusals: [([String: Any], String, String)] = [
                (["site_id": shanghai], "site_id", "different_site"),
                (["site_id": chengdu, "effective_date": orgDay(-40)], "effective_date", "after_posting_start"),
                (["site_id": chengdu, "effective_date": orgDay(-30)], "effective_date", "after_posting_start"),
                (["site_id": UUID().uuidString.lowercased()], "site_id", "exists"),
            ]
            for (body, field, rule) in refusals {
                let refused = try org.client.post(move, json: body)
                #expect(refused.status == 422, "\(body): \(refused.text)")
                #expect(refused.json["field"] as? String == field)
                #expect(refused.json["rule"] as? String == rule)
            }
            let untouched = try org.client.get("/v1/network/technicians/\(id)")
            #expect(untouched.json["revision"] as? Int == 1)
            #expect((untouched.json["postings"] as? [Any])?.count == 1)

            let moved = try org.client.post(move, json: ["site_id": chengdu, "effective_date": orgDay(0)])
            #expect(moved.status == 200, "\(moved.text)")
            #expect((moved.json["site"] as? [String: Any])?["id"] as? String == chengdu)
            let history = (moved.json["postings"] as? [[String: Any]] ?? []).map {
                [($0["site"] as? [String: Any])?["id"] as? String ?? "", $0["start_date"] as? String ?? "", $0["end_date"] as? String ?? "open"]
            }
            #expect(history == [[shanghai, orgDay(-30), orgDay(-1)], [chengdu, orgDay(0), "open"]])
            #expect(try org.client.get("/v1/network/technicians?region_id=\(west)").itemIDs == [id])
            #expect(try org.client.get("/v1/network/technicians?region_id=\(east)").itemIDs.isEmpty)
            // Filed under both sites: the one left and the one joined.
            for site in [shanghai, chengdu] {
                let feed = try org.client.get("/v1/network/changes?site_id=\(site)")
                #expect(feed.orgItems.compactMap { $0["action"] as? String } == ["technician.move"], "\(feed.text)")
            }

            let early = try org.client.post("/v1/network/technicians/\(id)/archive", json: ["end_date": orgDay(-2)])
            #expect(early.status == 422, "the posting at CD-01 has begun: \(early.text)")
            #expect(early.json["rule"] as? String == "not_before_posting_start")
            let later = try org.client.post("/v1/network/technicians/\(id)/archive", json: ["end_date": orgDay(1)])
            #expect(later.json["rule"] as? String == "not_after_today")
            let archived = try org.client.post("/v1/network/technicians/\(id)/archive")
            #expect(archived.status == 200, "\(archived.text)")
            #expect(archived.json["archived"] as? Bool == true)
            #expect((archived.json["postings"] as? [[String: Any]])?.last?["end_date"] as? String == orgDay(0))
            #expect(try org.client.get("/v1/network/technicians").itemIDs.isEmpty)
            #expect(try org.client.get("/v1/network/technicians?include_archived=true").itemIDs == [id])
            let again = try org.client.post(move, json: ["site_id": shanghai, "effective_date": orgDay(1)])
            #expect(again.status == 409)
            #expect(again.json["code"] as? String == "TECHNICIAN_ARCHIVED")
        }
    }

    @Test("a certification that expires before it is issued is refused naming expires_on, and nothing changes")
    func certificationDates() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("tech-cert", port: port)
            try org.productLine("ac", name: "空调")
            let station = try org.site("SH-01", region: try org.region("华东", code: "EAST"))
            let id = try org.technician("王建国", site: station)
            let path = "/v1/network/technicians/\(id)/certifications"

            let backwards = try org.client.post(path, json: ["capability": "ac/repair", "issued_on": orgDay(0), "expires_on": orgDay(-1),
                                                             "issuer": "厂家培训中心"])
            #expect(backwards.status == 422)
            #expect(backwards.json["field"] as? String == "expires_on")
            #expect(backwards.json["rule"] as? String == "not_before_issued")
            let unknown = try org.client.post(path, json: ["capability": "tv/repair", "issued_on": orgDay(0), "expires_on": orgDay(9),
                                                           "issuer": "厂家培训中心"])
            #expect(unknown.status == 422)
            #expect(unknown.json["field"] as? String == "capability")
            #expect(try org.sql("SELECT count(*) AS n FROM certifications")[0]["n"] == "0")
            #expect(try org.client.get("/v1/network/technicians/\(id)").json["revision"] as? Int == 1)

            let certification = try org.certify(id, "ac/repair", issued: orgDay(-10), expires: orgDay(355))
            let read = try org.client.get("/v1/network/technicians/\(id)")
            #expect(read.json["revision"] as? Int == 2)
            let listed = read.json["certifications"] as? [[String: Any]] ?? []
            #expect(listed.first?["id"] as? String == certification)
            #expect(listed.first?["status"] as? String == "valid")
            #expect(listed.first?["days_left"] as? Int == 355)

            let revoke = "\(path)/\(certification)/revoke"
            let future = try org.client.post(revoke, json: ["revoked_on": orgDay(1)])
            #expect(future.status == 422)
            #expect(future.json["field"] as? String == "revoked_on")
            let revoked = try org.client.post(revoke)
            #expect(revoked.status == 200, "\(revoked.text)")
            #expect((revoked.json["certification"] as? [String: Any])?["status"] as? String == "revoked")
            let twice = try org.client.post(revoke)
            #expect(twice.status == 409)
            #expect(twice.json["code"] as? String == "CERTIFICATION_REVOKED")

            let trainings = "/v1/network/technicians/\(id)/trainings"
            let badResult = try org.client.post(trainings, json: ["course": "变频空调维修", "taken_on": orgDay(-3), "result": "excellent"])
            #expect(badResult.status == 422)
            #expect(badResult.json["field"] as? String == "result")
            let trained = try org.client.post(trainings, json: ["course": "变频空调维修", "taken_on": orgDay(-3), "result": "passed"])
            #expect(trained.status == 201, "\(trained.text)")
            let record = try org.client.get("/v1/network/technicians/\(id)")
            #expect((record.json["trainings"] as? [[String: Any]])?.first?["course"] as? String == "变频空调维修")
            #expect(record.header("ETag") == "\"4\"")
        }
    }

    @Test("the expiring list shows a certification lapsing in 10 days, the expired list one that lapsed yesterday, each with today's site")
    func expiringAndExpired() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("tech-expiry", port: port)
            try org.productLine("ac", name: "空调")
            let east = try org.pastRegion("华东", code: "EAST")
            let west = try org.pastRegion("西南", code: "WEST")
            let shanghai = try org.pastSite("SH-01", name: "上海维修站", region: east)
            let chengdu = try org.pastSite("CD-01", name: "成都维修站", region: west)
            let wang = try org.technician("王建国", site: shanghai, start: orgDay(-100))
            let li = try org.technician("李卫东", site: chengdu, start: orgDay(-100))
            let lapsing = try org.certify(wang, "ac/repair", issued: orgDay(-355), expires: orgDay(10))
            let lapsed = try org.certify(li, "ac/repair", issued: orgDay(-366), expires: orgDay(-1))
            try org.certify(wang, "ac/installation", issued: orgDay(-10), expires: orgDay(100))       // beyond the window
            let revoked = try org.certify(li, "ac/installation", issued: orgDay(-10), expires: orgDay(5))
            #expect(try org.client.post("/v1/network/technicians/\(li)/certifications/\(revoked)/revoke").status == 200)

            let expiring = try org.client.get("/v1/network/certifications/expiring")
            #expect(expiring.status == 200, "\(expiring.text)")
            #expect(expiring.orgItems.compactMap { $0["certification_id"] as? String } == [lapsing])
            let row = try #require(expiring.orgItems.first)
            #expect(row["days_left"] as? Int == 10)
            #expect(row["expires_on"] as? String == orgDay(10))
            #expect((row["technician"] as? [String: Any])?["name"] as? String == "王建国")
            #expect((row["site"] as? [String: Any])?["code"] as? String == "SH-01")
            #expect((row["site"] as? [String: Any])?["name"] as? String == "上海维修站")
            #expect(try org.client.get("/v1/network/certifications/expiring?within_days=9").orgItems.isEmpty)

            let expired = try org.client.get("/v1/network/certifications/expiring?expired=true")
            #expect(expired.orgItems.compactMap { $0["certification_id"] as? String } == [lapsed])
            #expect(expired.orgItems.first?["days_left"] as? Int == -1)
            #expect((expired.orgItems.first?["site"] as? [String: Any])?["id"] as? String == chengdu)
            #expect(try org.client.get("/v1/network/certifications/expiring?expired=true&region_id=\(east)").orgItems.isEmpty)
            #expect(try org.client.get("/v1/network/certifications/expiring?site_id=\(chengdu)").orgItems.isEmpty)

            let both = try org.client.get("/v1/network/certifications/expiring?expired=true&within_days=5")
            #expect(both.status == 400)
            #expect(both.json["field"] as? String == "within_days")

            // A manager of the West sees the West's lapse and not the East's.
            let westManager = try org.regionalUser("west.manager", grade: "A1", region: west)
            #expect(try westManager.get("/v1/network/certifications/expiring").orgItems.isEmpty)
            #expect(try westManager.get("/v1/network/certifications/expiring?expired=true").orgItems.count == 1)
        }
    }

    // The Regional manager role carries network.read, so a manager of one region "sees the
    // network" somewhere in the tenant. Evaluation.isVisible then answers a read of another
    // region's technician 404 (a read is visible only where the caller may read) and a change
    // 403 (a change is visible once the caller reads the kind of object anywhere in the tenant).
    @Test("a regional manager of the East changes the East's technicians; the West's is 404 to read and 403 to change")
    func regionalManager() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("tech-region", port: port)
            try org.productLine("ac", name: "空调")
            let east = try org.region("华东", code: "EAST")
            let west = try org.region("西南", code: "WEST")
            let shanghai = try org.site("SH-01", region: east)
            let chengdu = try org.site("CD-01", region: west)
            let eastTechnician = try org.technician("王建国", site: shanghai)
            let westTechnician = try org.technician("李卫东", site: chengdu)
            let manager = try org.regionalUser("east.manager", grade: "A1", region: east)

            #expect(try manager.get("/v1/network/technicians/\(eastTechnician)").status == 200)
            #expect(try manager.patch("/v1/network/technicians/\(eastTechnician)", json: ["notes": "组长"]).status == 200)
            #expect(try manager.post("/v1/network/technicians", json: ["name": "赵六", "site_id": shanghai]).status == 201)
            #expect(try manager.get("/v1/network/technicians").orgItems.count == 2)

            let westPath = "/v1/network/technicians/\(westTechnician)"
            #expect(try manager.get(westPath).status == 404)
            let patch = try manager.patch(westPath, json: ["notes": "x"])
            #expect(patch.status == 403, "\(patch.text)")
            #expect(try manager.post("\(westPath)/archive").status == 403)
            // Decided on the technician before the destination is read: no 422 about a site to tell them more.
            #expect(try manager.post("\(westPath)/move", json: ["site_id": UUID().uuidString.lowercased()]).status == 403)
            #expect(try manager.post("\(westPath)/certifications", json: ["capability": "ac/repair", "issued_on": orgDay(0),
                                                                     "expires_on": orgDay(9), "issuer": "x"]).status == 403)
            #expect(try manager.post("/v1/network/technicians", json: ["name": "钱七", "site_id": chengdu]).status == 403)
            // Moving one of the East's to the West needs site.write over the West too.
            let away = try manager.post("/v1/network/technicians/\(eastTechnician)/move", json: ["site_id": chengdu])
            #expect(away.status == 403, "\(away.text)")
            #expect(try org.client.get("/v1/network/technicians/\(eastTechnician)").json["revision"] as? Int == 2)
            #expect(try org.client.get(westPath).json["notes"] as? String == "")
        }
    }

    @Test("another tenant's technician is 404 on every technician endpoint, and row-level security hides its rows")
    func tenantIsolation() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("tech-iso-a", port: port)
            try org.productLine("ac", name: "空调")
            let station = try org.site("SH-01", region: try org.region("华东", code: "EAST"))
            let id = try org.technician("王建国", site: station)
            let certification = try org.certify(id, "ac/repair", issued: orgDay(-1), expires: orgDay(5))

            let other = try OrgClient.start("tech-iso-b", port: port)
            try other.productLine("ac", name: "空调")
            let ownSite = try other.site("SH-01", region: try other.region("华东", code: "EAST"))
            let path = "/v1/network/technicians/\(id)"
            let answers = [
                try other.client.get(path),
                try other.client.patch(path, json: ["name": "x"]),
                try other.client.post("\(path)/move", json: ["site_id": ownSite]),
                try other.client.post("\(path)/archive"),
                try other.client.post("\(path)/certifications", json: ["capability": "ac/repair", "issued_on": orgDay(0),
                                                                       "expires_on": orgDay(9), "issuer": "x"]),
                try other.client.post("\(path)/certifications/\(certification)/revoke"),
                try other.client.post("\(path)/trainings", json: ["course": "x", "taken_on": orgDay(0), "result": "passed"]),
            ]
            for answer in answers {
                #expect(answer.status == 404, "\(answer.text)")
                #expect(answer.json["code"] as? String == "NOT_FOUND")
            }
            #expect(try other.client.get("/v1/network/technicians").orgItems.isEmpty)
            #expect(try other.client.get("/v1/network/certifications/expiring").orgItems.isEmpty)

            for table in ["technicians", "technician_postings", "certifications"] {
                let column = table == "technicians" ? "id" : "technician_id"
                #expect(try other.sql("SELECT count(*) AS n FROM \(table) WHERE \(column) = $1::uuid", [id])[0]["n"] == "0")
                #expect(try org.sql("SELECT count(*) AS n FROM \(table) WHERE \(column) = $1::uuid", [id])[0]["n"] == "1")
            }
            #expect(try other.sql("SELECT count(*) AS n FROM technicians")[0]["n"] == "0")
            #expect(try org.client.get(path).json["revision"] as? Int == 2)
        }
    }

    @Test("the technician list pages by name then id and the expiring list by expiry then id, each row exactly once")
    func paging() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("tech-pages", port: port)
            try org.productLine("ac", name: "空调")
            let station = try org.site("SH-01", region: try org.region("华东", code: "EAST"))
            var technicians: [String] = []
            // ASCII names: Swift and any database collation order them alike.
            for name in ["wang", "li", "wang", "zhang", "li"] { technicians.append(try org.technician(name, site: station)) }
            var certifications: [String] = []
            for (index, id) in technicians.enumerated() {
                certifications.append(try org.certify(id, "ac/repair", issued: orgDay(-1), expires: orgDay(index % 2 == 0 ? 3 : 7)))
            }
            func walk(_ path: String) throws -> [[String: Any]] {
                var rows: [[String: Any]] = []
                var cursor: String?
                repeat {
                    let page = try org.client.get(path + "?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                    #expect(page.status == 200, "\(page.text)")
                    rows += page.orgItems
                    cursor = page.json["next_cursor"] as? String
                } while cursor != nil && rows.count < 20
                return rows
            }
            let listed = try walk("/v1/network/technicians")
            #expect(Set(listed.compactMap { $0["id"] as? String }) == Set(technicians))
            #expect(listed.count == technicians.count)
            let keys = listed.map { "\($0["name"] as? String ?? "")|\($0["id"] as? String ?? "")" }
            #expect(keys == keys.sorted())
            let expiring = try walk("/v1/network/certifications/expiring")
            #expect(expiring.compactMap { $0["certification_id"] as? String }.count == certifications.count)
            #expect(Set(expiring.compactMap { $0["certification_id"] as? String }) == Set(certifications))
            let order = expiring.map { "\($0["expires_on"] as? String ?? "")|\($0["certification_id"] as? String ?? "")" }
            #expect(order == order.sorted())
        }
    }

    @Test("the nearest search finds an authorised site once a technician there is certified, and explains a nearer one whose certification expired yesterday")
    func nearestNeedsCertifiedTechnician() async throws {
        try await TestEnvironment.withServer { port in
            let org = try OrgClient.start("tech-near", port: port)
            try org.productLine("ac", name: "空调")
            let east = try org.region("华东", code: "EAST")
            let near = try org.site("SH-NEAR", name: "人民广场站", region: east, at: (31.2310, 121.4740), capabilities: ["ac/repair"])
            let far = try org.site("SH-FAR", name: "浦东站", region: east, at: (31.2200, 121.5400), capabilities: ["ac/repair"])
            try org.authorise(near)
            try org.authorise(far)
            let query = "/v1/network/sites/nearest?latitude=31.2304&longitude=121.4737&capability=ac/repair&explain=true"
            #expect(try org.client.get(query).orgItems.isEmpty)

            try org.certify(try org.technician("王建国", site: far), "ac/repair", issued: orgDay(-100), expires: orgDay(100))
            try org.certify(try org.technician("李卫东", site: near), "ac/repair", issued: orgDay(-366), expires: orgDay(-1))

            let answer = try org.client.get(query)
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.orgItems.compactMap { ($0["site"] as? [String: Any])?["id"] as? String } == [far])
            #expect(answer.orgItems.first?["certified_technicians"] as? Int == 1)
            let excluded = answer.json["excluded"] as? [[String: Any]] ?? []
            let nearer = try #require(excluded.first { ($0["site"] as? [String: Any])?["id"] as? String == near }, "\(answer.text)")
            let reasons = (nearer["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(reasons == ["no_certified_technician"])
        }
    }
}
