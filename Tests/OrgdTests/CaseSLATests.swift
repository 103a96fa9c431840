// The SLA clock of customer cases over HTTP against a real Postgres: a case waiting for parts
// does not breach, one that is not paused does when it leaves its state late (a row in
// case_sla_breaches, sla.breaches 1), the overdue and due-soon lists per unit, region subtree and
// site, and a category's own hours beating the all-categories rule. Hours pass in SQL run as the
// owner (deadlines and pause times moved back), never by sleeping.

import Foundation
import HTTP
import Testing

@Suite("customer cases: the SLA clock")
struct CaseSLATests {
    /// Moves the case's clock back: it entered its state `entered` hours ago, its deadline was
    /// `due` hours ago (negative: still ahead), and, when paused, it has been waiting `paused` hours.
    static func shift(_ desk: ReportDesk, _ id: String, entered: Double, due: Double, paused: Double? = nil) throws {
        try desk.org.sql("""
            UPDATE cases SET state_entered_at = now() - $2::float8 * interval '1 hour', due_at = now() - $3::float8 * interval '1 hour',
                   paused_at = CASE WHEN paused IS NULL THEN NULL ELSE now() - $4::float8 * interval '1 hour' END
            WHERE id = $1::uuid
            """, [id, String(entered), String(due), paused.map { String($0) }])
    }

    /// Hours from now to the case's deadline, as the database has it.
    static func hoursLeft(_ desk: ReportDesk, _ id: String) throws -> Double? {
        try desk.value("SELECT extract(epoch FROM due_at - now()) / 3600 FROM cases WHERE id = $1::uuid", [id]).flatMap(Double.init)
    }

    static func breachRows(_ desk: ReportDesk, _ id: String) throws -> [[String: String]] {
        try desk.org.sql("""
            SELECT state, extract(epoch FROM left_at - due_at) / 3600 AS late_hours FROM case_sla_breaches WHERE case_id = $1::uuid ORDER BY id
            """, [id])
    }

    @Test("a case paused while it waits for parts does not breach: leaving the state after the original deadline resumes the clock first")
    func pausedForParts() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try ReportDesk.start("slapause", port: port)
            let leaves = try desk.open(region: desk.net.shanghai)
            let resumes = try desk.open(region: desk.net.shanghai)
            for id in [leaves, resumes] {
                try desk.dispatch(id)
                let paused = try desk.step(id, "pause", ["reason": "parts", "note": "等电机到货"])
                #expect(ReportDesk.sla(paused)["paused"] as? String == "parts")
                // Dispatched 100 hours ago with 48 hours to go; waiting for parts since 90 hours ago,
                // 38 hours before the deadline. The deadline (52 hours ago) has passed on the wall clock.
                try Self.shift(desk, id, entered: 100, due: 52, paused: 90)
            }
            #expect(try desk.listed("overdue=true").isDisjoint(with: [leaves, resumes]), "a paused case is not overdue before its deadline")
            #expect(ReportDesk.sla(try desk.read(leaves))["overdue"] as? Bool == false)

            // Leaving the state while paused: the wait ends first, so 38 hours remained and nothing breached.
            let reported = try desk.step(leaves, "site-report", ["work_done": "更换电机", "charge_amount": 180])
            #expect(reported["state"] as? String == "site_reported")
            #expect(ReportDesk.sla(reported)["breaches"] as? Int == 0)
            #expect(ReportDesk.sla(reported)["paused"] is NSNull)
            #expect(try Self.breachRows(desk, leaves).isEmpty)

            // Resuming explicitly pushes the deadline back by the 90 hours waited: 38 hours from now.
            let resumed = try desk.step(resumes, "resume", ["note": "配件已到"])
            #expect(ReportDesk.sla(resumed)["paused"] is NSNull)
            #expect(ReportDesk.sla(resumed)["overdue"] as? Bool == false)
            let left = try #require(try Self.hoursLeft(desk, resumes))
            #expect(abs(left - 38) < 0.05, "38 hours left after the wait, got \(left)")
            try desk.step(resumes, "site-report", ["work_done": "更换电机"])
            #expect(try Self.breachRows(desk, resumes).isEmpty)
            #expect(try desk.value("SELECT breaches FROM cases WHERE id = $1::uuid", [resumes]) == "0")
        }
    }

    @Test("a case that is not paused breaches when it leaves its state late: one breach row, sla.breaches 1, and off the overdue list after")
    func notPausedBreaches() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try ReportDesk.start("slabreach", port: port)
            let late = try desk.open(region: desk.net.shanghai)
            try desk.dispatch(late)
            try Self.shift(desk, late, entered: 50, due: 2)
            #expect(try desk.listed("overdue=true").contains(late))
            #expect(ReportDesk.sla(try desk.read(late))["overdue"] as? Bool == true)

            let reported = try desk.step(late, "site-report", ["work_done": "更换电机", "charge_amount": 180])
            #expect(ReportDesk.sla(reported)["breaches"] as? Int == 1)
            let rows = try Self.breachRows(desk, late)
            #expect(rows.map { $0["state"] } == ["dispatched"])
            #expect(abs((rows.first?["late_hours"]).flatMap(Double.init).map { $0 - 2 } ?? 99) < 0.05, "left two hours late: \(rows)")
            #expect(!(try desk.listed("overdue=true").contains(late)), "site_reported has its own, later deadline")
            #expect(ReportDesk.sla(reported)["overdue"] as? Bool == false)

            // Paused only after the deadline had passed: the wait does not undo the lateness.
            let pausedLate = try desk.open(region: desk.net.shanghai)
            try desk.dispatch(pausedLate)
            try desk.step(pausedLate, "pause", ["reason": "parts"])
            try Self.shift(desk, pausedLate, entered: 60, due: 12, paused: 5)
            #expect(try desk.listed("overdue=true").contains(pausedLate), "overdue when it was paused")
            let after = try desk.step(pausedLate, "site-report", ["work_done": "更换电机"])
            #expect(ReportDesk.sla(after)["breaches"] as? Int == 1)
            #expect(try Self.breachRows(desk, pausedLate).map { $0["state"] } == ["dispatched"])
            // Both breaches are counted on the case and recorded once each, nothing for the others.
            #expect(try desk.value("SELECT count(*) FROM case_sla_breaches", []) == "2")
        }
    }

    @Test("the overdue list and the due-soon list narrow by unit, region subtree and site; paused and settled cases are not due soon")
    func listsByPlace() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try ReportDesk.start("slalist", port: port)
            let net = desk.net
            // a: 上海, dispatched to the station, overdue. b: 华南, forwarded to after-sales, overdue.
            let a = try desk.open(region: net.shanghai)
            try desk.dispatch(a)
            try Self.shift(desk, a, entered: 50, due: 1)
            let b = try desk.open(region: net.south, line: nil)
            try desk.step(b, "classify", ["category": "platform", "subcategory": "login"])
            try desk.step(b, "forward", ["unit_id": desk.afterSales])
            try Self.shift(desk, b, entered: 50, due: 3)
            // c: 华东 itself, due in 5 hours. d: 上海, due in 30. e: 上海, due in 3 but waiting for the customer.
            let c = try desk.open(region: net.east)
            try Self.shift(desk, c, entered: 1, due: -5)
            let d = try desk.open(region: net.shanghai)
            try Self.shift(desk, d, entered: 1, due: -30)
            let e = try desk.open(region: net.shanghai)
            try desk.step(e, "pause", ["reason": "customer"])
            try Self.shift(desk, e, entered: 1, due: -3, paused: 0.5)
            // f: closed, no clock any more.
            let f = try desk.open(region: net.shanghai)
            try desk.dispatch(f)
            try desk.repair(f, amount: 50)
            try desk.step(f, "follow-up", ["outcome": "satisfied"])
            #expect(try desk.value("SELECT due_at FROM cases WHERE id = $1::uuid", [f]) == nil, "a closed case has no deadline")
            // Another tenant's overdue case never shows.
            let other = try ReportDesk.start("slalistother", port: port)
            let foreign = try other.open(region: other.net.shanghai)
            try Self.shift(other, foreign, entered: 10, due: 5)

            let expectations: [(String, Set<String>)] = [
                ("overdue=true", [a, b]),
                ("overdue=true&unit_id=\(desk.service)", [a]),
                ("overdue=true&unit_id=\(desk.afterSales)", [b]),
                ("overdue=true&region_id=\(net.east)", [a]),
                ("overdue=true&region_id=\(net.shanghai)", [a]),
                ("overdue=true&region_id=\(net.south)", [b]),
                ("overdue=true&site_id=\(desk.station)", [a]),
                ("due_within_hours=24", [c]),
                ("due_within_hours=24&region_id=\(net.east)", [c]),
                ("due_within_hours=24&region_id=\(net.shanghai)", []),
                ("due_within_hours=48&region_id=\(net.shanghai)", [d]),
                ("due_within_hours=48&unit_id=\(desk.service)", [c, d]),
                ("due_within_hours=48&unit_id=\(desk.afterSales)", []),
                ("due_within_hours=48&site_id=\(desk.station)", []),
                ("due_within_hours=0.5", []),
            ]
            for (query, expected) in expectations {
                #expect(try desk.listed(query) == expected, "GET /v1/cases?\(query)")
            }
            #expect(try other.listed("overdue=true") == [foreign])

            for (query, parameter, rule) in [("due_within_hours=0", "due_within_hours", "range"), ("due_within_hours=soon", "due_within_hours", "range"),
                                             ("overdue=yes", "overdue", "boolean"), ("region_id=east", "region_id", "uuid")] {
                let refused = try desk.org.client.get("/v1/cases?\(query)")
                #expect(refused.status == 400, "\(query)")
                #expect(refused.json["field"] as? String == parameter, "\(query): \(refused.text)")
                #expect(refused.json["rule"] as? String == rule, "\(query): \(refused.text)")
            }
        }
    }

    @Test("a category's own hours beat the all-categories rule; a state with a rule only for other categories has no deadline")
    func categoryHours() async throws {
        try await TestEnvironment.withServer { port in
            let desk = try ReportDesk.start("slacat", port: port, sla: [
                ["category": NSNull(), "state": "received", "hours": 2],
                ["category": NSNull(), "state": "classified", "hours": 24],
                ["category": "equipment", "state": "classified", "hours": 4],
                ["category": "equipment", "state": "warranty_decided", "hours": 6.5],
                ["category": "platform", "state": "forwarded", "hours": 10],
            ])
            func hours(_ id: String) throws -> Double? {
                try desk.value("SELECT extract(epoch FROM due_at - state_entered_at) / 3600 FROM cases WHERE id = $1::uuid", [id]).flatMap(Double.init)
            }
            let equipment = try desk.open(region: desk.net.shanghai)
            let platform = try desk.open(region: desk.net.shanghai, line: nil)
            let other = try desk.open(region: desk.net.shanghai, line: nil)
            #expect(try hours(equipment) == 2, "received: the rule for every category")

            let classified = try desk.step(equipment, "classify", ["category": "equipment", "subcategory": "noise"])
            #expect(ReportDesk.sla(classified)["due_at"] is String)
            #expect(try hours(equipment) == 4, "equipment's own 4 hours, not the 24 for all")
            try desk.step(platform, "classify", ["category": "platform"])
            #expect(try hours(platform) == 24, "no platform rule for classified: the rule for all")
            try desk.step(other, "classify", ["category": "other"])
            #expect(try hours(other) == 24)

            try desk.step(equipment, "decide-warranty", ["cause": "non_human", "charge": "free"])
            #expect(try hours(equipment) == 6.5, "hours may be fractional")
            try desk.step(platform, "forward", ["unit_id": desk.afterSales])
            #expect(try hours(platform) == 10)
            try desk.step(other, "forward", ["unit_id": desk.afterSales])
            #expect(try hours(other) == nil, "forwarded has a rule for platform issues only: no clock for another category")
            #expect(ReportDesk.sla(try desk.read(other))["due_at"] is NSNull)
            #expect(ReportDesk.sla(try desk.read(other))["overdue"] as? Bool == false)
        }
    }
}
