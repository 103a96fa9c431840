// What an asynchronous handler works with: the request, the loop's resources, and the steps
// every endpoint takes in the same order — authenticate, decide, run the tenant's transaction,
// audit — so that no endpoint can skip one by writing its own.

import EventLoop
import Foundation
import HTTP
import Policy
import Postgres

public struct RequestContext: @unchecked Sendable {
    // @unchecked Sendable: `resources` belong to `loop`; a context never leaves the task that
    // runs on that loop.
    public var request: HTTPRequest
    public let loop: EventLoop
    package let resources: LoopResources

    public var pool: PGPool { resources.pool }

    package init(request: HTTPRequest, loop: EventLoop, resources: LoopResources) {
        self.request = request
        self.loop = loop
        self.resources = resources
    }

    /// The caller, or a 401/403 problem.
    package func authenticate() async throws -> Caller {
        try await Authenticator.authenticate(request, resources)
    }

    /// A tenant user or API key (platform keys are refused).
    package func tenantCaller() async throws -> Caller {
        let caller = try await authenticate()
        guard caller.tenantID != nil else { throw AuthProblem.tenantOnly }
        return caller
    }

    /// Asks the policy module. A refusal is thrown: 404 when the caller may not know the target
    /// exists, else 403 with the rule and the values compared. A refused change is thrown as a
    /// `Refusal`, which `transaction` (after rolling back, on the same connection) or, outside a
    /// transaction, the pipeline audits before answering.
    package func authorize(_ caller: Caller, _ action: Action, _ target: Target, resource: String, id: String?,
                           tenantAdminCount: Int = 0) async throws {
        let decision = decide(caller.principal, action, target, caller.context(now: .now, tenantAdminCount: tenantAdminCount))
        guard case .deny(var denial) = decision else { return }
        // A tenant-wide target (a collection, a setting) is the caller's own tenant: its members
        // know it exists, so a refusal there is a 403 with the reason, never a 404.
        if !denial.visible && denial.code != .notFound && target.location == .tenantWide && target.tenant == caller.tenant {
            denial = Denial(denial.code, rule: denial.rule, values: denial.values, visible: true)
        }
        if action.isRead { throw Problem.denied(denial) }
        throw Refusal(caller: caller, action: action, resource: resource, id: id, denial: denial)
    }

    /// Runs `body` in a transaction with the caller's tenant set for row-level security. A
    /// refusal thrown inside is audited after the rollback on the same connection: a request
    /// holds one pooled connection at a time, so a pool of one never waits on itself.
    package func transaction<T>(_ caller: Caller, isolation: PGIsolation = .readCommitted,
                                _ body: (PGConnection) async throws -> T) async throws -> T {
        try await pool.withConnection { connection in
            do {
                let value = try await connection.transaction(tenant: caller.tenantID, isolation: isolation, body)
                // The answer cache's notify mode: the writer's next read here queries the generation.
                if request.method != .GET && request.method != .HEAD { resources.generations?.wrote(tenant: caller.tenantID) }
                await noteWrite(on: connection)
                return value
            } catch let refusal as Refusal {
                try await refusal.audit(on: connection, self)
                throw Problem.denied(refusal.denial)
            }
        }
    }

    /// `transaction` for a declared endpoint deciding `action`: a GET or HEAD whose action only
    /// reads may run on a replica (ReadReplicas.route says which, if any); a read that fails
    /// there because the replica is gone runs again on the primary, so the caller never sees it.
    package func transaction<T>(_ caller: Caller, deciding action: Action, isolation: PGIsolation = .readCommitted,
                                _ body: (PGConnection) async throws -> T) async throws -> T {
        // A read `?scenario=ID` replays the scenario's changes (rolled back after): the primary's.
        guard let replicas = resources.replicas, action.isRead, request.method == .GET || request.method == .HEAD,
              request.query["scenario"] == nil else {
            return try await transaction(caller, isolation: isolation, body)
        }
        var target = replicas.route(after: Authenticator.credential(request).flatMap { replicas.writes.position($0.digest) })
        // This loop's pool of that replica is still reconnecting (its background retry will):
        // the primary, without counting the replica failed, since the probe found it answering.
        if case .replica(let index) = target, resources.replicaPools[index].isReconnecting { target = .primary(.noReplica) }
        guard case .replica(let index) = target else {
            let value = try await transaction(caller, isolation: isolation, body)
            replicas.served(target)
            return value
        }
        do {
            let value = try await resources.replicaPools[index].withConnection { connection in
                try await connection.transaction(tenant: caller.tenantID, isolation: isolation, body)
            }
            replicas.served(target)
            return value
        } catch {
            guard let failure = ReadReplicas.failure(error) else { throw error }
            replicas.failed(index, replicaGone: failure == .replicaGone)
            let value = try await transaction(caller, isolation: isolation, body)
            replicas.served(.primary(.fallback))
            return value
        }
    }

    /// After a committed transaction of a request that may write (not GET or HEAD), with
    /// replicas configured: records the primary's WAL insert position for the caller's
    /// credential, read on the same connection right after COMMIT returned. The position is at
    /// or past the end of the commit record whatever synchronous_commit says (the WAL write and
    /// flush positions may still be behind it under synchronous_commit = off), so a replica
    /// that replayed up to it has the write. A position that cannot be read is recorded as one
    /// no replica reaches: the caller reads from the primary until the mark expires.
    private func noteWrite(on connection: PGConnection) async {
        guard let replicas = resources.replicas, request.method != .GET, request.method != .HEAD,
              let credential = Authenticator.credential(request) else { return }
        var position = PGLSN.unreachable
        if let result = try? await connection.query("SELECT pg_current_wal_insert_lsn()::text"),
           let text = try? result.decodeFirst(String.self), let lsn = PGLSN(text) {
            position = lsn
        }
        replicas.writes.record(credential.digest, position)
    }

    /// Decodes the JSON body under the input limits; a problem naming the field on failure,
    /// 415 when the Content-Type does not say JSON.
    /// Inlinable so that each area's call is specialised for its body type (decoding a body is
    /// most of a cached access check's work).
    @inlinable
    package func body<T: Decodable>(_ type: T.Type) throws -> T {
        let types = request.headers.values("Content-Type")
        guard types.count == 1, JSONMediaType.accepts(types[0]) else { throw JSONMediaType.unsupported(types.first) }
        do {
            return try decodeJSONBody(type, from: request.body, rules: .orgd)
        } catch {
            throw Problem.from(error)
        }
    }

    /// A query parameter's value, or nil.
    package func query(_ name: String) -> String? { request.query[name] }

    /// A boolean query parameter: false when absent, else exactly `true` or `false` (400 otherwise).
    package func flag(_ name: String) throws -> Bool {
        switch request.query[name] {
        case nil, "false": return false
        case "true": return true
        case let other?:
            throw Problem.invalidQuery(name, rule: "boolean", "\(name) must be true or false, not \(other)")
        }
    }

    /// An optional query parameter that must be an id (a UUID, lowercased): nil when absent,
    /// 400 "`name` must be `kind`" otherwise.
    package func queryID(_ name: String, _ kind: String = "an id") throws -> String? {
        guard let text = request.query[name] else { return nil }
        guard EntityID(uuid: text) != nil else { throw Problem.invalidQuery(name, rule: "uuid", "\(name) must be \(kind)") }
        return text.lowercased()
    }

    /// A path parameter that must be a UUID; 404 when it is not one (nothing can have that id).
    package func pathID(_ name: String, resource: String) throws -> String {
        guard let text = request.pathParameters[name], EntityID(uuid: text) != nil else {
            throw Problem.notFound(resource)
        }
        return text.lowercased()
    }
}

/// A change the policy refused, carried to where it is audited: the enclosing transaction's
/// connection, or the pipeline when it was refused before any transaction began.
package struct Refusal: Error {
    package let caller: Caller
    package let action: Action
    package let resource: String
    package let id: String?
    package let denial: Denial

    /// Records the refusal in its own transaction on `connection` (the change itself was rolled
    /// back, so nothing else can be in it).
    package func audit(on connection: PGConnection, _ context: RequestContext) async throws {
        try await connection.transaction(tenant: caller.tenantID) { connection in
            try await Audit.record(connection, context, caller, action: action.rawValue, resource: resource, id: id,
                                   outcome: "refused", reason: denial)
        }
    }
}

extension Problem {
    /// The answer to a policy refusal.
    package static func denied(_ denial: Denial) -> Problem {
        guard denial.visible else { return .notFound("resource") }
        var problem = Problem(status: 403, code: denial.code.rawValue, title: "Forbidden", detail: denial.rule)
        problem.rule = denial.code.rawValue
        var values: [(String, JSONValue)] = []
        for (key, value) in denial.values.sorted(by: { $0.key < $1.key }) { values.append((key, .string(value))) }
        problem.extra = [("values", .object(values))]
        return problem
    }

    /// The same answer for a missing object and for another tenant's object.
    package static func notFound(_ resource: String) -> Problem {
        Problem(status: 404, code: "NOT_FOUND", title: "Not Found", detail: "no such \(resource)")
    }

    /// A query parameter that breaks its rule, 400.
    package static func invalidQuery(_ field: String, rule: String, _ detail: String) -> Problem {
        Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request", detail: detail, field: field, rule: rule)
    }

    /// A rule about one field, 422.
    package static func invalid(_ field: String, rule: String, _ detail: String) -> Problem {
        Problem(status: 422, code: "VALIDATION_FAILED", title: "Unprocessable Content", detail: detail, field: field, rule: rule)
    }

    package static func conflict(_ code: String, _ detail: String) -> Problem {
        Problem(status: 409, code: code, title: "Conflict", detail: detail)
    }
}
