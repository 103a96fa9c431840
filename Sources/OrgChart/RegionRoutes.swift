// /v1/regions: the tenant's region tree (华东, 华南 …), where regional offices and per-region posts
// apply. Effective-dated: name, code and parent are kept over time (region_versions) and read
// `as_of` a day, with that day's path. Access decides on today's tree (`regions.path`, what
// region-scoped grants hold), whatever day is read. Writing needs network.write over the parent
// region (create) or the region and its new parent (PATCH, in RegionRoutes+Change).

import App
import HTTP
import Policy
import Postgres

package enum RegionRoutes {
    /// Regions that existed on `as_of`, root first down each branch (at most 5000), the ones the
    /// caller may not read left out: the whole tree in one piece, unpaged, so that a client can
    /// draw it.
    package static let list = FilteredList<String, Region>(
        action: .regionRead,
        parameters: { try OrgDate.asOf($0) },
        fetchAll: { call, connection in try await RegionStore.list(connection, on: call.body) },
        target: { caller, region in region.target(caller) },
        extra: { call, json in json.field("as_of", call.body) },
        write: { _, region, json in region.write(to: &json) })

    /// The region on `as_of`; 404 when it did not exist yet that day.
    package static let read = DatedRead.endpoint(
        .regionRead, resource: "region", read: { try await RegionStore.region($0, id: $1, on: $2) },
        target: { caller, region in region.target(caller) }, id: \.id,
        answer: { region in ETag.response(revision: region.revision, body: region.json) })

    package struct CreateBody: Decodable, Sendable {
        package var name: String
        package var code: String
        package var parent_id: String?
        package var effective_date: String?
    }

    package static func codeTaken(_ code: String, _ date: String) -> Problem {
        Problem(status: 409, code: "REGION_CODE_TAKEN", title: "Conflict",
                detail: "region code \(code) is already used by another region of this tenant on or after \(date)", field: "code", rule: "unique")
    }

    /// A parent region named in a body: it must exist on `date`; its path in today's tree.
    package static func parentPath(_ connection: PGConnection, id: String, on date: String) async throws -> String {
        let path = try await UnitStore.regionPath(connection, id: id, field: "parent_id")
        guard try await RegionStore.exists(connection, id: id.lowercased(), on: date) else {
            throw Problem.invalid("parent_id", rule: "exists", "parent_id \(id) names no region of this tenant on \(date)")
        }
        return path
    }

    /// Creates a region from `effective_date` on; its parent must exist that day.
    package static let create = Endpoint<CreateBody, (date: String, parent: String?), Region>(
        action: .regionWrite, resource: "region",
        check: { call in
            try OrgRules.name(call.body.name)
            try OrgRules.code(call.body.code)
            _ = try OrgDate.body(call.body.effective_date)
        },
        load: { call, connection in
            let date = try OrgDate.body(call.body.effective_date)
            return (date, try await call.body.parent_id.asyncMap { try await parentPath(connection, id: $0, on: date) })
        },
        target: { call, new in .network(call.caller.tenant, region: OrgPath.tree(new.parent)) },
        perform: { call, new, connection in
            let body = call.body
            let id = try await RegionStore.create(connection, tenant: call.caller.tenantID!, parent: body.parent_id, name: body.name,
                                                  code: body.code, from: new.date)
            return try await RegionStore.region(connection, id: id, on: new.date)!
        },
        audit: { _, new, region in Audited("region.create", resource: "region", id: region.id, after: region.json, effective: new.date) },
        writeAudit: OrgChange.writer,
        encode: { _, region in
            var response = ETag.response(201, revision: region.revision, body: region.json)
            response.headers.add("Location", "/v1/regions/\(region.id)")
            return response
        })
}
