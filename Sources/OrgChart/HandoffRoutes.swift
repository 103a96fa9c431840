// Hand-off links (对接部门) of a unit: directed, separate from the tree, effective-dated. A link
// belongs to its source unit and is changed with unit.update over it.

import App
import HTTP
import Policy
import Postgres

package enum HandoffRoutes {
    /// `{"outgoing": [...], "incoming": [...]}` on `as_of`.
    package static let list = Endpoint<NoBody, (date: String, unit: Unit), (date: String, unit: Unit, links: [Handoff])>(
        action: .unitRead, resource: "unit",
        load: { call, connection in
            let id = try call.pathID(resource: "unit")
            let date = try OrgDate.asOf(call.context)
            guard let unit = try await UnitStore.unit(connection, id: id, on: date) else { throw Problem.notFound("unit") }
            return (date, unit)
        },
        target: { call, loaded in loaded.unit.target(call.caller) },
        targetID: { _, loaded in loaded.unit.id },
        perform: { _, loaded, connection in
            (loaded.date, loaded.unit, try await HandoffStore.list(connection, unit: loaded.unit.id, on: loaded.date))
        },
        encode: { _, listed in
            JSONResponse.make { json in
                json.beginObject()
                for (key, outgoing) in [("outgoing", true), ("incoming", false)] {
                    json.key(key)
                    json.beginArray()
                    for link in listed.links where (link.fromUnitID == listed.unit.id) == outgoing { link.write(to: &json) }
                    json.endArray()
                }
                json.field("as_of", listed.date)
                json.endObject()
            }
        })

    package struct CreateBody: Decodable, Sendable {
        package var to_unit_id: String
        package var note: String?
        package var effective_date: String?
    }

    /// A link from the unit to another from `effective_date` on; refusals are the unit's.
    package static let create = Endpoint<CreateBody, (date: String, unit: Unit, other: Unit), Handoff>(
        action: .unitUpdate, resource: "unit",
        check: { call in
            _ = try call.pathID(resource: "unit")
            _ = try OrgDate.body(call.body.effective_date)
            if (call.body.note ?? "").count > 500 { throw Problem.invalid("note", rule: "length", "note is at most 500 characters") }
        },
        load: { call, connection in
            let id = try call.pathID(resource: "unit")
            let date = try OrgDate.body(call.body.effective_date)
            guard let unit = try await UnitStore.unit(connection, id: id, on: date) else { throw Problem.notFound("unit") }
            let other = try await UnitStore.named(connection, id: call.body.to_unit_id, field: "to_unit_id", on: date)
            guard other.id != id else {
                throw Problem.invalid("to_unit_id", rule: "not_self", "a unit does not hand work to itself")
            }
            return (date, unit, other)
        },
        target: { call, loaded in loaded.unit.target(call.caller) },
        targetID: { _, loaded in loaded.unit.id },
        perform: { call, loaded, connection in
            guard let handoff = try await HandoffStore.create(connection, tenant: call.caller.tenantID!, from: loaded.unit.id,
                                                              to: loaded.other.id, note: call.body.note ?? "", on: loaded.date) else {
                throw Problem(status: 409, code: "HANDOFF_EXISTS", title: "Conflict",
                              detail: "the unit already hands work to that unit on or after \(loaded.date)", field: "to_unit_id", rule: "once")
            }
            return handoff
        },
        audit: { _, loaded, handoff in
            Audited("handoff.create", resource: "handoff", id: handoff.id, after: handoff.json, effective: loaded.date)
        },
        writeAudit: OrgChange.writer,
        encode: { _, handoff in JSONResponse.make(201) { json in handoff.write(to: &json) } })

    /// Ends a link from `effective_date` (query, default today) on; past charts keep it.
    package static let remove = Endpoint<NoBody, (date: String, unit: Unit, handoff: Handoff), Handoff>(
        action: .unitUpdate, resource: "unit",
        check: { call in
            _ = try call.pathID(resource: "unit")
            _ = try call.pathID("handoff", resource: "handoff")
            _ = try OrgDate.asOf(call.context, parameter: "effective_date")
        },
        load: { call, connection in
            let id = try call.pathID(resource: "unit")
            let handoff = try call.pathID("handoff", resource: "handoff")
            let date = try OrgDate.asOf(call.context, parameter: "effective_date")
            guard let unit = try await UnitStore.unit(connection, id: id, on: date),
                  let link = try await HandoffStore.lock(connection, id: handoff, from: id, on: date) else {
                throw Problem.notFound("handoff")
            }
            return (date, unit, link)
        },
        target: { call, loaded in loaded.unit.target(call.caller) },
        targetID: { _, loaded in loaded.unit.id },
        perform: { _, loaded, connection in
            try await HandoffStore.end(connection, loaded.handoff, on: loaded.date)
            return loaded.handoff
        },
        audit: { _, loaded, handoff in
            Audited("handoff.end", resource: "handoff", id: handoff.id, before: handoff.json, effective: loaded.date)
        },
        writeAudit: OrgChange.writer,
        encode: { _, _ in JSONResponse.noContent })
}
