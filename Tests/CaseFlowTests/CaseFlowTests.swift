// The customer-issue flow alone: each path of the source document's flowchart step by step, the
// refusals (wrong state, wrong category, pause twice), the reopen after an unsatisfied follow-up,
// a property over random step sequences, and the proof that the database's case_state_moves are
// exactly the flow's moves.

import CaseFlow
import Foundation
import PropertyBased
import Testing

@Suite("case flow")
struct CaseFlowTests {
    static func run(_ steps: [(CaseStep, FollowUpOutcome?)], from start: CaseSnapshot = CaseSnapshot(state: .received),
                    category: CaseCategory) throws -> CaseSnapshot {
        var snapshot = start
        for (step, outcome) in steps {
            snapshot = try CaseFlow.apply(step, to: snapshot, outcome: outcome)
            if step == .classify { snapshot.category = category }
        }
        return snapshot
    }

    @Test("an equipment case: classified, warranty decided, owner notified, dispatched, reported, resolved, followed up, closed, archived")
    func equipmentPath() throws {
        let steps: [(CaseStep, FollowUpOutcome?)] = [(.classify, nil), (.decideWarranty, nil), (.notifyOwner, nil), (.dispatch, nil),
                                                     (.siteReport, nil), (.resolve, nil), (.followUp, .satisfied), (.archive, nil)]
        let done = try Self.run(steps, category: .equipment)
        #expect(done.state == .archived && done.dispatched && done.reopenCount == 0)
        #expect(CaseFlow.allowed(done).isEmpty, "archived is final")
    }

    @Test("an unsatisfied follow-up sends the case back where it was worked on, and counts the reopen")
    func reopen() throws {
        let dispatched = try Self.run([(.classify, nil), (.decideWarranty, nil), (.notifyOwner, nil), (.dispatch, nil), (.siteReport, nil),
                                       (.resolve, nil), (.followUp, .unsatisfied)], category: .equipment)
        #expect(dispatched.state == .dispatched && dispatched.reopenCount == 1)
        let forwarded = try Self.run([(.classify, nil), (.forward, nil), (.report, nil), (.followUp, .unsatisfied)], category: .platform)
        #expect(forwarded.state == .forwarded && forwarded.reopenCount == 1)
        let solved = try Self.run([(.classify, nil), (.solve, nil), (.followUp, .unsatisfied), (.solve, nil), (.followUp, .unsatisfied)],
                                  category: .platform)
        #expect(solved.state == .classified && solved.reopenCount == 2)
        let guided = try Self.run([(.classify, nil), (.guide, nil), (.followUp, .satisfied)], category: .other)
        #expect(guided.state == .closed)
    }

    @Test("a step from the wrong state is refused naming the state and the steps it has")
    func illegal() {
        let resolved = CaseSnapshot(state: .resolved, category: .equipment, dispatched: true)
        #expect(throws: FlowRefusal.illegal(state: .resolved, step: .archive, allowed: [.followUp])) {
            try CaseFlow.apply(.archive, to: resolved)
        }
        let received = CaseSnapshot(state: .received)
        #expect(throws: FlowRefusal.illegal(state: .received, step: .followUp, allowed: [.classify, .pause])) {
            try CaseFlow.apply(.followUp, to: received, outcome: .satisfied)
        }
        #expect(throws: FlowRefusal.outcomeMissing) {
            try CaseFlow.apply(.followUp, to: resolved)
        }
    }

    @Test("a warranty decision on a platform issue, or guiding an equipment owner, is the wrong step for the category")
    func category() {
        let platform = CaseSnapshot(state: .classified, category: .platform)
        #expect(throws: FlowRefusal.category(step: .decideWarranty, category: .platform, needs: [.equipment])) {
            try CaseFlow.apply(.decideWarranty, to: platform)
        }
        let equipment = CaseSnapshot(state: .classified, category: .equipment)
        #expect(throws: FlowRefusal.category(step: .guide, category: .equipment, needs: [.other])) {
            try CaseFlow.apply(.guide, to: equipment)
        }
        #expect(CaseFlow.allowed(equipment) == [.decideWarranty, .pause])
        #expect(CaseFlow.allowed(platform) == [.solve, .forward, .pause])
    }

    @Test("pause and resume stop and restart the clock without moving the case; moving on resumes it")
    func pauses() throws {
        let dispatched = CaseSnapshot(state: .dispatched, category: .equipment, dispatched: true)
        let waiting = try CaseFlow.apply(.pause, to: dispatched, pauseReason: .parts)
        #expect(waiting.paused == .parts && waiting.state == .dispatched)
        #expect(throws: FlowRefusal.pause(paused: .parts)) { try CaseFlow.apply(.pause, to: waiting, pauseReason: .customer) }
        #expect(try CaseFlow.apply(.resume, to: waiting).paused == nil)
        #expect(throws: FlowRefusal.pause(paused: nil)) { try CaseFlow.apply(.resume, to: dispatched) }
        let reported = try CaseFlow.apply(.siteReport, to: waiting)
        #expect(reported.state == .siteReported && reported.paused == nil)
        #expect(throws: (any Error).self) { try CaseFlow.apply(.pause, to: CaseSnapshot(state: .resolved, category: .equipment)) }
    }

    static let sequences = Generator<[Int], _>(run: { rng in
        (0..<Int.random(in: 1...30, using: &rng)).map { _ in Int.random(in: 0..<1000, using: &rng) }
    })

    @Test("any sequence of steps keeps the case in a state it can leave (until archived), pauses only in open states, and never lowers the reopen count")
    func randomSequences() async {
        await propertyCheck(count: 2000, input: Self.sequences) { picks in
            var snapshot = CaseSnapshot(state: .received)
            for pick in picks {
                let allowed = CaseFlow.allowed(snapshot)
                guard !allowed.isEmpty else {
                    #expect(snapshot.state == .archived)
                    break
                }
                let step = allowed[pick % allowed.count]
                let before = snapshot
                do {
                    snapshot = try CaseFlow.apply(step, to: snapshot, outcome: FollowUpOutcome.allCases[pick % 2],
                                                  pauseReason: PauseReason.allCases[pick % 2])
                } catch {
                    Issue.record("an allowed step was refused: \(step) from \(before): \(error)")
                    return
                }
                if step == .classify { snapshot.category = CaseCategory.allCases[pick % 3] }
                #expect(snapshot.reopenCount >= before.reopenCount)
                #expect(snapshot.paused == nil || !snapshot.state.isSettled && snapshot.state != .resolved)
                if step != .pause && step != .resume { #expect(snapshot.paused == nil) }
            }
        }
    }

    @Test("the database's case_state_moves are exactly the flow's moves")
    func sameAsDatabase() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sql = try String(contentsOf: root.appendingPathComponent("sql/0026_cases.sql"), encoding: .utf8)
        let insert = try #require(sql.range(of: "INSERT INTO case_state_moves VALUES"))
        let text = String(sql[insert.upperBound...].prefix { $0 != ";" })
        let pair = try NSRegularExpression(pattern: #"\('([a-z_]+)', '([a-z_]+)'\)"#)
        let rows = pair.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            [CaseState(rawValue: String(text[Range($0.range(at: 1), in: text)!]))!, CaseState(rawValue: String(text[Range($0.range(at: 2), in: text)!]))!]
        }
        #expect(Set(rows) == CaseFlow.moves)
        #expect(rows.count == CaseFlow.moves.count)
    }
}
