// A site of the service network as it stood on a day: its one model and its one JSON, shared by
// the single read, the lists, the nearest search and the audit rows.

import App
import HTTP
import OrgChart
import Policy
import Postgres

package struct Site: Sendable, PGRowDecodable, JSONResource {
    package var id: String
    package var code: String
    package var kind: String
    package var name: String
    package var regionID: String
    package var regionName: String
    package var regionPathIDs: String?          // the region's path in today's tree, for the policy
    package var address: String
    package var latitude: Double?
    package var longitude: Double?
    package var contactName: String
    package var contactPhone: String
    package var contactEmail: String
    package var responsiblePositionID: String?
    package var capabilities: [String]
    package var covers: [String]
    package var serviceRadiusKM: Double?
    package var archived: Bool
    package var statusText: String              // on the day read
    package var authorisedFrom: String?
    package var authorisedUntil: String?        // the last day of the authorisation
    package var validFrom: String
    package var validTo: String?
    package var revision: Int
    package var day: String                     // the day read

    /// Reads the columns of `SiteStore.selected`, in their order.
    package init(row: inout PGRowReader) throws {
        id = try row.next()
        code = try row.next()
        kind = try row.next()
        name = try row.next()
        regionID = try row.next()
        regionName = try row.next()
        regionPathIDs = try row.next()
        address = try row.next()
        latitude = try row.next()
        longitude = try row.next()
        contactName = try row.next()
        contactPhone = try row.next()
        contactEmail = try row.next()
        responsiblePositionID = try row.next()
        capabilities = StoredValues.array(try row.next(String?.self))
        covers = StoredValues.array(try row.next(String?.self))
        serviceRadiusKM = try row.next()
        archived = try row.next()
        statusText = try row.next()
        authorisedFrom = try row.next()
        authorisedUntil = try row.next()
        validFrom = try row.next()
        validTo = try row.next()
        revision = try row.next()
        day = try row.next()
    }

    package var status: SiteStatus { SiteStatus(rawValue: statusText) ?? .planned }

    /// True when the authorisation has ended by the day read (the site is then ineligible
    /// whatever its status, with nobody acting).
    package var authorisationExpired: Bool { authorisedUntil.map { $0 < day } ?? false }

    /// True when the authorisation has not begun by the day read.
    package var authorisationPending: Bool { authorisedFrom.map { $0 > day } ?? false }

    /// Whether the site may take work on the day read: a status that takes work, within its
    /// authorisation period, not archived. Technicians and coverage are the nearest search's part.
    package func eligible(probationEligible: Bool) -> Bool {
        status.takesWork(probationEligible: probationEligible) && !authorisationExpired && !authorisationPending && !archived
    }

    /// The policy's view of the site: where its region sits in today's tree. `requiredTier` for
    /// the actions a `NetworkRule` governs (suspend, terminate, inspect).
    package func target(_ caller: Caller, requiredTier: Int? = nil) -> Target {
        .network(caller.tenant, region: OrgPath.tree(regionPathIDs), requiredTier: requiredTier)
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", id)
        json.field("code", code)
        json.field("kind", kind)
        json.field("name", name)
        json.field("region_id", regionID)
        json.field("region_name", regionName)
        json.field("address", address)
        json.field("location", latitude: latitude, longitude: longitude)
        json.key("contact")
        json.beginObject()
        json.field("name", contactName)
        json.field("phone", contactPhone)
        json.field("email", contactEmail)
        json.endObject()
        json.field("responsible_position_id", responsiblePositionID)
        json.field("capabilities", strings: capabilities)
        json.field("covers", strings: covers)
        json.field("service_radius_km", serviceRadiusKM)
        json.field("status", statusText)
        json.key("authorisation")
        json.beginObject()
        json.field("from", authorisedFrom)
        json.field("until", authorisedUntil)
        json.field("expired", authorisationExpired)
        json.endObject()
        json.field("archived", archived)
        json.field("effective_from", validFrom)
        json.field("effective_until", validTo.map(OrgDate.dayBefore))
        json.field("revision", revision)
        json.endObject()
    }
}
