// A declared read served through the loop's answer cache (AnswerCaching): the same steps as
// `Pipeline.run` (or, for a whole FilteredList, `Pipeline.list`), around a check of the
// tenant's generation.
//
//   hit?  notify mode, the board trusts the tenant's generation: entry of that generation ─►
//         decide on its target ─► 304 or the stored answer, with no round trip
//         otherwise, an entry under the key and no replicas (or the board to seed): set_config +
//         SELECT generation (one round trip) ─► the same
//   miss  REPEATABLE READ { SELECT generation ─► entry? ─► load ─► decide ─► perform }
//         ─► encode ─► store under the generation read first
//
// REPEATABLE READ makes the generation and everything read after it one snapshot, so an answer
// is stored under exactly the generation of the data it shows. The policy decides every request,
// hit or miss, on the target loaded with the answer (the caller may have lost the right since).
// A read's refusal is never audited, so a hit needs no transaction.

import HTTP
import Policy
import Postgres

extension RequestContext {
    /// The cache key of this request for `caller` under `rule`; nil when it is not cached (the
    /// cache is off, the request is not a GET, the caller's view cannot be cached, or it reads a
    /// scenario: a draft's changes are edited without raising the generation, so a preview of
    /// the org as a scenario would leave it is always replayed afresh).
    package func answerKey(_ rule: AnswerRule, _ caller: Caller) -> AnswerKey? {
        guard resources.answers.capacity > 0, request.method == .GET, request.query["scenario"] == nil else { return nil }
        return AnswerKey(request, caller, view: rule.view, today: Day.today.description)
    }
}

extension Pipeline {
    /// What the transaction of a cached read produced.
    private enum CachedRead<Loaded, Output> {
        case stored(AnswerEntry)                                    // a hit found inside the transaction
        case notModified(String)                                    // the ETag the request already has
        case fresh(Loaded, Output, generation: Int64)
    }

    /// The steps of a cached read, whatever declared them: an Endpoint, or a whole FilteredList
    /// (whose rows are decided one by one in `encode`, so it has nothing to decide as a whole).
    struct CachedSteps<Loaded, Output> {
        var action: Action                                          // routes the read (ReadReplicas)
        var decide: (Loaded) async throws -> Void                   // every request, hit or miss
        var load: (PGConnection) async throws -> Loaded
        var perform: (Loaded, PGConnection) async throws -> Output
        var encode: (Output) throws -> HTTPResponse
    }

    static func cachedRun<Body, Loaded, Output>(_ endpoint: Endpoint<Body, Loaded, Output>, _ call: Call<Body>,
                                                _ rule: AnswerRule, _ key: AnswerKey) async throws -> HTTPResponse {
        let steps = CachedSteps<Loaded, Output>(
            action: endpoint.action,
            decide: { loaded in
                try await call.context.authorize(call.caller, endpoint.action, endpoint.target(call, loaded),
                                                 resource: endpoint.resource, id: endpoint.targetID(call, loaded))
            },
            load: { connection in try await endpoint.load(call, connection) },
            perform: { loaded, connection in try await endpoint.perform(call, loaded, connection) },
            encode: { output in try endpoint.encode(call, output) })
        return try await cachedRun(steps, call.context, call.caller, rule, key)
    }

    static func cachedRun<Loaded, Output>(_ steps: CachedSteps<Loaded, Output>, _ context: RequestContext, _ caller: Caller,
                                          _ rule: AnswerRule, _ key: AnswerKey) async throws -> HTTPResponse {
        let resources = context.resources
        // Notify mode: the board's generation, when it trusts one for the tenant, is the check,
        // with no round trip; a miss goes straight to the transaction. When it does not, and the
        // listener is subscribed, the query below (begun after `ticket`) tells it.
        var known: Int64?, ticket: GenerationBoard.Ticket?
        if let board = resources.generations, let tenant = caller.tenantID {
            known = board.generation(of: tenant)
            if known == nil { ticket = board.ticket() }
        }
        if let known {
            AnswerCaching.generationsFromMemory.add(1, ordering: .relaxed)
            if let entry = try await hit(steps, resources, key, generation: known) { return answer(entry, context) }
        } else if let tenant = caller.tenantID, ticket != nil || (resources.replicas == nil && resources.answers.contains(key)) {
            // The generation alone, in one round trip on the primary: without replicas when there
            // is an entry it could match (with none, it would only delay the miss), and always
            // when it seeds the board; otherwise the transaction below reads it on whichever
            // server ReadReplicas routes to (a replica's is never seeded: it may lag the listener).
            let generation = try AnswerCaching.generation(await context.pool.query(tenant: tenant, AnswerCaching.generationSQL))
            AnswerCaching.generationsQueried.add(1, ordering: .relaxed)
            if let ticket { resources.generations?.seed(tenant, generation, ticket) }
            if let entry = try await hit(steps, resources, key, generation: generation) { return answer(entry, context) }
        }
        let read = try await context.transaction(caller, deciding: steps.action, isolation: .repeatableRead) { connection in
            let generation = try AnswerCaching.generation(await connection.query(AnswerCaching.generationSQL))
            if let entry = try await hit(steps, resources, key, generation: generation) { return CachedRead<Loaded, Output>.stored(entry) }
            AnswerCaching.misses.add(1, ordering: .relaxed)
            let loaded = try await steps.load(connection)
            try await steps.decide(loaded)
            if rule.etag {
                let etag = key.etag(generation: generation)
                if AnswerCaching.matches(context.request.headers["If-None-Match"], etag) { return .notModified(etag) }
            }
            return .fresh(loaded, try await steps.perform(loaded, connection), generation: generation)
        }
        switch read {
        case .stored(let entry):
            return answer(entry, context)
        case .notModified(let etag):
            return AnswerCaching.notModified(etag)
        case .fresh(let loaded, let output, let generation):
            var response = try steps.encode(output)
            var etag: String?
            if rule.etag {
                etag = key.etag(generation: generation)
                response.headers.add("ETag", etag!)
            }
            if response.status == 200 {
                store(AnswerEntry(generation: generation, loaded: loaded, response: response, etag: etag), key, resources)
            }
            return response
        }
    }

    /// The entry of `key` stored at `generation`, after the policy allowed the caller its
    /// target (a refusal is thrown, as on the uncached path); nil when there is none.
    private static func hit<Loaded, Output>(_ steps: CachedSteps<Loaded, Output>, _ resources: LoopResources,
                                            _ key: AnswerKey, generation: Int64) async throws -> AnswerEntry? {
        guard let entry = resources.answers.lookup(key), entry.generation == generation,
              let loaded = entry.loaded as? Loaded else { return nil }
        try await steps.decide(loaded)
        AnswerCaching.hits.add(1, ordering: .relaxed)
        return entry
    }

    /// A stored entry as the answer: 304 when If-None-Match names its ETag.
    private static func answer(_ entry: AnswerEntry, _ context: RequestContext) -> HTTPResponse {
        if let etag = entry.etag, AnswerCaching.matches(context.request.headers["If-None-Match"], etag) {
            return AnswerCaching.notModified(etag)
        }
        return entry.response
    }

    private static func store(_ entry: AnswerEntry, _ key: AnswerKey, _ resources: LoopResources) {
        let before = (bytes: resources.answers.bytes, evictions: resources.answers.evictions)
        resources.answers.store(key, entry, bytes: entry.bytes)
        AnswerCaching.bytes.add(resources.answers.bytes - before.bytes, ordering: .relaxed)
        AnswerCaching.evictions.add(resources.answers.evictions - before.evictions, ordering: .relaxed)
    }
}
