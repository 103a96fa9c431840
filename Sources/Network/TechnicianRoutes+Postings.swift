// Where a technician works, over time: POST …/move ends their open posting the day before
// `effective_date` and posts them at another site from that day (the history stays in
// technician_postings); POST …/archive ends their work after `end_date` (today or earlier).
// A move needs site.write over the site left and over the destination, and is filed in the
// change feed under both.

import App
import HTTP
import OrgChart
import Policy
import Postgres

extension TechnicianRoutes {
    // MARK: move

    package struct MoveBody: Decodable, Sendable {
        package var site_id: String
        package var effective_date: String?
    }

    package struct Moving: Sendable {
        var technician: Technician
        var date: String
    }

    /// Moves the technician to `site_id` from `effective_date` (default today) on. Refused (422)
    /// for the site they are posted at, a date on or before their open posting's first day, a
    /// site that does not exist that day; 409 TECHNICIAN_ARCHIVED for an archived technician.
    package static let move = Endpoint<MoveBody, Moving, (before: Technician, after: TechnicianRecord, destination: String)>(
        action: .siteWrite, resource: "technician",
        check: { call in
            _ = try call.pathID(resource: "technician")
            try checkSiteID(call.body.site_id)
            _ = try OrgDate.body(call.body.effective_date)
        },
        load: { call, connection in
            Moving(technician: try await locked(call, connection), date: try OrgDate.body(call.body.effective_date))
        },
        target: { call, moving in moving.technician.target(call.caller) },
        targetID: { _, moving in moving.technician.id },
        perform: { call, moving, connection in
            let (before, date) = (moving.technician, moving.date)
            // The destination is read once the technician is allowed, so a caller who may not see
            // them learns nothing from its rules; arriving is a change there too, decided on its region.
            let destination = try await postableSite(connection, id: call.body.site_id, on: date, dateField: "effective_date")
            try await call.context.authorize(call.caller, .siteWrite, destination.target(call.caller), resource: "technician",
                                             id: before.id)
            if before.archived { throw archivedConflict(before) }
            let open = try await TechnicianStore.openPosting(connection, technician: before.id)
            if let open {
                if open.site == destination.id {
                    throw Problem.invalid("site_id", rule: "different_site", "the technician already works at \(destination.code) since \(open.start)")
                }
                if date <= open.start {
                    throw Problem.invalid("effective_date", rule: "after_posting_start",
                                          "the technician's posting at their current site starts on \(open.start); a move takes effect after it, not on \(date)")
                }
                try await TechnicianStore.endOpenPosting(connection, technician: before.id, before: date)
            }
            try await TechnicianStore.post(connection, tenant: call.caller.tenantID!, technician: before.id, site: destination.id, from: date)
            try await TechnicianStore.bump(connection, id: before.id)
            let after = try await TechnicianStore.record(connection, try await current(connection, id: before.id))
            // The audit files the move under the destination (`owner`); the site left gets its own
            // row in the change feed, so that its region's readers see the technician go.
            if let left = open?.site {
                try await NetworkChangeStore.insert(connection, tenant: call.caller.tenantID!, effective: date,
                                                    actor: call.caller.kind == .user ? call.caller.subjectID : nil,
                                                    action: "technician.move", resource: "technician", id: before.id, site: left,
                                                    before: before.json, after: after.technician.json)
            }
            return (before, after, destination.id)
        },
        audit: { _, moving, changed in
            Audited("technician.move", resource: "technician", id: moving.technician.id, before: changed.before.json,
                    after: changed.after.technician.json, effective: moving.date, owner: changed.destination)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in answer(changed.after) })

    // MARK: archive

    package struct ArchiveBody: Decodable, Sendable {
        package var end_date: String?
    }

    package struct Archiving: Sendable {
        var technician: Technician
        var last: String                // the last day they work
    }

    /// Archives the technician: they work nowhere after `end_date` (today or earlier, default
    /// today; postings that start later are dropped, since they never began) and leave lists
    /// unless `include_archived=true`. The body is optional. An archived technician is answered as is.
    package static let archive = Endpoint<NoBody, Archiving, (before: Technician, after: TechnicianRecord)>(
        action: .siteWrite, resource: "technician",
        check: { call in
            _ = try call.pathID(resource: "technician")
            _ = try lastDay(call)
        },
        load: { call, connection in
            Archiving(technician: try await locked(call, connection), last: try lastDay(call))
        },
        target: { call, archiving in archiving.technician.target(call.caller) },
        targetID: { _, archiving in archiving.technician.id },
        perform: { _, archiving, connection in
            let (before, last) = (archiving.technician, archiving.last)
            if before.archived { return (before, try await TechnicianStore.record(connection, before)) }
            if let begun = try await TechnicianStore.begunAfter(connection, technician: before.id, last: last, today: OrgDate.today) {
                throw Problem.invalid("end_date", rule: "not_before_posting_start",
                                      "the technician's posting from \(begun) has begun; their work cannot end before it (\(last))")
            }
            try await TechnicianStore.endPostings(connection, technician: before.id, last: last)
            try await TechnicianStore.archive(connection, id: before.id)
            try await TechnicianStore.bump(connection, id: before.id)
            return (before, try await TechnicianStore.record(connection, try await current(connection, id: before.id)))
        },
        audit: { _, archiving, changed in
            Audited("technician.archive", resource: "technician", id: archiving.technician.id, before: changed.before.json,
                    after: changed.after.technician.json, owner: archiving.technician.site?.id)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in answer(changed.after) })

    /// The archive's last day of work: today when absent, never after today (archiving is
    /// recorded when the technician has left, so an archived one has no posting to come).
    static func lastDay<Body>(_ call: Call<Body>) throws -> String {
        let day = try OrgDate.body(call.optionalBody(ArchiveBody()).end_date, field: "end_date")
        if day > OrgDate.today {
            throw Problem.invalid("end_date", rule: "not_after_today", "archiving is recorded once the technician has left: end_date is today or earlier, not \(day)")
        }
        return day
    }

    /// The 409 of a change that needs a technician still at work.
    static func archivedConflict(_ technician: Technician) -> Problem {
        Problem(status: 409, code: "TECHNICIAN_ARCHIVED", title: "Conflict",
                detail: "the technician \(technician.name) is archived; an archived technician works nowhere and cannot be moved")
    }
}
