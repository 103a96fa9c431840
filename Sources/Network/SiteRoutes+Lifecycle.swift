// A site's authorisation lifecycle over HTTP: POST /v1/network/sites/{id}/transitions moves it
// along SiteStatus's moves with a reason, dated today or earlier (never before its last move);
// GET lists the history. Suspending and terminating are decided as their own actions, which the
// tenant's NetworkRule puts at higher tiers (terminate above suspend). An illegal move is 409
// SITE_TRANSITION_ILLEGAL naming the current status and the allowed ones; the database refuses
// it too (sql/0025). Two racing moves of one site: the row lock serialises them and If-Match,
// when sent, refuses the second (412); without it the second is judged on the first's result.

import App
import HTTP
import OrgChart
import Policy
import Postgres

extension SiteRoutes {
    package struct TransitionBody: Decodable, Sendable {
        package var to: String
        package var reason: String
        package var effective_date: String?
        package var authorised_from: String?
        package var authorised_until: String?
    }

    package struct Transitioning: Sendable {
        var site: Site
        var next: SiteStatus
        var date: String
        var rule: NetworkRule
    }

    /// The 409 of a move the lifecycle does not have.
    static func illegal(_ site: Site, to next: String) -> Problem {
        let allowed = site.status.moves.map(\.rawValue)
        var problem = Problem(status: 409, code: "SITE_TRANSITION_ILLEGAL", title: "Conflict",
                              detail: "a \(site.statusText) site moves only to " + (allowed.isEmpty ? "nothing (terminated is final)"
                                                                                   : allowed.joined(separator: ", ")) + ", not to \(next)",
                              field: "to", rule: "lifecycle")
        problem.extra = [("current", .string(site.statusText)), ("allowed", .array(allowed.map { .string($0) }))]
        return problem
    }

    package static let transition = Endpoint<TransitionBody, Transitioning, (before: Site, after: Site, transition: SiteTransition)>(
        action: .siteWrite, resource: "site",
        check: { call in
            _ = try call.pathID(resource: "site")
            let body = call.body
            guard SiteStatus(rawValue: body.to) != nil else {
                throw Problem.invalid("to", rule: "status", "to must be one of " + SiteStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
            try NetworkRules.required(body.reason, field: "reason", limit: 500)
            let date = try OrgDate.body(body.effective_date)
            if date > OrgDate.today {
                throw Problem.invalid("effective_date", rule: "not_after_today",
                                      "a transition is recorded when it happens: effective_date is today or earlier, not \(date)")
            }
            let from = try NetworkRules.day(body.authorised_from, field: "authorised_from")
            let until = try NetworkRules.day(body.authorised_until, field: "authorised_until")
            if let from, let until, until < from {
                throw Problem.invalid("authorised_until", rule: "not_before_from", "authorised_until (\(until)) is before authorised_from (\(from))")
            }
            if (from != nil || until != nil) && body.to != SiteStatus.authorised.rawValue {
                throw Problem.invalid(from != nil ? "authorised_from" : "authorised_until", rule: "authorising_only",
                                      "an authorisation period is set by a move to authorised")
            }
        },
        load: { call, connection in
            let id = try call.pathID(resource: "site")
            guard try await SiteStore.lock(connection, call.context, id: id) != nil,
                  let site = try await SiteStore.site(connection, id: id, on: OrgDate.today) else { throw Problem.notFound("site") }
            let settings = try await NetworkSettingsStore.read(connection, ladder: call.caller.ladder)
            return Transitioning(site: site, next: SiteStatus(rawValue: call.body.to)!, date: try OrgDate.body(call.body.effective_date),
                                 rule: settings.rule)
        },
        target: { call, loaded in loaded.site.target(call.caller, requiredTier: loaded.rule.tier(for: loaded.next.action)) },
        targetID: { _, loaded in loaded.site.id },
        perform: { call, loaded, connection in
            let (site, next, date, body) = (loaded.site, loaded.next, loaded.date, call.body)
            // The move's own action (suspend, terminate) on top of site.write, which the pipeline decided.
            if next.action != .siteWrite {
                try await call.context.authorize(call.caller, next.action, loaded.site.target(call.caller, requiredTier: loaded.rule.tier(for: next.action)),
                                                 resource: "site", id: site.id)
            }
            guard site.status.canMove(to: next) else { throw illegal(site, to: next.rawValue) }
            if let last = try await SiteStore.lastTransitionDay(connection, site: site.id), date < last {
                throw Problem.invalid("effective_date", rule: "not_before_last_transition",
                                      "the site's last transition is effective on \(last); a later one cannot be dated before it (\(date))")
            }
            var from = site.authorisedFrom, until = site.authorisedUntil
            if next == .authorised {
                if let given = body.authorised_from { from = given } else if site.status == .onboarding { from = date }
                if let given = body.authorised_until { until = given }
                if let from, let until, until < from {
                    throw Problem.invalid("authorised_until", rule: "not_before_from", "authorised_until (\(until)) is before authorised_from (\(from))")
                }
            }
            let transition = try await SiteStore.transition(connection, tenant: call.caller.tenantID!, site: site, to: next,
                                                            reason: body.reason.trimmed, on: date,
                                                            actor: call.caller.kind == .user ? call.caller.subjectID : nil,
                                                            authorisedFrom: from, authorisedUntil: until)
            return (site, try await SiteStore.site(connection, id: site.id, on: OrgDate.today)!, transition)
        },
        audit: { _, loaded, changed in
            Audited("site.transition", resource: "site", id: loaded.site.id, before: changed.before.json, after: changed.transition.json,
                    effective: loaded.date)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in
            var response = JSONResponse.make(201) { json in
                json.beginObject()
                json.key("transition"); changed.transition.write(to: &json)
                json.key("site"); changed.after.write(to: &json)
                json.endObject()
            }
            response.headers.add("ETag", ETag.value(changed.after.revision))
            return response
        })

    /// The site's authorisation history, oldest first.
    package static let history = Endpoint<NoBody, Site, [SiteTransition]>(
        action: .siteRead, resource: "site",
        load: { call, connection in
            let id = try call.pathID(resource: "site")
            guard let site = try await SiteStore.site(connection, id: id, on: OrgDate.today) else { throw Problem.notFound("site") }
            return site
        },
        target: { call, site in site.target(call.caller) },
        targetID: { _, site in site.id },
        perform: { _, site, connection in try await SiteStore.transitions(connection, site: site.id) },
        encode: { _, transitions in
            JSONResponse.make { json in
                json.beginObject()
                json.key("items")
                json.beginArray()
                for transition in transitions { transition.write(to: &json) }
                json.endArray()
                json.endObject()
            }
        })
}
