// Who gains or loses which permission, and where, if a change were applied: every subject of the
// tenant is built as a principal twice (as things are, and with the change) and their effective
// permissions compared. Pure; the routes load the subjects and describe the change.

import App
import HTTP
import Policy

package enum AccessPreview {
    /// One subject whose effective access would change.
    package struct Change {
        package var subject: SubjectRecord
        package var gained: [(Permission, Scope)]
        package var lost: [(Permission, Scope)]
    }

    /// For each permission, the widest scopes through which the principal holds it at `now`
    /// (a scope another one covers is left out).
    package static func effective(_ principal: Principal, now: Timestamp) -> [Permission: [Scope]] {
        var result: [Permission: [Scope]] = [:]
        for grant in principal.effectiveGrants(at: now) {
            for permission in grant.role.permissions {
                var scopes = result[permission] ?? []
                if scopes.contains(where: { $0.covers(grant.scope) }) { continue }
                scopes.removeAll { grant.scope.covers($0) }
                scopes.append(grant.scope)
                result[permission] = scopes
            }
        }
        return result
    }

    /// The subjects (enabled users and live keys) whose effective permissions differ between
    /// `before` and `after`, with what each gains (reach it did not have) and loses.
    package static func changes(_ subjects: [SubjectRecord], before: (SubjectRecord) -> Principal,
                                after: (SubjectRecord) -> Principal, now: Timestamp) -> [Change] {
        var changes: [Change] = []
        for subject in subjects where subject.active {
            let old = effective(before(subject), now: now)
            let new = effective(after(subject), now: now)
            var gained: [(Permission, Scope)] = []
            var lost: [(Permission, Scope)] = []
            for permission in Permission.allCases {
                let was = old[permission] ?? []
                let will = new[permission] ?? []
                for scope in will where !was.contains(where: { $0.covers(scope) }) { gained.append((permission, scope)) }
                for scope in was where !will.contains(where: { $0.covers(scope) }) { lost.append((permission, scope)) }
            }
            if !gained.isEmpty || !lost.isEmpty {
                changes.append(Change(subject: subject, gained: gained, lost: lost))
            }
        }
        return changes
    }

    package static func write(_ changes: [Change], to json: inout JSONWriter) {
        json.beginArray()
        for change in changes {
            json.beginObject()
            json.key("subject")
            json.beginObject()
            json.field("kind", change.subject.kind.rawValue)
            json.field("id", change.subject.id)
            json.field("label", change.subject.label)
            json.field("grade", change.subject.founder ? "founder" : change.subject.grade)
            json.endObject()
            for (name, list) in [("gains", change.gained), ("loses", change.lost)] {
                json.key(name)
                json.beginArray()
                for (permission, scope) in list {
                    json.beginObject()
                    json.field("permission", permission.rawValue)
                    json.key("scope")
                    AccessJSON.write(scope, to: &json)
                    json.endObject()
                }
                json.endArray()
            }
            json.endObject()
        }
        json.endArray()
    }
}
