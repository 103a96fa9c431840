// An endpoint declared, not hand-written: whom it serves, the action the policy decides, how it
// loads its target, what it performs, what it audits and how it answers. `Pipeline.run` takes
// the steps in one order for every declared endpoint, so none can skip or reorder one:
//
//   authenticate ─► decode ─► check ─► transaction { load ─► decide ─► perform ─► audit }
//       ─► committed ─► encode
//
// Everything inside the transaction shares one pooled connection: a refusal is audited there
// after the rollback (RequestContext.transaction), a change and its audit row commit together.

import HTTP
import Policy
import Postgres

/// The body of an endpoint that takes none (GET, DELETE, actions without input).
package struct NoBody: Decodable, Sendable {
    package init() {}
}

/// Who may call an endpoint at all, before the policy is asked.
package enum Audience: Sendable {
    case tenant                 // a tenant's user or API key
    case user                   // a tenant's user, not an API key
    case platform               // a platform operator's key
}

/// What every step of a declared endpoint sees: the request, the authenticated caller and the
/// decoded body.
package struct Call<Body: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: the context belongs to the request's loop, like RequestContext.
    package let context: RequestContext
    package let caller: Caller
    package let body: Body

    package var request: HTTPRequest { context.request }

    /// A path parameter that must be a UUID; 404 naming `resource` otherwise.
    package func pathID(_ name: String = "id", resource: String) throws -> String {
        try context.pathID(name, resource: resource)
    }

    package func query(_ name: String) -> String? { context.query(name) }
    package func flag(_ name: String) throws -> Bool { try context.flag(name) }

    /// The policy's context for this caller, now.
    package var now: PolicyContext { caller.context(now: .now) }

    /// Whether the caller may take `action` on `target` (for filtering rows, no audit).
    package func allows(_ action: Action, _ target: Target) -> Bool {
        decide(caller.principal, action, target, now).isAllowed
    }
}

/// One audit row (and whatever else the endpoint's area records with it).
package struct Audited: Sendable {
    package var action: String
    package var resource: String
    package var id: String?
    package var before: [UInt8]?
    package var after: [UInt8]?
    package var effective: String?          // the day an org-chart change takes effect
    package var owner: String?              // what an area's change feed files it under (a technician's site)

    package init(_ action: String, resource: String, id: String?, before: [UInt8]? = nil, after: [UInt8]? = nil,
                 effective: String? = nil, owner: String? = nil) {
        self.action = action
        self.resource = resource
        self.id = id
        self.before = before
        self.after = after
        self.effective = effective
        self.owner = owner
    }
}

/// Writes an endpoint's audit in its transaction: the audit log alone by default; an area that
/// records more beside it (the org chart's dated changes) passes its own.
package typealias AuditWriter = @Sendable (Audited, RequestContext, Caller, PGConnection) async throws -> Void

package struct Endpoint<Body: Decodable & Sendable, Loaded: Sendable, Output: Sendable>: Sendable {
    package var audience: Audience = .tenant
    /// The action the policy decides on the loaded target.
    package var action: Action
    /// What refusals and audit rows name (`unit`, `api_key`, ...).
    package var resource: String
    /// Input rules that need no database (422 naming the field), before the transaction.
    package var check: @Sendable (Call<Body>) throws -> Void = { _ in }
    /// Reads what the decision and the change need (404 when the target does not exist).
    package var load: @Sendable (Call<Body>, PGConnection) async throws -> Loaded
    /// The policy's view of the loaded target.
    package var target: @Sendable (Call<Body>, Loaded) -> Target
    /// The id refusals are audited under, when there is one.
    package var targetID: @Sendable (Call<Body>, Loaded) -> String? = { _, _ in nil }
    /// The tenant's administrator count, for decisions that may remove one (the policy refuses
    /// to remove the last); `load` counts it under the tenant's access lock.
    package var tenantAdminCount: @Sendable (Call<Body>, Loaded) -> Int = { _, _ in 0 }
    /// The work, after the policy allowed it.
    package var perform: @Sendable (Call<Body>, Loaded, PGConnection) async throws -> Output
    /// The audit row of a change; nil for reads.
    package var audit: @Sendable (Call<Body>, Loaded, Output) -> Audited? = { _, _, _ in nil }
    package var writeAudit: AuditWriter = Endpoint.auditLog
    /// What must happen once the change is committed (dropping cached callers), never before.
    package var committed: @Sendable (Call<Body>, Output) -> Void = { _, _ in }
    /// The answer.
    package var encode: @Sendable (Call<Body>, Output) throws -> HTTPResponse
    /// Set by `cached(_:etag:)`: a GET may be answered from the loop's answer cache.
    package var caching: AnswerRule?

    package init(audience: Audience = .tenant, action: Action, resource: String,
                 check: @escaping @Sendable (Call<Body>) throws -> Void = { _ in },
                 load: @escaping @Sendable (Call<Body>, PGConnection) async throws -> Loaded,
                 target: @escaping @Sendable (Call<Body>, Loaded) -> Target,
                 targetID: @escaping @Sendable (Call<Body>, Loaded) -> String? = { _, _ in nil },
                 tenantAdminCount: @escaping @Sendable (Call<Body>, Loaded) -> Int = { _, _ in 0 },
                 perform: @escaping @Sendable (Call<Body>, Loaded, PGConnection) async throws -> Output,
                 audit: @escaping @Sendable (Call<Body>, Loaded, Output) -> Audited? = { _, _, _ in nil },
                 writeAudit: @escaping AuditWriter = Endpoint.auditLog,
                 committed: @escaping @Sendable (Call<Body>, Output) -> Void = { _, _ in },
                 encode: @escaping @Sendable (Call<Body>, Output) throws -> HTTPResponse) {
        self.audience = audience
        self.action = action
        self.resource = resource
        self.check = check
        self.load = load
        self.target = target
        self.targetID = targetID
        self.tenantAdminCount = tenantAdminCount
        self.perform = perform
        self.audit = audit
        self.writeAudit = writeAudit
        self.committed = committed
        self.encode = encode
    }

    /// The audit log's row, nothing else.
    package static func auditLog(_ entry: Audited, _ context: RequestContext, _ caller: Caller,
                                 _ connection: PGConnection) async throws {
        try await Audit.record(connection, context, caller, action: entry.action, resource: entry.resource, id: entry.id,
                               before: entry.before, after: entry.after)
    }

    /// This read, answered from the loop's answer cache while the tenant's generation is unchanged
    /// (Pipeline+AnswerCache.swift); `view` says what of the caller the answer depends on. With
    /// `etag`, the answer carries the generation's strong ETag and If-None-Match gets 304;
    /// without, it keeps its own (a unit's or position's revision, which If-Match compares).
    package func cached(_ view: AnswerView, etag: Bool = true) -> Endpoint {
        var endpoint = self
        endpoint.caching = AnswerRule(view: view, etag: etag)
        return endpoint
    }

    /// As a route handler for the route table.
    package var handler: RouteHandler {
        .async { context in try await Pipeline.run(self, context) }
    }
}

extension Endpoint where Body == NoBody, Loaded == String {
    /// An endpoint on a tenant-wide resource (a user, a role, an API key) named by the path's id:
    /// decided on the tenant first, so a caller without the permission gets 403 and learns nothing
    /// of which ids exist; then `find` reads (or changes) it, and a missing one is 404 naming
    /// `shownAs` (the resource as a sentence says it).
    package init(tenantWide action: Action, resource: String, shownAs name: String? = nil,
                 find: @escaping @Sendable (PGConnection, String) async throws -> Output?,
                 audit: @escaping @Sendable (Call<Body>, Loaded, Output) -> Audited? = { _, _, _ in nil },
                 committed: @escaping @Sendable (Call<Body>, Output) -> Void = { _, _ in },
                 encode: @escaping @Sendable (Call<Body>, Output) throws -> HTTPResponse) {
        let name = name ?? resource
        self.init(
            action: action, resource: resource,
            load: { call, _ in try call.pathID(resource: name) },
            target: { call, _ in .tenantWide(call.caller.tenant) },
            targetID: { _, id in id },
            perform: { _, id, connection in
                guard let found = try await find(connection, id) else { throw Problem.notFound(name) }
                return found
            },
            audit: audit, committed: committed, encode: encode)
    }
}

extension Pipeline {
    /// The whole path of a declared endpoint's request, in order.
    package static func run<Body, Loaded, Output>(_ endpoint: Endpoint<Body, Loaded, Output>,
                                                  _ context: RequestContext) async throws -> HTTPResponse {
        // authenticate
        let caller = try await context.caller(for: endpoint.audience)
        // decode
        let body = Body.self == NoBody.self ? NoBody() as! Body : try context.body(Body.self)
        let call = Call(context: context, caller: caller, body: body)
        // check the input's own rules
        try endpoint.check(call)
        // a read the answer cache may serve: the same steps around a generation check
        if let rule = endpoint.caching, let key = context.answerKey(rule, caller) {
            return try await cachedRun(endpoint, call, rule, key)
        }
        // on a replica when the action only reads and the rule allows (ReadReplicas)
        let output = try await context.transaction(caller, deciding: endpoint.action) { connection in
            // load the target
            let loaded = try await endpoint.load(call, connection)
            // decide
            try await context.authorize(caller, endpoint.action, endpoint.target(call, loaded), resource: endpoint.resource,
                                        id: endpoint.targetID(call, loaded), tenantAdminCount: endpoint.tenantAdminCount(call, loaded))
            // perform
            let output = try await endpoint.perform(call, loaded, connection)
            // audit, in the same transaction as the change
            if let entry = endpoint.audit(call, loaded, output) {
                try await endpoint.writeAudit(entry, context, caller, connection)
            }
            return output
        }
        endpoint.committed(call, output)
        // encode
        return try endpoint.encode(call, output)
    }
}

extension RequestContext {
    /// The authenticated caller if it is of `audience`, else the audience's 403.
    package func caller(for audience: Audience) async throws -> Caller {
        switch audience {
        case .tenant:
            return try await tenantCaller()
        case .user:
            let caller = try await tenantCaller()
            guard caller.kind == .user else { throw AuthProblem.userOnly }
            return caller
        case .platform:
            let caller = try await authenticate()
            guard caller.kind == .platform else { throw AuthProblem.platformOnly }
            return caller
        }
    }
}

/// Whether `Pipeline.replay` asks the policy: a preview (a scenario read) performs the change
/// without deciding it; validation and apply decide every change for the caller.
package enum ReplayMode: Sendable {
    case preview
    case validate
}

extension Pipeline {
    /// One declared endpoint's steps on a request orgd makes itself (a scenario's change), inside
    /// a transaction the caller of `replay` already holds: decode, check, load, decide (unless a
    /// preview), perform. Returns the audit entry the endpoint would write, for the caller to
    /// record as it sees fit (a scenario's apply records them as one batch). The live endpoints'
    /// own code, so a replayed change obeys the same rules. A refusal is thrown as the problem it
    /// would answer (403 with the reason), not audited.
    package static func replay<Body, Loaded, Output>(_ endpoint: Endpoint<Body, Loaded, Output>, _ context: RequestContext,
                                                     _ caller: Caller, _ connection: PGConnection,
                                                     mode: ReplayMode) async throws -> Audited? {
        let body = Body.self == NoBody.self ? NoBody() as! Body : try context.body(Body.self)
        let call = Call(context: context, caller: caller, body: body)
        try endpoint.check(call)
        let loaded = try await endpoint.load(call, connection)
        if mode == .validate {
            let decision = decide(caller.principal, endpoint.action, endpoint.target(call, loaded),
                                  caller.context(now: .now, tenantAdminCount: endpoint.tenantAdminCount(call, loaded)))
            if case .deny(let denial) = decision {
                throw Problem.denied(Denial(denial.code, rule: denial.rule, values: denial.values, visible: true))
            }
        }
        let output = try await endpoint.perform(call, loaded, connection)
        return endpoint.audit(call, loaded, output)
    }
}
