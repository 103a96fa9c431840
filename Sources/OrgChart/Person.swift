// A person as of a day: the model every person answer is written from (GET, list, create and
// change answers, audit before/after, search) and its one JSON encoder. Read by column position
// from `PersonStore.columns(day:)`, whose order `init(row:)` follows line for line.

import App
import HTTP
import Policy
import Postgres

package struct Person: Sendable, PGRowDecodable {
    package var id: String
    package var employeeNo: String
    package var contact: PGJSONBytes               // private: written only for people.read_private
    package var revision: Int                      // the ETag
    package var homeUnitID: String?
    package var name: String                       // that day's
    package var archived: Bool                     // that day
    package var validFrom: String
    package var pathIDs: String?                   // primary post's unit that day, else the home unit
    package var grades: String?                    // the posts' grades that day, array text

    package init(row: inout PGRowReader) throws {
        id = try row.next()
        employeeNo = try row.next()
        contact = try row.next()
        revision = try row.next()
        homeUnitID = try row.next()
        name = try row.next()
        archived = try row.next()
        validFrom = try row.next()
        pathIDs = try row.next()
        grades = try row.next()
    }

    /// The person's JSON (docs/openapi.yaml, Person); `contact` only when `showContact`.
    package func write(to json: inout JSONWriter, private showContact: Bool = false) {
        json.beginObject()
        json.field("id", id)
        json.field("employee_no", employeeNo)
        json.field("name", name)
        if showContact {
            json.key("contact"); json.raw(contact.bytes)
        }
        json.field("archived", archived)
        json.field("unit_id", homeUnitID)
        json.field("effective_from", validFrom)
        json.field("revision", revision)
        json.endObject()
    }

    /// The JSON without contact: what the audit log and org_changes keep.
    package var json: [UInt8] { json(private: false) }

    package func json(private showContact: Bool) -> [UInt8] {
        var json = JSONWriter()
        write(to: &json, private: showContact)
        return json.bytes
    }

    /// The highest grade of the person's posts that day.
    package func grade(_ caller: Caller) -> Grade? {
        EffectiveGrade.highest(StoredValues.array(grades), caller.ladder)
    }

    /// The policy's view: located at the primary post's unit (else the home unit), ranked by
    /// the highest post.
    package func target(_ caller: Caller) -> Target {
        .person(caller.tenant, unit: OrgPath.tree(pathIDs), grade: grade(caller))
    }

    /// Whether the caller may see the person's contact fields.
    package func seesPrivate(_ caller: Caller) -> Bool {
        decide(caller.principal, .personReadPrivate, target(caller), caller.context(now: .now)).isAllowed
    }
}
