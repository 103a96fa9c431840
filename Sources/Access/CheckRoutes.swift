// POST /v1/access/check: may I do this? One (action, target) pair or a batch of up to 1,000, each
// answered allow (with the grant that allows it) or deny (with the stable code, the rule and the
// values compared). Asking about one's own access needs no permission. The decisions come from
// the cached principal; the database is read only to resolve targets named by id, one query per
// kind of target whatever the batch size, and never for tenant-wide targets.

import App
import HTTP
import Policy
import Postgres

package enum CheckRoutes {
    package static let maximumBatch = 1_000

    package struct Item: Decodable {
        package var action: String
        package var target: TargetDescription
    }

    package struct Body: Decodable {
        package var action: String?
        package var target: TargetDescription?
        package var checks: [Item]?
    }

    /// Hand-written, not a declared Endpoint: asking about one's own access is self-service (no
    /// decision about the caller's right to ask), and tenant-wide checks open no transaction.
    package static func check(_ context: RequestContext) async throws -> HTTPResponse {
        let caller = try await context.tenantCaller()
        let body = try context.body(Body.self)
        let batch = body.checks != nil
        var items: [(action: Action, target: TargetDescription, field: String)] = []
        if let checks = body.checks {
            guard (1...maximumBatch).contains(checks.count) else {
                throw Problem.invalid("checks", rule: "count", "checks must hold 1 to \(maximumBatch) items")
            }
            for (index, item) in checks.enumerated() {
                items.append((try action(item.action, field: "checks[\(index)].action"), item.target, "checks[\(index)].target"))
            }
        } else {
            guard let name = body.action else { throw Problem.invalid("action", rule: "required", "action is required (or checks, for a batch)") }
            guard let target = body.target else { throw Problem.invalid("target", rule: "required", "target is required") }
            items.append((try action(name, field: "action"), target, "target"))
        }

        let decisions = try await decideAll(items, caller, context)
        if batch {
            return JSONResponse.make { json in
                json.beginObject()
                json.key("results")
                json.beginArray()
                for (index, decision) in decisions.enumerated() { AccessJSON.write(decision, action: items[index].action, to: &json) }
                json.endArray()
                json.endObject()
            }
        }
        var alternatives: [WhoCanCandidate]?
        if let denial = decisions[0].denial, denial.visible,
           decide(caller.principal, .grantRead, .tenantWide(caller.tenant), caller.context(now: .now)).isAllowed {
            alternatives = Array(try await context.transaction(caller) { connection in
                try await WhoCanRoutes.candidates(items[0].action, items[0].target, caller, connection, field: items[0].field)
            }.prefix(5))
        }
        return JSONResponse.make { json in
            AccessJSON.write(decisions[0], action: items[0].action, to: &json) { json in
                guard let alternatives else { return }
                json.key("could_instead")
                json.beginArray()
                for candidate in alternatives { WhoCanRoutes.write(candidate, to: &json) }
                json.endArray()
            }
        }
    }

    package static func action(_ name: String, field: String) throws -> Action {
        guard let action = Action(rawValue: name) else {
            throw Problem.invalid(field, rule: "catalog", "\(name) is not an action; see docs/permissions.md")
        }
        return action
    }

    /// The decisions, in order. Tenant-wide targets are decided from the cache alone.
    package static func decideAll(_ items: [(action: Action, target: TargetDescription, field: String)], _ caller: Caller,
                                  _ context: RequestContext) async throws -> [Decision] {
        let needsDatabase = items.contains { $0.target.kind != "tenant" }
        let facts: AccessTargets = needsDatabase
            ? try await context.transaction(caller) { connection in try await AccessTargets.load(items, caller: caller, connection) }
            : AccessTargets(caller: caller)
        let policyContext = caller.context(now: facts.now, tenantAdminCount: facts.adminCount)
        var decisions: [Decision] = []
        decisions.reserveCapacity(items.count)
        for item in items {
            let target: Target
            do {
                target = try facts.target(item.action, item.target, field: item.field)
            } catch {
                guard error.missing else { throw Problem.invalid(error.field, rule: "format", error.detail) }
                decisions.append(.deny(.notFound))
                continue
            }
            decisions.append(visibleInTenant(decide(caller.principal, item.action, target, policyContext), target, caller))
        }
        return decisions
    }

    /// The same adjustment `RequestContext.authorize` makes: a refusal over a tenant-wide target
    /// of the caller's own tenant is a 403 with its reason, never a 404.
    package static func visibleInTenant(_ decision: Decision, _ target: Target, _ caller: Caller) -> Decision {
        guard case .deny(let denial) = decision, !denial.visible, denial.code != .notFound,
              target.location == .tenantWide, target.tenant == caller.tenant else { return decision }
        return .deny(Denial(denial.code, rule: denial.rule, values: denial.values, visible: true))
    }
}
