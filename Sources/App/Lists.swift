// The kinds of list, declared rather than hand-written:
//
// - `DeclaredList.paged`: a tenant-wide list (users, roles, API keys) decided once, as an
//   Endpoint, before the page is read.
// - `FilteredList`: a list of org-chart things (units, people, regions, vacancies …) that is
//   not refused as a whole: the policy decides on every row, and a row the caller may not read
//   is left out, silently and without an audit row. `Pipeline.list` takes its steps in one order:
//
//   authenticate ─► parameters ─► page ─► transaction { fetch } ─► per-row decide ─► encode
//
//   A paged one fetches `limit + 1` rows after the cursor and answers
//   `{"items", "next_cursor", extras}`; the cursor still moves past rows left out
//   (Page.response), so a short page never hides rows that exist beyond it. A whole one (a
//   region tree, the longest vacancies) has no page and answers `{extras, "items"}`.
//
// Lists that narrow by scope in SQL instead (grants) keep their own handlers.

import HTTP
import Policy
import Postgres

package struct FilteredList<Parameters: Sendable, Item: Sendable>: Sendable {
    /// How the rows are fetched and the answer is shaped.
    package enum Paging: Sendable {
        /// At most `page.limit + 1` items after `page.after`, in the order of `cursor`.
        /// `cursorIsValid` refuses a malformed `cursor` (400) before the transaction.
        case paged(fetch: @Sendable (Call<Parameters>, Page, PGConnection) async throws -> [Item],
                   cursor: @Sendable (Item) -> String, cursorIsValid: @Sendable (String) -> Bool)
        /// Every item, in the answer's order.
        case whole(fetch: @Sendable (Call<Parameters>, PGConnection) async throws -> [Item])
    }

    package var audience: Audience = .tenant
    /// The action the policy decides on each row.
    package var action: Action
    /// The query's own parameters (400 naming the parameter), read before the page's.
    package var parameters: @Sendable (RequestContext) throws -> Parameters
    package var paging: Paging
    /// The policy's view of one item.
    package var target: @Sendable (Caller, Item) -> Target
    /// Members beside the items (`as_of`): after `next_cursor` in a paged answer, first in a whole one.
    package var extra: @Sendable (Call<Parameters>, inout JSONWriter) -> Void
    /// One item's JSON.
    package var write: @Sendable (Call<Parameters>, Item, inout JSONWriter) -> Void
    /// Set by `cached(_:)`: a whole list may be answered from the loop's answer cache.
    package var caching: AnswerRule?

    /// A paged list.
    package init(audience: Audience = .tenant, action: Action,
                 parameters: @escaping @Sendable (RequestContext) throws -> Parameters,
                 fetch: @escaping @Sendable (Call<Parameters>, Page, PGConnection) async throws -> [Item],
                 target: @escaping @Sendable (Caller, Item) -> Target,
                 cursor: @escaping @Sendable (Item) -> String,
                 cursorIsValid: @escaping @Sendable (String) -> Bool = { EntityID(uuid: $0) != nil },
                 extra: @escaping @Sendable (Call<Parameters>, inout JSONWriter) -> Void = { _, _ in },
                 write: @escaping @Sendable (Call<Parameters>, Item, inout JSONWriter) -> Void) {
        self.init(audience: audience, action: action, parameters: parameters,
                  paging: .paged(fetch: fetch, cursor: cursor, cursorIsValid: cursorIsValid),
                  target: target, extra: extra, write: write)
    }

    /// A whole list, unpaged.
    package init(audience: Audience = .tenant, action: Action,
                 parameters: @escaping @Sendable (RequestContext) throws -> Parameters,
                 fetchAll: @escaping @Sendable (Call<Parameters>, PGConnection) async throws -> [Item],
                 target: @escaping @Sendable (Caller, Item) -> Target,
                 extra: @escaping @Sendable (Call<Parameters>, inout JSONWriter) -> Void = { _, _ in },
                 write: @escaping @Sendable (Call<Parameters>, Item, inout JSONWriter) -> Void) {
        self.init(audience: audience, action: action, parameters: parameters, paging: .whole(fetch: fetchAll),
                  target: target, extra: extra, write: write)
    }

    private init(audience: Audience, action: Action, parameters: @escaping @Sendable (RequestContext) throws -> Parameters,
                 paging: Paging, target: @escaping @Sendable (Caller, Item) -> Target,
                 extra: @escaping @Sendable (Call<Parameters>, inout JSONWriter) -> Void,
                 write: @escaping @Sendable (Call<Parameters>, Item, inout JSONWriter) -> Void) {
        self.audience = audience
        self.action = action
        self.parameters = parameters
        self.paging = paging
        self.target = target
        self.extra = extra
        self.write = write
    }

    /// As a route handler for the route table.
    package var handler: RouteHandler {
        .async { context in try await Pipeline.list(self, context) }
    }

    /// This whole list, answered from the loop's answer cache while the tenant's generation is
    /// unchanged (Pipeline+AnswerCache.swift). The rows left out are the ones the policy refuses
    /// this caller, so `view` must hold everything those decisions read: `.caller` (its grants,
    /// grade and ladder), unless the list's target ignores the caller. A paged list is not cached.
    package func cached(_ view: AnswerView) -> FilteredList {
        var listing = self
        listing.caching = AnswerRule(view: view, etag: true)
        return listing
    }
}

extension Pipeline {
    /// The whole path of a declared list's request, in order.
    package static func list<Parameters, Item>(_ listing: FilteredList<Parameters, Item>,
                                               _ context: RequestContext) async throws -> HTTPResponse {
        // authenticate
        let caller = try await context.caller(for: listing.audience)
        // parameters
        let call = Call(context: context, caller: caller, body: try listing.parameters(context))
        let now = call.now
        let allowed = { (item: Item) in decide(caller.principal, listing.action, listing.target(caller, item), now).isAllowed }
        switch listing.paging {
        case .paged(let fetch, let cursor, let cursorIsValid):
            // the page, the rows, then decide on each row and encode the ones allowed
            let page = try Page(context, cursorIsValid: cursorIsValid)
            let items = try await context.transaction(caller, deciding: listing.action) { connection in try await fetch(call, page, connection) }
            return page.response(items, cursor: cursor, include: allowed, extra: { listing.extra(call, &$0) }) { item, json in
                listing.write(call, item, &json)
            }
        case .whole(let fetch):
            let encode = { (items: [Item]) in
                JSONResponse.make { json in
                    json.beginObject()
                    listing.extra(call, &json)
                    json.key("items")
                    json.beginArray()
                    for item in items where allowed(item) { listing.write(call, item, &json) }
                    json.endArray()
                    json.endObject()
                }
            }
            // Cached: the stored answer is the filtered one, so a hit decides nothing again; the
            // view in its key (`cached(_:)`) holds what every row's decision read.
            if let rule = listing.caching, let key = context.answerKey(rule, caller) {
                let steps = CachedSteps<Void, [Item]>(action: listing.action, decide: { _ in },
                                                      load: { _ in }, perform: { _, connection in try await fetch(call, connection) },
                                                      encode: encode)
                return try await cachedRun(steps, context, caller, rule, key)
            }
            return encode(try await context.transaction(caller, deciding: listing.action) { connection in try await fetch(call, connection) })
        }
    }
}

package enum DeclaredList {
    /// A tenant-wide list in id order, decided as `action` before the page is read, so that a
    /// caller who may not list learns nothing from a 400 about `limit` or `cursor`: 403 first.
    package static func paged<Item: Sendable>(
        _ action: Action, resource: String,
        fetch: @escaping @Sendable (PGConnection, _ after: String?, _ limit: Int) async throws -> [Item],
        cursor: @escaping @Sendable (Item) -> String,
        write: @escaping @Sendable (Call<NoBody>, Item, inout JSONWriter) -> Void
    ) -> Endpoint<NoBody, Void, (page: Page, items: [Item])> {
        Endpoint(
            action: action, resource: resource,
            load: { _, _ in },
            target: { call, _ in .tenantWide(call.caller.tenant) },
            perform: { call, _, connection in
                let page = try Page(call.context)
                return (page, try await fetch(connection, page.after, page.limit + 1))
            },
            encode: { call, listed in
                listed.page.response(listed.items, cursor: cursor) { item, json in write(call, item, &json) }
            })
    }
}
