// The customer-issue flow as a pure state machine: which step a case in a given state may take,
// where it leads, and why a step is refused. The API asks it before every change (409 naming the
// state and the allowed steps); the database holds the same moves (sql/0026, case_state_moves) and
// refuses any other. No I/O, no Foundation: tested alone in CaseFlowTests.
//
//   received ─classify─► classified ─┬─ solve / guide ───────────────────────────► resolved
//                                    ├─ forward ─► forwarded ─ report ───────────► resolved
//                                    └─ decide_warranty (equipment) ─► warranty_decided
//        ─ notify_owner ─► owner_notified ─ dispatch ─► dispatched ─ site_report ─► site_reported
//        ─ resolve ─► resolved ─ follow_up ─┬─ satisfied ─► closed ─ archive ─► archived
//                                           └─ unsatisfied ─► back to the site (dispatched), the
//                                              department (forwarded) or customer service
//                                              (classified); the reopen is counted
//   pause / resume: the SLA clock stops while waiting for the customer or for parts.

/// The steps of the flow, as the API names them.
public enum CaseStep: String, CaseIterable, Hashable, Sendable {
    case classify
    case solve                              // customer service solved it at once
    case guide                              // other issues: the procedure explained, the customer guided
    case forward                            // to the department that owns it
    case report                             // the department reports back: resolved
    case decideWarranty = "decide_warranty"
    case notifyOwner = "notify_owner"
    case dispatch                           // to a repair site (again, to another, while dispatched)
    case siteReport = "site_report"
    case resolve                            // after the site's report
    case followUp = "follow_up"
    case archive
    case pause
    case resume
}

/// What the flow needs to know of a case.
public struct CaseSnapshot: Hashable, Sendable {
    public var state: CaseState
    public var category: CaseCategory?      // nil until classified
    public var forwarded: Bool              // it went to a department
    public var dispatched: Bool             // it went to a site
    public var paused: PauseReason?
    public var reopenCount: Int

    public init(state: CaseState, category: CaseCategory? = nil, forwarded: Bool = false, dispatched: Bool = false,
                paused: PauseReason? = nil, reopenCount: Int = 0) {
        self.state = state
        self.category = category
        self.forwarded = forwarded
        self.dispatched = dispatched
        self.paused = paused
        self.reopenCount = reopenCount
    }
}

/// Why the flow refused a step.
public enum FlowRefusal: Error, Hashable, Sendable {
    /// The step does not leave this state (409 CASE_STEP_ILLEGAL with the allowed steps).
    case illegal(state: CaseState, step: CaseStep, allowed: [CaseStep])
    /// The step is the wrong one for the case's category (422 naming `category`): a warranty
    /// decision on a platform issue, guiding the customer on an equipment issue.
    case category(step: CaseStep, category: CaseCategory?, needs: [CaseCategory])
    /// pause on a paused case, resume on a running one (409 CASE_PAUSE_STATE).
    case pause(paused: PauseReason?)
    /// follow_up without an outcome (422 naming `outcome`).
    case outcomeMissing
}

public enum CaseFlow {
    /// The states a step leaves from; `dispatch` also re-dispatches a dispatched case.
    static func sources(_ step: CaseStep) -> [CaseState] {
        switch step {
        case .classify: [.received]
        case .solve, .guide, .forward, .decideWarranty: [.classified]
        case .report: [.forwarded]
        case .notifyOwner: [.warrantyDecided]
        case .dispatch: [.ownerNotified, .dispatched]
        case .siteReport: [.dispatched]
        case .resolve: [.siteReported]
        case .followUp: [.resolved]
        case .archive: [.closed]
        case .pause, .resume: [.received, .classified, .forwarded, .warrantyDecided, .ownerNotified, .dispatched, .siteReported]
        }
    }

    /// The categories a step is for; nil for any.
    static func categories(_ step: CaseStep) -> [CaseCategory]? {
        switch step {
        case .decideWarranty, .notifyOwner, .dispatch, .siteReport, .resolve: [.equipment]
        case .guide: [.other]
        case .solve, .forward: [.platform, .other]
        default: nil
        }
    }

    /// The steps a case may take now, in the flow's order.
    public static func allowed(_ snapshot: CaseSnapshot) -> [CaseStep] {
        CaseStep.allCases.filter { step in
            guard sources(step).contains(snapshot.state) else { return false }
            if let needs = categories(step), !(snapshot.category.map(needs.contains) ?? false) { return false }
            switch step {
            case .pause: return snapshot.paused == nil
            case .resume: return snapshot.paused != nil
            default: return true
            }
        }
    }

    /// The case after `step`: its state and what else changed. A state-changing step taken while
    /// paused resumes the clock (the wait is over once the case moves on).
    public static func apply(_ step: CaseStep, to snapshot: CaseSnapshot, outcome: FollowUpOutcome? = nil,
                             pauseReason: PauseReason? = nil) throws(FlowRefusal) -> CaseSnapshot {
        guard sources(step).contains(snapshot.state) else {
            throw .illegal(state: snapshot.state, step: step, allowed: allowed(snapshot))
        }
        if let needs = categories(step), !(snapshot.category.map(needs.contains) ?? false) {
            throw .category(step: step, category: snapshot.category, needs: needs)
        }
        var next = snapshot
        switch step {
        case .pause:
            guard snapshot.paused == nil else { throw .pause(paused: snapshot.paused) }
            next.paused = pauseReason ?? .customer
            return next
        case .resume:
            guard snapshot.paused != nil else { throw .pause(paused: nil) }
            next.paused = nil
            return next
        default:
            next.paused = nil
        }
        switch step {
        case .classify: next.state = .classified
        case .solve, .guide, .report, .resolve: next.state = .resolved
        case .forward:
            next.state = .forwarded
            next.forwarded = true
        case .decideWarranty: next.state = .warrantyDecided
        case .notifyOwner: next.state = .ownerNotified
        case .dispatch:
            next.state = .dispatched
            next.dispatched = true
        case .siteReport: next.state = .siteReported
        case .followUp:
            guard let outcome else { throw .outcomeMissing }
            switch outcome {
            case .satisfied: next.state = .closed
            case .unsatisfied:
                next.state = snapshot.dispatched ? .dispatched : snapshot.forwarded ? .forwarded : .classified
                next.reopenCount += 1
            }
        case .archive: next.state = .archived
        case .pause, .resume: break
        }
        return next
    }

    /// Every (from, to) change of state the flow can make, for the database's copy of it (a
    /// re-dispatch stays in `dispatched` and is no change of state).
    public static var moves: Set<[CaseState]> {
        var moves: Set<[CaseState]> = []
        for step in CaseStep.allCases where step != .pause && step != .resume {
            for state in sources(step) {
                for category in CaseCategory.allCases {
                    for (forwarded, dispatched) in [(false, false), (true, false), (false, true)] {
                        for outcome in FollowUpOutcome.allCases {
                            let snapshot = CaseSnapshot(state: state, category: category, forwarded: forwarded, dispatched: dispatched)
                            if let next = try? apply(step, to: snapshot, outcome: outcome), next.state != state {
                                moves.insert([state, next.state])
                            }
                        }
                    }
                }
            }
        }
        return moves
    }
}
