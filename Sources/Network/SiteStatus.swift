// A site's authorisation lifecycle, as a pure state machine: which statuses there are, which moves
// are legal, what each move is decided as, and whether a site in a status may take work. The
// database holds the same moves (sql/0025, site_status_moves) and refuses any other; this type is
// what the API answers with (409 naming the current status and the allowed ones) and is tested alone.
//
//   planned ─► onboarding ─► authorised ◄─► probation
//                              │   ▲          │
//                              ▼   │          │
//                            suspended ◄──────┘
//   any status but terminated ─► terminated (final)

import Policy

package enum SiteStatus: String, CaseIterable, Sendable {
    case planned
    case onboarding
    case authorised
    case probation
    case suspended
    case terminated

    /// The statuses a site in this one may move to, in lifecycle order.
    package var moves: [SiteStatus] {
        switch self {
        case .planned: [.onboarding, .terminated]
        case .onboarding: [.authorised, .terminated]
        case .authorised: [.probation, .suspended, .terminated]
        case .probation: [.authorised, .suspended, .terminated]
        case .suspended: [.authorised, .terminated]
        case .terminated: []
        }
    }

    package func canMove(to next: SiteStatus) -> Bool { moves.contains(next) }

    /// What the policy decides a move to this status as: suspending and terminating need the
    /// tenant's tiers for them (`NetworkRule`), every other move is a plain site change.
    package var action: Action {
        switch self {
        case .suspended: .siteSuspend
        case .terminated: .siteTerminate
        default: .siteWrite
        }
    }

    /// True for the statuses that may take work: authorised, and probation where the tenant lets
    /// a site on probation keep taking it. The authorisation period is judged apart (`Site.eligible`).
    package func takesWork(probationEligible: Bool) -> Bool {
        self == .authorised || (self == .probation && probationEligible)
    }
}
