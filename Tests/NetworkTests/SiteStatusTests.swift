// The authorisation lifecycle as a pure state machine, and the proof that it is the same lifecycle
// the database enforces: SiteStatus's moves equal the rows of site_status_moves in sql/0025.

import Foundation
@testable import Network
import Policy
import Testing

@Suite("site lifecycle")
struct SiteStatusTests {
    @Test("planned → onboarding → authorised ↔ probation, authorised/probation → suspended → authorised, any → terminated (final)")
    func moves() {
        #expect(SiteStatus.planned.moves == [.onboarding, .terminated])
        #expect(SiteStatus.onboarding.moves == [.authorised, .terminated])
        #expect(SiteStatus.authorised.moves == [.probation, .suspended, .terminated])
        #expect(SiteStatus.probation.moves == [.authorised, .suspended, .terminated])
        #expect(SiteStatus.suspended.moves == [.authorised, .terminated])
        #expect(SiteStatus.terminated.moves.isEmpty)
        for status in SiteStatus.allCases where status != .terminated {
            #expect(status.canMove(to: .terminated), "any status but terminated can end")
            #expect(!status.canMove(to: status), "no move stays put")
            #expect(!status.canMove(to: .planned), "nothing goes back to planned")
        }
    }

    @Test("every status is reachable from planned, and terminated from every status")
    func reachable() {
        var seen: Set<SiteStatus> = [.planned]
        var frontier: [SiteStatus] = [.planned]
        while let next = frontier.popLast() {
            for move in next.moves where seen.insert(move).inserted { frontier.append(move) }
        }
        #expect(seen == Set(SiteStatus.allCases))
    }

    @Test("suspending and terminating are their own actions; only authorised, or probation where allowed, takes work")
    func actionsAndWork() {
        #expect(SiteStatus.suspended.action == .siteSuspend)
        #expect(SiteStatus.terminated.action == .siteTerminate)
        #expect(SiteStatus.authorised.action == .siteWrite)
        #expect(SiteStatus.allCases.filter { $0.takesWork(probationEligible: false) } == [.authorised])
        #expect(SiteStatus.allCases.filter { $0.takesWork(probationEligible: true) } == [.authorised, .probation])
    }

    @Test("the database's site_status_moves are exactly these moves")
    func sameAsDatabase() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sql = try String(contentsOf: root.appendingPathComponent("sql/0025_service_network.sql"), encoding: .utf8)
        let insert = try #require(sql.range(of: "INSERT INTO site_status_moves VALUES"))
        let values = sql[insert.upperBound...].prefix { $0 != ";" }
        let pair = try NSRegularExpression(pattern: #"\('([a-z]+)', '([a-z]+)'\)"#)
        let text = String(values)
        let rows = pair.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            "\(text[Range($0.range(at: 1), in: text)!])→\(text[Range($0.range(at: 2), in: text)!])"
        }
        let swift = SiteStatus.allCases.flatMap { from in from.moves.map { "\(from.rawValue)→\($0.rawValue)" } }
        #expect(Set(rows) == Set(swift))
        #expect(rows.count == swift.count)
    }
}
