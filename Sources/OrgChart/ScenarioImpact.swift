// What a scenario changes against the live org on its day: two snapshots of the tenant's chart on
// that day, one live and one with the scenario replayed (under a savepoint, rolled back), and
// their difference — units and posts added, moved, removed; headcount plan against filled per
// unit before and after; new vacancies; people left without a post; span violations created or
// resolved; and access: accounts whose effective grade changes, grants over units the scenario
// archives (they reach nothing from that day) or moves (they reach the unit's new place).

import Access
import App
import HTTP
import Policy
import Postgres

package struct OrgSnapshot: Sendable {
    package struct UnitRow: Sendable { var name: String; var parent: String?; var archived: Bool }
    package struct PostRow: Sendable {
        var unit: String; var title: String; var grade: String?; var min: Int?; var max: Int?; var archived: Bool
        var reportsTo: String?; var spanMin: Int?; var spanMax: Int?
    }

    package var units: [String: UnitRow] = [:]
    package var posts: [String: PostRow] = [:]
    package var holders: [String: [String]] = [:]          // position → people holding it that day
    package var grades: [String: String] = [:]             // account → effective grade name ("" for none)

    /// The tenant's chart on `date`, as the connection sees it now.
    package static func read(_ connection: PGConnection, on date: String, ladder: GradeLadder) async throws -> OrgSnapshot {
        var snapshot = OrgSnapshot()
        for (id, name, parent, archived) in try await connection.query("""
            SELECT unit_id::text, name, parent_id::text, archived FROM unit_versions WHERE valid @> \(date)::date
            """ as PGQuery).decode(String.self, String.self, String?.self, Bool.self) {
            snapshot.units[id] = UnitRow(name: name, parent: parent, archived: archived)
        }
        for (id, unit, title, grade, min, max, archived, reportsTo, spanMin, spanMax) in try await connection.query("""
            SELECT position_id::text, unit_id::text, title, grade, headcount_min, headcount_max, archived, reports_to::text, span_min, span_max
            FROM position_versions WHERE valid @> \(date)::date
            """ as PGQuery).decode(String.self, String.self, String.self, String?.self, Int?.self, Int?.self, Bool.self, String?.self,
                                  Int?.self, Int?.self) {
            snapshot.posts[id] = PostRow(unit: unit, title: title, grade: grade, min: min, max: max, archived: archived,
                                         reportsTo: reportsTo, spanMin: spanMin, spanMax: spanMax)
        }
        for (position, person) in try await connection.query("""
            SELECT position_id::text, person_id::text FROM assignments WHERE valid @> \(date)::date ORDER BY person_id
            """ as PGQuery).decode(String.self, String.self) {
            snapshot.holders[position, default: []].append(person)
        }
        for subject in try await AccessStore.subjects(connection) where subject.kind == .user {
            snapshot.grades[subject.id] = subject.grade(under: ladder).map { ladder.name(of: $0) } ?? ""
        }
        return snapshot
    }

    var people: Set<String> { Set(holders.values.joined()) }

    func live(_ post: String) -> Bool { posts[post].map { !$0.archived } ?? false }

    /// Per unit: planned minimum, maximum (nil: unbounded) and filled seats of its live posts, in
    /// one pass over the posts (units without posts are absent: 0, 0, 0).
    func headcounts() -> [String: (min: Int, max: Int?, filled: Int)] {
        var found: [String: (min: Int, max: Int?, filled: Int)] = [:]
        for (id, post) in posts where !post.archived {
            var figures = found[post.unit] ?? (0, 0, 0)
            figures.min += post.min ?? 0
            figures.max = post.max.flatMap { value in figures.max.map { $0 + value } }
            figures.filled += holders[id]?.count ?? 0
            found[post.unit] = figures
        }
        return found
    }

    /// Posts whose direct reports are outside their span bounds (as GET /v1/org/span-violations).
    func spanViolations() -> Set<String> {
        var reports: [String: Int] = [:]
        for (id, post) in posts where !post.archived {
            if let manager = post.reportsTo { reports[manager, default: 0] += holders[id]?.count ?? 0 }
        }
        var found: Set<String> = []
        for (id, post) in posts where !post.archived && (post.spanMin != nil || post.spanMax != nil) {
            let count = reports[id] ?? 0, seats = max(holders[id]?.count ?? 0, 1)
            if count < (post.spanMin ?? 0) * seats || count > (post.spanMax ?? Int.max / 4) * seats { found.insert(id) }
        }
        return found
    }
}

package enum ScenarioImpact {
    /// The impact as JSON, `before` the live org on the day and `after` it with the scenario.
    package static func write(_ json: inout JSONWriter, before: OrgSnapshot, after: OrgSnapshot, grants: [StoredGrant],
                              violations: [ScenarioReplay.Violation]) {
        let unitIDs = Set(before.units.keys).union(after.units.keys).sorted()
        let postIDs = Set(before.posts.keys).union(after.posts.keys).sorted()
        func liveUnit(_ snapshot: OrgSnapshot, _ id: String) -> Bool { snapshot.units[id].map { !$0.archived } ?? false }

        json.key("units"); json.beginObject()
        json.field("added", strings: unitIDs.filter { !liveUnit(before, $0) && liveUnit(after, $0) && before.units[$0] == nil })
        json.field("removed", strings: unitIDs.filter { liveUnit(before, $0) && !liveUnit(after, $0) })
        json.field("moved", strings: unitIDs.filter { liveUnit(before, $0) && liveUnit(after, $0) && before.units[$0]?.parent != after.units[$0]?.parent })
        json.field("renamed", strings: unitIDs.filter { liveUnit(after, $0) && before.units[$0] != nil && before.units[$0]?.name != after.units[$0]?.name })
        json.endObject()

        json.key("positions"); json.beginObject()
        json.field("added", strings: postIDs.filter { before.posts[$0] == nil && after.live($0) })
        json.field("removed", strings: postIDs.filter { before.live($0) && !after.live($0) })
        json.field("moved", strings: postIDs.filter { before.live($0) && after.live($0) && before.posts[$0]?.unit != after.posts[$0]?.unit })
        json.field("regraded", strings: postIDs.filter { before.live($0) && after.live($0) && before.posts[$0]?.grade != after.posts[$0]?.grade })
        json.field("retitled", strings: postIDs.filter { before.live($0) && after.live($0) && before.posts[$0]?.title != after.posts[$0]?.title })
        json.endObject()

        // Headcount per unit whose plan or filled seats change.
        json.key("headcount"); json.beginArray()
        let oldFigures = before.headcounts(), newFigures = after.headcounts()
        for id in unitIDs {
            let old = oldFigures[id] ?? (0, 0, 0), new = newFigures[id] ?? (0, 0, 0)
            guard old.min != new.min || old.max != new.max || old.filled != new.filled else { continue }
            json.beginObject()
            json.field("unit_id", id)
            json.field("name", after.units[id]?.name ?? before.units[id]?.name)
            for (key, value) in [("before", old), ("after", new)] {
                json.key(key); json.beginObject()
                json.field("planned_min", value.min); json.field("planned_max", value.max); json.field("filled", value.filled)
                json.endObject()
            }
            json.endObject()
        }
        json.endArray()

        // Posts below their minimum after that were not before (or are new).
        json.field("new_vacancies", strings: postIDs.filter { id in
            guard after.live(id), let post = after.posts[id] else { return false }
            let short = (after.holders[id]?.count ?? 0) < (post.min ?? 0)
            let wasShort = before.live(id) && (before.holders[id]?.count ?? 0) < (before.posts[id]?.min ?? 0)
            return short && !wasShort
        })
        // People who hold a post before and none after (their post archived, their assignment ended).
        json.field("people_without_post", strings: before.people.subtracting(after.people).sorted())

        let spansBefore = before.spanViolations(), spansAfter = after.spanViolations()
        json.key("span_violations"); json.beginObject()
        json.field("created", strings: spansAfter.subtracting(spansBefore).sorted())
        json.field("resolved", strings: spansBefore.subtracting(spansAfter).sorted())
        json.endObject()

        // Access: effective grades that change, grants over units removed or moved.
        json.key("access"); json.beginObject()
        json.key("grade_changes"); json.beginArray()
        for (account, grade) in after.grades.sorted(by: { $0.key < $1.key }) where before.grades[account] != grade {
            json.beginObject()
            json.field("user_id", account)
            json.field("before", before.grades[account].flatMap { $0.isEmpty ? nil : $0 })
            json.field("after", grade.isEmpty ? nil : grade)
            json.endObject()
        }
        json.endArray()
        json.key("grants"); json.beginArray()
        for grant in grants where grant.scopeKind == "unit" {
            guard let unit = grant.scopeID, liveUnit(before, unit) else { continue }
            let effect: String
            if !liveUnit(after, unit) { effect = "reaches_nothing" }
            else if before.units[unit]?.parent != after.units[unit]?.parent { effect = "follows_move" }
            else { continue }
            json.beginObject()
            json.field("grant_id", grant.id)
            json.field("subject_id", grant.subjectID)
            json.field("role", grant.roleName)
            json.field("unit_id", unit)
            json.field("effect", effect)
            json.endObject()
        }
        json.endArray()
        json.endObject()

        json.key("violations"); json.beginArray()
        for violation in violations { violation.value.write(to: &json) }
        json.endArray()
    }
}
