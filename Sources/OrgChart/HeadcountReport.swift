// GET /v1/units/{id}/headcount?as_of=: establishment, filled and vacant seats per unit of a
// subtree, the unit's own and rolled up over its descendants, by grade, and for a unit that
// states a planned establishment (满额配置) the plan against its posts and holders. Unbounded posts ("N名")
// and "at least n" posts ("n+") have no establishment: their holders count as filled and the
// positions are counted apart; an "n+" post with fewer than n holders counts its missing ones as vacant.

import App
import HTTP
import Policy
import Postgres

package enum HeadcountReport {
    package struct Tally {
        package var establishment = 0
        package var filled = 0
        package var vacant = 0
        package var unbounded = 0                   // positions without an establishment

        /// `toFill`: the seats that must be held not to be vacant (the establishment, or n of "n+").
        package mutating func add(establishment seats: Int?, toFill: Int?, filled holders: Int) {
            filled += holders
            vacant += max(0, (toFill ?? 0) - holders)
            if let seats {
                establishment += seats
            } else {
                unbounded += 1
            }
        }

        package func write(to json: inout JSONWriter) {
            json.beginObject()
            json.field("establishment", establishment)
            json.field("filled", filled)
            json.field("vacant", vacant)
            json.field("unbounded_positions", unbounded)
            json.endObject()
        }
    }

    /// The unit's planned establishment (满额配置) against the sum of its subtree's posts and their
    /// holders: `{"planned", "positions", "filled", "positions_short", "filled_short"}` (a shortfall
    /// is negative when above plan); null when the unit states no plan.
    package static func writePlan(_ planned: Int?, _ total: Tally, to json: inout JSONWriter) {
        guard let planned else { json.null(); return }
        json.beginObject()
        json.field("planned", planned)
        json.field("positions", total.establishment)
        json.field("filled", total.filled)
        json.field("positions_short", planned - total.establishment)
        json.field("filled_short", planned - total.filled)
        json.endObject()
    }

    /// A live position of the subtree as the report counts it: the columns of its read, in order.
    /// `establishment` is nil for "N" and "n+" posts; `toFill` is Headcount.toFillSQL.
    package typealias Seat = (position: String, unit: String, grade: String?, establishment: Int?, toFill: Int?)

    package static let report = DatedRead.subtree(
        options: { _ in },
        read: { _, request, connection in try await load(connection, root: request.root.id, on: request.date) },
        answer: { call, request, loaded in answer(unit: request.root.id, date: request.date, ladder: call.caller.ladder, loaded) })
        .cached(.ladder)

    /// The subtree's units and its positions' seats with their holder counts.
    private static func load(_ connection: PGConnection, root id: String, on date: String) async throws -> Loaded {
        // The subtree's units and positions in binary, as the tree reads them (TreeQuery.load).
        let units: [Unit] = try await connection.query(("""
            \(unescaped: TreeQuery.subtreeCTE(root: id, levels: 10_000, on: date))
            SELECT \(unescaped: UnitStore.unitColumns) FROM \(unescaped: TreeQuery.subtreeFrom) WHERE NOT v.archived
            ORDER BY v.path
            """ as PGQuery).binary()).decode()
        // Positions of archived units count nowhere (they have no row to roll up into), so
        // only the listed units' positions are read; holders are counted in one grouped
        // index scan over the position ids instead of a subquery per position.
        let unitIDs = units.map(\.id)
        let seats: [Seat] = unitIDs.isEmpty ? [] : try await connection.query(("""
            SELECT v.position_id::text, v.unit_id::text, v.grade,
                   \(unescaped: Headcount.establishment), \(unescaped: Headcount.toFill)
            FROM position_versions v \(unescaped: TreeQuery.perRegionUnit(on: date))
            WHERE v.unit_id = ANY (\(unitIDs)::uuid[]) AND v.valid @> \(date)::date AND NOT v.archived
            """ as PGQuery).binary()).decode(String.self, String.self, String?.self, Int?.self, Int?.self)
        let positionIDs = seats.map(\.position)
        var filled: [String: Int] = [:]
        if !positionIDs.isEmpty {
            for (position, holders) in try await connection.query("""
                SELECT a.position_id::text, count(*) FROM assignments a
                WHERE a.position_id = ANY (\(positionIDs)::uuid[]) AND a.valid @> \(date)::date GROUP BY a.position_id
                """ as PGQuery).decode(String.self, Int.self) {
                filled[position] = holders
            }
        }
        return Loaded(units: units, positions: seats.map { (seat: $0, filled: filled[$0.position] ?? 0) })
    }

    package struct Loaded: Sendable {
        var units: [Unit]
        var positions: [(seat: Seat, filled: Int)]
    }

    private static func answer(unit id: String, date: String, ladder: GradeLadder, _ loaded: Loaded) -> HTTPResponse {
        let (units, positions) = (loaded.units, loaded.positions)

        var own: [String: Tally] = [:]
        var total: [String: Tally] = [:]
        var byGrade: [String: [String: Tally]] = [:]
        var pathOf: [String: [String]] = [:]
        for unit in units { pathOf[unit.id] = OrgPath.ids(unit.pathIDs) }
        for (position, filled) in positions {
            let unit = position.unit
            let seats = position.establishment
            let toFill = position.toFill
            let grade = position.grade ?? "none"
            own[unit, default: Tally()].add(establishment: seats, toFill: toFill, filled: filled)
            // Every ancestor inside the subtree, the unit itself included.
            for ancestor in pathOf[unit] ?? [unit] where pathOf[ancestor] != nil {
                total[ancestor, default: Tally()].add(establishment: seats, toFill: toFill, filled: filled)
                byGrade[ancestor, default: [:]][grade, default: Tally()].add(establishment: seats, toFill: toFill, filled: filled)
            }
        }
        func rank(_ grade: String) -> (Int, Int) {
            guard let parsed = try? ladder.parse(grade) else { return (Int.max, 0) }
            return (parsed.tier, parsed.level)
        }
        return JSONResponse.make { json in
            json.beginObject()
            json.field("unit_id", id)
            json.field("as_of", date)
            json.key("units")
            json.beginArray()
            for unit in units {
                let unitID = unit.id
                json.beginObject()
                json.field("id", unitID)
                json.field("name", unit.name)
                json.field("parent_id", unit.parentID)
                json.field("depth", unit.depth)
                json.key("own"); (own[unitID] ?? Tally()).write(to: &json)
                json.key("total"); (total[unitID] ?? Tally()).write(to: &json)
                json.key("plan"); writePlan(unit.plannedEstablishment, total[unitID] ?? Tally(), to: &json)
                json.key("by_grade")
                json.beginArray()
                for (grade, tally) in (byGrade[unitID] ?? [:]).sorted(by: { rank($0.key) < rank($1.key) }) {
                    json.beginObject()
                    json.field("grade", grade == "none" ? nil : grade)
                    json.field("establishment", tally.establishment)
                    json.field("filled", tally.filled)
                    json.field("vacant", tally.vacant)
                    json.field("unbounded_positions", tally.unbounded)
                    json.endObject()
                }
                json.endArray()
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
    }
}
