// "Who could do it instead": of the candidates the caller has in memory (the users in scope), those
// whom decide() allows, nearest first — what a denial shows and `GET /v1/access/who-can` lists.

/// A principal that decide() allows, with the grant that allows it.
public struct Candidate: Sendable {
    public let principal: Principal
    public let grant: Grant?
}

/// The candidates allowed to perform `action` on `target`, the least senior first (the nearest
/// person to ask), then by subject id; candidates without a grade come last.
public func whoCould(_ action: Action, _ target: Target, among candidates: [Principal],
                     _ context: PolicyContext) -> [Candidate] {
    var allowed: [Candidate] = []
    for principal in candidates {
        if case .allow(let grant) = decide(principal, action, target, context) {
            allowed.append(Candidate(principal: principal, grant: grant))
        }
    }
    return allowed.sorted { first, second in
        switch (first.principal.grade, second.principal.grade) {
        case (let a?, let b?) where a != b: return b.outranks(a)
        case (nil, _?): return false
        case (_?, nil): return true
        default: return first.principal.subject < second.principal.subject
        }
    }
}
