// A declared list of a resource (a `JSONResource`, App), paged by id: the shape every list of
// the access and tenancy areas shares.

import App
import HTTP
import Policy
import Postgres

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
