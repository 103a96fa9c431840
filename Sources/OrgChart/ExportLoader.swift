// Loads a unit's chart for the exports: the tree query's units and positions (TreeQuery.load),
// then holders with their employee numbers and names, the people behind them, the managers'
// positions named by unit code and title, and the hand-off links inside the subtree. Seven
// queries whatever the size of the chart; the caller authorises reading the root.

import App
import ChartRender
import Foundation
import HTTP
import Policy
import Postgres

package enum ExportLoader {
    /// The chart of `root` on `date` down to `depth` levels; nil when the root does not exist that
    /// day. Contact fields are filled only for people `caller` may read privately.
    package static func load(_ connection: PGConnection, _ caller: Caller, root: String, depth: Int,
                             on date: String) async throws -> (PGRow, Chart)? {
        guard let (rootRow, subtree) = try await TreeQuery.load(connection, root: root, depth: depth, on: date) else { return nil }
        let positionIDs = subtree.positions.map { $0.string("id")! }
        let holderRows = positionIDs.isEmpty ? PGResult(columns: [], rows: []) : try await connection.query("""
            SELECT a.position_id::text AS position_id, a.person_id::text AS person_id, pe.employee_no, a.kind,
                   lower(a.valid)::text AS start_date, upper(a.valid)::text AS end_after, rg.code AS region_code
            FROM assignments a JOIN people pe ON pe.id = a.person_id
            LEFT JOIN regions rg ON rg.id = a.region_id
            WHERE a.position_id = ANY ($1::uuid[]) AND a.valid @> $2::date
            """, [positionIDs, date])
        let personIDs = Set(holderRows.map { $0.string("person_id")! })
        let personNames = try await PersonRoutes.names(connection, ids: personIDs, on: date)
        var unsorted: [String: [ChartHolder]] = [:]
        for row in holderRows {
            let person = row.string("person_id")!
            unsorted[row.string("position_id")!, default: []].append(ChartHolder(
                personID: person, name: personNames[person] ?? "", employeeNo: row.string("employee_no") ?? "",
                kind: row.string("kind") ?? "primary", since: row.string("start_date") ?? "",
                until: row.string("end_after").map(OrgDate.dayBefore), regionCode: row.string("region_code")))
        }
        let holders = unsorted.mapValues { list in
            list.sorted { ($0.since, $0.name, $0.personID) < ($1.since, $1.name, $1.personID) }
        }
        let people = try await loadPeople(connection, caller, ids: Array(personIDs), on: date)
        let managers = try await managerRefs(connection, subtree.positions.compactMap { $0.string("reports_to") }, on: date)
        let unitIDs = subtree.units.map { $0.string("id")! }
        let handoffRows = try await connection.query("""
            SELECT h.from_unit_id::text AS from_id, h.to_unit_id::text AS to_id, h.note
            FROM unit_handoffs h
            WHERE h.from_unit_id = ANY ($1::uuid[]) AND h.to_unit_id = ANY ($1::uuid[]) AND h.valid @> $2::date
            ORDER BY h.created_at, h.id
            """, [unitIDs, date])

        var seatsByUnit: [String: [ChartSeat]] = [:]
        for row in subtree.positions {
            let id = row.string("id")!
            seatsByUnit[row.string("unit_id")!, default: []].append(ChartSeat(
                id: id, title: row.string("title") ?? "", grade: row.string("grade"), kind: row.string("kind") ?? "regular",
                headcount: Headcount.text(row), establishment: row.int("establishment"), holders: holders[id] ?? [],
                reportsTo: row.string("reports_to").flatMap { managers[$0] },
                duties: jsonStrings(row.string("duties")), forms: jsonStrings(row.string("forms")),
                spanMin: row.int("span_min"), spanMax: row.int("span_max"), sortOrder: row.int("sort_order") ?? 0))
        }
        for (unit, seats) in seatsByUnit { seatsByUnit[unit] = numberTitles(seats) }
        var rowsByParent: [String: [PGRow]] = [:]
        var codeOf: [String: String] = [:]
        for row in subtree.units {
            rowsByParent[row.string("parent_id") ?? "", default: []].append(row)
            codeOf[row.string("id")!] = row.string("code")
        }
        let rootParentCode = try await rootRow.string("parent_id").asyncMap { parent in
            try await UnitStore.read(connection, id: parent, on: date)?.string("code")
        } ?? nil
        func build(_ row: PGRow) -> ChartUnit {
            let id = row.string("id")!
            return ChartUnit(
                id: id, code: row.string("code") ?? "", name: row.string("name") ?? "", kind: row.string("kind") ?? "",
                tier: row.string("tier"), roleLabel: row.string("role_label"),
                parentCode: row.string("parent_id").flatMap { codeOf[$0] } ?? (id == root ? rootParentCode : nil),
                functions: jsonStrings(row.string("functions")), sortOrder: row.int("sort_order") ?? 0,
                plannedEstablishment: row.int("planned_establishment"),
                seats: seatsByUnit[id] ?? [], children: (rowsByParent[id] ?? []).map(build))
        }
        guard let rootUnit = subtree.units.first(where: { $0.string("id") == root }) else { return nil }
        var names: [String: String] = [:]
        for row in subtree.units { names[row.string("id")!] = row.string("name") ?? "" }
        let handoffs = handoffRows.map { row in
            ChartHandoff(fromID: row.string("from_id")!, toID: row.string("to_id")!, fromName: names[row.string("from_id")!] ?? "",
                         toName: names[row.string("to_id")!] ?? "", note: row.string("note") ?? "")
        }
        return (rootRow, Chart(asOf: date, depth: depth, root: build(rootUnit), handoffs: handoffs, people: people))
    }

    /// The people holding seats in the chart, named as on `date`; contact only where
    /// people.read_private allows.
    package static func loadPeople(_ connection: PGConnection, _ caller: Caller, ids: [String],
                                   on date: String = OrgDate.today) async throws -> [String: ChartPerson] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("SELECT \(PersonRoutes.columns(2)) FROM \(PersonRoutes.from(2)) WHERE pe.id = ANY ($1::uuid[])",
                                               [ids, date])
        var people: [String: ChartPerson] = [:]
        for row in rows {
            let id = row.string("id")!
            people[id] = ChartPerson(id: id, employeeNo: row.string("employee_no") ?? "", name: row.string("name") ?? "",
                                     contact: PersonRoutes.seesPrivate(caller, row) ? contactPairs(row.string("contact")) : nil)
        }
        return people
    }

    /// A unit's seats (in sort order, then title, then creation order) with `titleNo` set on
    /// the posts whose title the unit holds more than once: 1, 2 … in that order.
    package static func numberTitles(_ seats: [ChartSeat]) -> [ChartSeat] {
        var total: [String: Int] = [:]
        for seat in seats { total[seat.title, default: 0] += 1 }
        var seen: [String: Int] = [:]
        return seats.map { seat in
            var numbered = seat
            seen[seat.title, default: 0] += 1
            if total[seat.title]! > 1 { numbered.titleNo = seen[seat.title] }
            return numbered
        }
    }

    /// Managers' positions (possibly outside the chart) by id, named by unit code and title, and
    /// by their title number when their unit has several posts of that title (as `numberTitles`).
    package static func managerRefs(_ connection: PGConnection, _ ids: [String], on date: String) async throws -> [String: ChartPositionRef] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT v.position_id::text AS id, v.title, uv.code, s.same_title, s.before + 1 AS title_no
            FROM position_versions v JOIN positions p ON p.id = v.position_id
            JOIN unit_versions uv ON uv.unit_id = v.unit_id AND uv.valid @> $2::date
            CROSS JOIN LATERAL (
                SELECT count(*) AS same_title, count(*) FILTER (WHERE (o.sort_order, op.seq) < (v.sort_order, p.seq)) AS before
                FROM position_versions o JOIN positions op ON op.id = o.position_id
                WHERE o.unit_id = v.unit_id AND o.title = v.title AND o.valid @> $2::date AND NOT o.archived) s
            WHERE v.position_id = ANY ($1::uuid[]) AND v.valid @> $2::date
            """, [Array(Set(ids)), date])
        var refs: [String: ChartPositionRef] = [:]
        for row in rows {
            refs[row.string("id")!] = ChartPositionRef(unitCode: row.string("code") ?? "", title: row.string("title") ?? "",
                                                       titleNo: (row.int("same_title") ?? 0) > 1 ? row.int("title_no") : nil)
        }
        return refs
    }

    /// A jsonb array of strings (functions, duties, forms) as text → its items.
    package static func jsonStrings(_ text: String?) -> [String] {
        guard let data = text?.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }

    /// `{"phone": "…"}` as ordered pairs (people.contact holds a flat object of strings).
    package static func contactPairs(_ text: String?) -> [(String, String)] {
        guard let data = text?.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return object.keys.sorted().map { ($0, object[$0].map { "\($0)" } ?? "") }
    }
}
