// One unit as it stood on a day: its identity row (revision, the ETag) with the version covering
// the day, and its one JSON encoding (docs/openapi.yaml, Unit). Every answer that shows a unit —
// single read, list, create/update/restructuring answers, audit before/after — writes it here.

import App
import HTTP
import Policy
import Postgres

package struct Unit: Sendable, PGRowDecodable, UnitHead {
    package var id: String
    package var revision: Int
    package var name: String
    package var code: String
    package var kind: String
    package var tier: String?
    package var roleLabel: String?
    package var functions: PGJSONBytes             // a JSON array of strings, as stored
    package var parentID: String?
    package var regionID: String?
    package var sortOrder: Int
    package var archived: Bool
    package var plannedEstablishment: Int?
    package var mergedInto: String?
    package var pathIDs: String                     // "{root,…,id}", the unit's own id last
    package var depth: Int
    package var validFrom: String                   // YYYY-MM-DD, inclusive
    package var validTo: String?                    // YYYY-MM-DD, exclusive; nil while open
    package var regionPath: String?                 // the region's path in today's region tree

    /// Reads the columns of `UnitStore.columns`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        revision = try row.next()
        name = try row.next()
        code = try row.next()
        kind = try row.next()
        tier = try row.next()
        roleLabel = try row.next()
        functions = try row.next()
        parentID = try row.next()
        regionID = try row.next()
        sortOrder = try row.next()
        archived = try row.next()
        plannedEstablishment = try row.next()
        mergedInto = try row.next()
        pathIDs = try row.next()
        depth = try row.next()
        validFrom = try row.next()
        validTo = try row.next()
        regionPath = try row.next()
    }

    /// The unit's path as the policy sees it, root first.
    package var path: TreePath { OrgPath.tree(pathIDs) ?? TreePath([]) }

    /// The unit's JSON; `extra` writes members of the answer's own after the unit's (a merge
    /// adds the grants left on the merged unit).
    package func write(to json: inout JSONWriter, extra: (inout JSONWriter) -> Void = { _ in }) {
        json.beginObject()
        writeHead(to: &json)
        json.field("parent_id", parentID)
        json.field("path", strings: OrgPath.ids(pathIDs))
        json.field("region_id", regionID)
        json.field("sort_order", sortOrder)
        json.field("planned_establishment", plannedEstablishment)
        json.field("archived", archived)
        json.field("merged_into", mergedInto)
        json.field("effective_from", validFrom)
        json.field("effective_until", validTo.map(OrgDate.dayBefore))
        json.field("revision", revision)
        extra(&json)
        json.endObject()
    }

    package func json(extra: (inout JSONWriter) -> Void = { _ in }) -> [UInt8] {
        var json = JSONWriter()
        write(to: &json, extra: extra)
        return json.bytes
    }

    /// `functions` as stored (jsonb's text, spliced unparsed).
    package func writeFunctions(to json: inout JSONWriter) { json.raw(functions.bytes) }

    /// The policy's view of the unit.
    package func target(_ caller: Caller) -> Target {
        .unit(caller.tenant, path: path, tier: tier.flatMap { caller.ladder.tierIndex(named: $0) },
              region: OrgPath.tree(regionPath))
    }

    /// The unit's location, for the location of things in it (positions, destinations).
    package var location: Location {
        Location(unit: path, region: OrgPath.tree(regionPath))
    }
}

/// The members every unit answer opens with, in this order — the single unit (`Unit.write`), each
/// unit of the tree (TreeQuery) and of the JSON export (ChartJSON) — written by `writeHead` alone
/// so the three shapes cannot drift apart. What follows them is each answer's own.
package protocol UnitHead {
    var id: String { get }
    var code: String { get }
    var name: String { get }
    var kind: String { get }
    var tier: String? { get }
    var roleLabel: String? { get }
    /// The `functions` array: spliced as stored (Unit) or written from its items (ChartUnit).
    func writeFunctions(to json: inout JSONWriter)
}

extension UnitHead {
    /// id, code, name, kind, tier, role_label, functions.
    package func writeHead(to json: inout JSONWriter) {
        json.field("id", id)
        json.field("code", code)
        json.field("name", name)
        json.field("kind", kind)
        json.field("tier", tier)
        json.field("role_label", roleLabel)
        json.key("functions"); writeFunctions(to: &json)
    }
}
