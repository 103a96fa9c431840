// Cursor pagination: `limit` (1–500, default 100) and `cursor` (the last id of the previous
// page). A page never drops rows silently: `next_cursor` is set whenever more rows exist.
//
// The order and the cursor must compare the same values. Lists select `id::text AS id`, and in
// Postgres a bare `ORDER BY id` names that output column, not the table's: bigint ids then sort
// as text (9, 8, 7, 56, 55 … 5, 49) while `id < $cursor` compares numbers, so pages skip and
// repeat rows. Every paged query therefore orders by the qualified column (`audit_log.id`,
// `u.id`), the one its cursor condition compares (PagingTests walks every list to the end).

import HTTP
import Policy
import Postgres

package struct Page {
    package var limit: Int
    package var after: String?

    /// Reads `limit` and `cursor`; `cursorIsValid` says what a cursor must look like.
    package init(_ context: RequestContext, cursorIsValid: (String) -> Bool = { EntityID(uuid: $0) != nil }) throws {
        if let text = context.query("limit") {
            guard let value = Int(text), (1...500).contains(value) else {
                throw Problem.invalidQuery("limit", rule: "range", "limit must be a whole number from 1 to 500")
            }
            limit = value
        } else {
            limit = 100
        }
        after = context.query("cursor")
        if let after, !cursorIsValid(after) {
            throw Problem.invalidQuery("cursor", rule: "format", "cursor is not one this endpoint returned")
        }
    }

    /// Writes `{"items": [...], "next_cursor": ...}` from `limit + 1` fetched items, typed rows
    /// of a store; `cursor` is the value the next page starts after. Items that `include` rejects
    /// (the policy's per-row read decision) are left out of the page, but the cursor still moves
    /// past them, so a short page never hides items beyond it. `extra` writes more members after
    /// the cursor (e.g. `as_of`).
    package func response<Item>(_ items: [Item], cursor: (Item) -> String, include: (Item) -> Bool = { _ in true },
                                extra: (inout JSONWriter) -> Void = { _ in },
                                _ write: (Item, inout JSONWriter) -> Void) -> HTTPResponse {
        JSONResponse.make { json in
            json.beginObject()
            json.key("items")
            json.beginArray()
            for item in items.prefix(limit) where include(item) { write(item, &json) }
            json.endArray()
            json.field("next_cursor", items.count > limit ? cursor(items[limit - 1]) : nil)
            extra(&json)
            json.endObject()
        }
    }
}
