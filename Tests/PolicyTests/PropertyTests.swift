// Properties over random organisations: no sequence of up to three calls hands out a permission or a
// grade beyond the caller's own, nor creates, raises or empowers anyone at or above the caller's
// grade; batch, manageable-set and who-could answers agree with decide().

import Policy
import PropertyBased
import Testing

@Suite("Properties")
struct PropertyTests {
    /// A random organisation and up to three operations on it, by random users.
    struct Scenario: Sendable, CustomStringConvertible {
        var model: OrgModel
        var operations: [OrgModel.Operation]
        var description: String { "\(model)\n  then: \(operations.map(\.description).joined(separator: "; "))" }
    }

    static let scenarios = Generator<Scenario, _>(run: { rng in
        let model = OrgModel.random(using: &rng)
        let operations = (0..<Int.random(in: 1...3, using: &rng)).map { _ in model.randomOperation(using: &rng) }
        return Scenario(model: model, operations: operations)
    })

    @Test("no sequence of up to three grants, role edits, appointments, regrades, account creations, account grade changes and account links gives anyone, the actor included, a permission the actor lacks, a grade at or above its own, or a new permission at such a grade")
    func noEscalation() async {
        var applied = 0
        await propertyCheck(count: 2500, input: Self.scenarios) { scenario in
            var model = scenario.model
            for generated in scenario.operations {
                // Re-aim operations generated for the first model at the current one (grants may have gone).
                guard let operation = Self.valid(generated, in: model) else { continue }
                let (action, target, after) = model.request(for: operation)
                guard decide(model.principal(of: operation.actor), action, target, model.context()).isAllowed else {
                    continue
                }
                applied += 1
                let actorReach = model.reach(of: operation.actor)
                let actorGrade = model.grade(of: operation.actor)
                // Accounts the operation created count as users who had nothing and no grade before.
                for user in after.users.indices {
                    let existed = user < model.users.count
                    let before = existed ? model.reach(of: user) : []
                    let gained = after.reach(of: user).filter { !OrgModel.covered($0, by: before) }
                    for pair in gained {
                        #expect(OrgModel.covered(pair, by: actorReach),
                                "\(operation) gave u#\(user) \(pair.0) over \(pair.1)")
                    }
                    // A grant or role edit that empowers someone acting at or above the actor's grade
                    // would let the actor act there by proxy (Administrator handed to an A+1 account).
                    if !gained.isEmpty, let grade = after.grade(of: user) {
                        #expect(actorGrade.map { $0.outranks(grade) } ?? false,
                                "\(operation) gave u#\(user) at \(after.ladder.name(of: grade)) \(gained[0].0)")
                    }
                    let previous = existed ? model.grade(of: user) : nil
                    if let raised = after.grade(of: user), previous.map({ raised.outranks($0) }) ?? true {
                        #expect(actorGrade.map { $0.outranks(raised) } ?? false,
                                "\(operation) raised u#\(user) to \(after.ladder.name(of: raised))")
                    }
                }
                model = after
            }
        }
        #expect(applied > 150, "too few operations were allowed to test anything: \(applied)")
    }

    /// The operation if it still applies to `model` (a revoked grant's index may have moved).
    static func valid(_ operation: OrgModel.Operation, in model: OrgModel) -> OrgModel.Operation? {
        if case .revoke(_, let grant) = operation, grant >= model.grants.count { return nil }
        return operation
    }

    struct Requests: Sendable, CustomStringConvertible {
        var model: OrgModel
        var actor: Int
        var requests: [AccessRequest]
        var description: String { "\(model)\n  actor u#\(actor), \(requests.count) requests" }
    }

    static let requestLists = Generator<Requests, _>(run: { rng in
        let model = OrgModel.random(using: &rng)
        let requests = (0..<Int.random(in: 1...40, using: &rng)).map { _ in
            let action = Action.allCases.randomElement(using: &rng)!
            return AccessRequest(action, model.randomTarget(for: action, using: &rng))
        }
        return Requests(model: model, actor: Int.random(in: 0..<model.users.count, using: &rng), requests: requests)
    })

    @Test("a batch decision agrees with single decisions, and never allows another tenant's target")
    func batchAgrees() async {
        await propertyCheck(count: 200, input: Self.requestLists) { input in
            let actor = input.model.principal(of: input.actor)
            let context = input.model.context()
            let batch = decide(actor, input.requests, context)
            #expect(batch.count == input.requests.count)
            for (request, decision) in zip(input.requests, batch) {
                #expect(decision == decide(actor, request.action, request.target, context))
                if request.target.tenant != OrgModel.tenant && request.action != .platformTenants {
                    #expect(decision.denial == .notFound)
                }
            }
        }
    }

    @Test("filtering targets by decide() equals the manageable set of the actor")
    func manageableAgrees() async {
        await propertyCheck(count: 200, input: Self.requestLists) { input in
            let actor = input.model.principal(of: input.actor)
            let context = input.model.context()
            for request in input.requests {
                guard let manageable = actor.manageable(request.action, context) else { continue }
                let byDecide = decide(actor, request.action, request.target, context).isAllowed
                #expect(manageable.contains(request.target) == byDecide, "\(request.action)")
                // The same target stripped to what a list row has takes the fast path.
                var plain = request.target
                plain.destination = nil
                plain.newGrade = nil
                plain.affected = []
                #expect(manageable.contains(plain) == decide(actor, request.action, plain, context).isAllowed,
                        "plain \(request.action)")
            }
        }
    }

    @Test("who could do it instead lists exactly the candidates decide() allows")
    func whoCouldAgrees() async {
        await propertyCheck(count: 100, input: Self.requestLists) { input in
            let candidates = input.model.users.indices.map { input.model.principal(of: $0) }
            let context = input.model.context()
            for request in input.requests.prefix(10) {
                let allowed = Set(candidates.filter {
                    decide($0, request.action, request.target, context).isAllowed
                }.map(\.subject))
                let listed = whoCould(request.action, request.target, among: candidates, context).map(\.principal.subject)
                #expect(Set(listed) == allowed && listed.count == allowed.count)
            }
        }
    }
}
