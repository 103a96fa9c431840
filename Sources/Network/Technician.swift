// A technician of the service network — a station's own staff, never the org chart's people —
// and where they work: the site of their posting today (before their first day, of the posting
// that starts it), which is where the policy locates them; tenant-wide once no posting is left.

import App
import HTTP
import OrgChart
import Policy
import Postgres

/// The site a technician is located at, as it stands on the day the posting is current.
package struct PostedSite: Sendable, PGRowDecodable {
    package var id: String
    package var code: String
    package var name: String
    package var regionID: String?
    package var regionPathIDs: String?          // the region's path in today's tree, for the policy

    /// Reads `TechnicianStore.siteColumns`, in their order, of a site that is there.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        code = try row.next()
        name = try row.next(String?.self) ?? ""
        regionID = try row.next()
        regionPathIDs = try row.next()
    }

    /// The same columns from an outer join: nil when the technician is posted nowhere.
    package static func optional(_ row: inout PGRowReader) throws -> PostedSite? {
        let id: String? = try row.next()
        let code: String? = try row.next()
        let name: String? = try row.next()
        let regionID: String? = try row.next()
        let path: String? = try row.next()
        guard let id, let code else { return nil }
        return PostedSite(id: id, code: code, name: name ?? "", regionID: regionID, regionPathIDs: path)
    }

    init(id: String, code: String, name: String, regionID: String?, regionPathIDs: String?) {
        self.id = id
        self.code = code
        self.name = name
        self.regionID = regionID
        self.regionPathIDs = regionPathIDs
    }

    /// `{"id", "code", "name"}` (and `region_id` with `region`).
    package func write(to json: inout JSONWriter, region: Bool) {
        json.beginObject()
        json.field("id", id)
        json.field("code", code)
        json.field("name", name)
        if region { json.field("region_id", regionID) }
        json.endObject()
    }

    /// The policy's view of something located at this site (a technician, their certification).
    static func target(_ site: PostedSite?, _ caller: Caller) -> Target {
        guard let path = site?.regionPathIDs else { return .tenantWide(caller.tenant) }
        return .network(caller.tenant, region: OrgPath.tree(path))
    }
}

package struct Technician: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var name: String
    package var phone: String
    package var email: String
    package var notes: String
    package var archived: Bool
    package var revision: Int
    package var site: PostedSite?               // where they work today (or will, before their first day)
    package var postedFrom: String?             // that posting's first day
    package var postedUntil: String?            // its last day; nil while open

    /// Reads the columns of `TechnicianStore.columns`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        name = try row.next()
        phone = try row.next()
        email = try row.next()
        notes = try row.next()
        archived = try row.next()
        revision = try row.next()
        site = try PostedSite.optional(&row)
        postedFrom = try row.next()
        let upper: String? = try row.next()
        postedUntil = upper.map(OrgDate.dayBefore)
    }

    /// The policy's view: the region of the site they work at today, in today's tree.
    package func target(_ caller: Caller) -> Target { PostedSite.target(site, caller) }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        writeFields(to: &json)
        json.endObject()
    }

    /// The members of the technician's object, for `write` and `TechnicianRecord`.
    func writeFields(to json: inout JSONWriter) {
        json.field("id", id)
        json.field("name", name)
        json.field("phone", phone)
        json.field("email", email)
        json.field("notes", notes)
        json.field("archived", archived)
        json.key("site")
        if let site { site.write(to: &json, region: true) } else { json.raw("null".utf8) }
        json.field("posted_from", postedFrom)
        json.field("posted_until", postedUntil)
        json.field("revision", revision)
    }
}

/// One stretch of a technician's work at one site.
package struct TechnicianPosting: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var site: PostedSite
    package var startDate: String
    package var endDate: String?                // the last day; nil while open

    /// Reads `TechnicianStore.postingColumns`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        site = try PostedSite(row: &row)
        startDate = try row.next()
        let upper: String? = try row.next()
        endDate = upper.map(OrgDate.dayBefore)
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.key("site"); site.write(to: &json, region: false)
        json.field("start_date", startDate)
        json.field("end_date", endDate)
        json.endObject()
    }
}

/// A technician with their history: postings oldest first, certifications and trainings. The
/// answer of the single read and of every change to the technician itself.
package struct TechnicianRecord: Sendable, JSONResource {
    package var technician: Technician
    package var postings: [TechnicianPosting]
    package var certifications: [Certification]
    package var trainings: [Training]

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        technician.writeFields(to: &json)
        json.key("postings")
        json.beginArray()
        for posting in postings { posting.write(to: &json) }
        json.endArray()
        json.key("certifications")
        json.beginArray()
        for certification in certifications { certification.write(to: &json) }
        json.endArray()
        json.key("trainings")
        json.beginArray()
        for training in trainings { training.write(to: &json) }
        json.endArray()
        json.endObject()
    }
}
