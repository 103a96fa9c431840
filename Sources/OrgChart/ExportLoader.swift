// Loads a unit's chart for the exports: the tree query's units and positions (TreeQuery.load),
// then holders with their employee numbers and names, the people behind them, the managers'
// positions named by unit code and title, and the hand-off links inside the subtree. Seven
// queries whatever the size of the chart; the caller authorises reading the root. Rows are
// decoded by position (Unit, Position, Person, tuples); the chart's values are what every export
// format writes (ChartJSON writes a unit's and a seat's common members with the tree's encoders).

import App
import ChartRender
import Foundation
import HTTP
import Policy
import Postgres

package enum ExportLoader {
    /// The chart of `root` (as it was on `date`) down to `depth` levels. Contact fields are filled
    /// only for people `caller` may read privately.
    package static func load(_ connection: PGConnection, _ caller: Caller, root: Unit, depth: Int,
                             on date: String) async throws -> Chart {
        let subtree = try await TreeQuery.load(connection, root: root, depth: depth, on: date)
        let positionIDs = subtree.positions.map(\.id)
        // position, person, employee number, kind, first day, exclusive end (nil while open), region code
        let holderRows = positionIDs.isEmpty ? [] : try await connection.query("""
            SELECT a.position_id::text, a.person_id::text, pe.employee_no, a.kind, lower(a.valid)::text, upper(a.valid)::text, rg.code
            FROM assignments a JOIN people pe ON pe.id = a.person_id
            LEFT JOIN regions rg ON rg.id = a.region_id
            WHERE a.position_id = ANY (\(positionIDs)::uuid[]) AND a.valid @> \(date)::date
            """ as PGQuery).decode(String.self, String.self, String?.self, String?.self, String?.self, String?.self, String?.self)
        let personIDs = Set(holderRows.map(\.1))
        let personNames = try await PersonStore.names(connection, ids: personIDs, on: date)
        var unsorted: [String: [ChartHolder]] = [:]
        for (position, person, employeeNo, kind, since, endAfter, regionCode) in holderRows {
            unsorted[position, default: []].append(ChartHolder(
                personID: person, name: personNames[person] ?? "", employeeNo: employeeNo ?? "", kind: kind ?? "primary",
                since: since ?? "", until: endAfter.map(OrgDate.dayBefore), regionCode: regionCode))
        }
        let holders = unsorted.mapValues { list in
            list.sorted { ($0.since, $0.name, $0.personID) < ($1.since, $1.name, $1.personID) }
        }
        let people = try await loadPeople(connection, caller, ids: Array(personIDs), on: date)
        let managers = try await managerRefs(connection, subtree.positions.compactMap(\.reportsTo), on: date)
        let unitIDs = subtree.units.map(\.id)
        let handoffRows = try await connection.query("""
            SELECT h.from_unit_id::text, h.to_unit_id::text, h.note
            FROM unit_handoffs h
            WHERE h.from_unit_id = ANY (\(unitIDs)::uuid[]) AND h.to_unit_id = ANY (\(unitIDs)::uuid[]) AND h.valid @> \(date)::date
            ORDER BY h.created_at, h.id
            """ as PGQuery).decode(String.self, String.self, String?.self)

        var seatsByUnit: [String: [ChartSeat]] = [:]
        for position in subtree.positions {
            seatsByUnit[position.unitID, default: []].append(ChartSeat(
                id: position.id, title: position.title, grade: position.grade, kind: position.kind,
                headcount: position.headcount.text, establishment: position.establishment, holders: holders[position.id] ?? [],
                reportsTo: position.reportsTo.flatMap { managers[$0] },
                duties: jsonStrings(position.duties), forms: jsonStrings(position.forms),
                spanMin: position.spanMin, spanMax: position.spanMax, sortOrder: position.sortOrder))
        }
        for (unit, seats) in seatsByUnit { seatsByUnit[unit] = numberTitles(seats) }
        var unitsByParent: [String: [Unit]] = [:]
        var codeOf: [String: String] = [:]
        var names: [String: String] = [:]
        for unit in subtree.units {
            unitsByParent[unit.parentID ?? "", default: []].append(unit)
            codeOf[unit.id] = unit.code
            names[unit.id] = unit.name
        }
        let rootParentCode = try await root.parentID.asyncMap { parent in
            try await UnitStore.unit(connection, id: parent, on: date)?.code
        } ?? nil
        func build(_ unit: Unit) -> ChartUnit {
            ChartUnit(
                id: unit.id, code: unit.code, name: unit.name, kind: unit.kind, tier: unit.tier, roleLabel: unit.roleLabel,
                parentCode: unit.parentID.flatMap { codeOf[$0] } ?? (unit.id == root.id ? rootParentCode : nil),
                functions: jsonStrings(unit.functions), sortOrder: unit.sortOrder,
                plannedEstablishment: unit.plannedEstablishment,
                seats: seatsByUnit[unit.id] ?? [], children: (unitsByParent[unit.id] ?? []).map(build))
        }
        let chartRoot = subtree.units.first { $0.id == root.id } ?? root      // the subtree starts with its root
        let handoffs = handoffRows.map { from, to, note in
            ChartHandoff(fromID: from, toID: to, fromName: names[from] ?? "", toName: names[to] ?? "", note: note ?? "")
        }
        return Chart(asOf: date, depth: depth, root: build(chartRoot), handoffs: handoffs, people: people)
    }

    /// The people holding seats in the chart, named as on `date`; contact only where
    /// people.read_private allows.
    package static func loadPeople(_ connection: PGConnection, _ caller: Caller, ids: [String],
                                   on date: String = OrgDate.today) async throws -> [String: ChartPerson] {
        guard !ids.isEmpty else { return [:] }
        let found: [Person] = try await connection.query("""
            \(unescaped: PersonStore.select(on: date)) WHERE pe.id = ANY (\(ids)::uuid[])
            """).decode()
        var people: [String: ChartPerson] = [:]
        for person in found {
            people[person.id] = ChartPerson(
                id: person.id, employeeNo: person.employeeNo, name: person.name,
                contact: person.seesPrivate(caller) ? contactPairs(person.contact) : nil)
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
            SELECT v.position_id::text, v.title, uv.code, s.same_title, s.before + 1
            FROM position_versions v JOIN positions p ON p.id = v.position_id
            JOIN unit_versions uv ON uv.unit_id = v.unit_id AND uv.valid @> \(date)::date
            CROSS JOIN LATERAL (
                SELECT count(*) AS same_title, count(*) FILTER (WHERE (o.sort_order, op.seq) < (v.sort_order, p.seq)) AS before
                FROM position_versions o JOIN positions op ON op.id = o.position_id
                WHERE o.unit_id = v.unit_id AND o.title = v.title AND o.valid @> \(date)::date AND NOT o.archived) s
            WHERE v.position_id = ANY (\(Array(Set(ids)))::uuid[]) AND v.valid @> \(date)::date
            """ as PGQuery).decode(String.self, String.self, String.self, Int.self, Int.self)
        var refs: [String: ChartPositionRef] = [:]
        for (id, title, code, sameTitle, titleNo) in rows {
            refs[id] = ChartPositionRef(unitCode: code, title: title, titleNo: sameTitle > 1 ? titleNo : nil)
        }
        return refs
    }

    /// A jsonb array of strings (functions, duties, forms) as read → its items.
    package static func jsonStrings(_ json: PGJSONBytes) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.bytes))) ?? []
    }

    /// `{"phone": "…"}` as ordered pairs (people.contact holds a flat object of strings).
    package static func contactPairs(_ json: PGJSONBytes) -> [(String, String)] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any] else { return [] }
        return object.keys.sorted().map { ($0, object[$0].map { "\($0)" } ?? "") }
    }
}
