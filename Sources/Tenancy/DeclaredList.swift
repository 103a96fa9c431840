// The two shapes every resource of the access and tenancy areas shares: a model written by its
// one JSON encoder (`JSONResource`, whose bytes are also its audit row's before/after), and a
// declared list of it, paged by id (`DeclaredList`).

import App
import HTTP
import Policy
import Postgres

/// A resource with one JSON encoder.
package protocol JSONResource {
    func write(to json: inout JSONWriter)
}

extension JSONResource {
    /// The resource's JSON on its own: an answer's body, an audit row's before or after.
    package var json: [UInt8] {
        var json = JSONWriter()
        write(to: &json)
        return json.bytes
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
