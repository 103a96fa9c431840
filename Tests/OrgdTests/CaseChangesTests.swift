// The cases' change feed: every step of every case the caller may read, oldest first, paged by
// event; another region's cases left out for a regional manager, another tenant's never there.

import Foundation
import HTTP
import Testing

@Suite("customer cases: the change feed")
struct CaseChangesTests {
    @Test("the feed lists each step of the cases a caller may read, oldest first, page by page")
    func feed() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try CaseDesk.start("casefeed", port: port)
            let shanghai = try desk.open()
            _ = try desk.client.caseStep(shanghai, "classify", ["category": "equipment", "subcategory": "no-power"])
            let south = try desk.open(desk.caseBody(region: desk.net.south))
            _ = try desk.client.caseStep(south, "classify", ["category": "other", "subcategory": "usage"])
            let all = try desk.client.get("/v1/cases/changes").orgItems
            #expect(all.map { ($0["number"] as? String ?? "") + ":" + (($0["event"] as? [String: Any])?["step"] as? String ?? "") }
                    == ["CS-\(orgDay(0).prefix(4))-000001:receive", "CS-\(orgDay(0).prefix(4))-000001:classify",
                        "CS-\(orgDay(0).prefix(4))-000002:receive", "CS-\(orgDay(0).prefix(4))-000002:classify"])
            let first = try desk.client.get("/v1/cases/changes?limit=3")
            let next = try #require(first.json["next_cursor"] as? String)
            #expect(try desk.client.get("/v1/cases/changes?limit=3&cursor=\(next)").orgItems.count == 1)
            let manager = try desk.org.regionalUser("east.cases", grade: "A2", region: desk.net.east)
            let seen = try manager.get("/v1/cases/changes").orgItems.compactMap { $0["case_id"] as? String }
            #expect(Set(seen) == [shanghai], "a regional manager of East sees East's cases only")
            #expect(try desk.client.get("/v1/cases/changes?from=\(orgDay(1))&to=\(orgDay(2))").orgItems.isEmpty)
            #expect(try desk.client.get("/v1/cases/changes?from=\(orgDay(1))&to=\(orgDay(0))").status == 400)
            let other = try OrgClient.start("casefeed-b", port: port)
            #expect(try other.client.get("/v1/cases/changes").orgItems.isEmpty)
        }
    }
}
