// GET /v1/scenarios/{id}/diagram?unit_id=&depth=: the chart of a unit's subtree as the scenario
// would leave it, drawn by ChartSVG like the SVG export, with the units the scenario adds, moves
// or renames marked (a green, orange or blue frame, `data-change` on the unit's group) and the
// units it removes named in a line under the title (they are no longer in the drawing).
// Authorised like the export: unit.read on the root, as the org would be that day.

import App
import ChartRender
import HTTP
import Policy
import Postgres

package enum ScenarioDiagram {
    package struct Loaded: Sendable {
        var scenario: Scenario
        var root: Unit
        var depth: Int
        var before: OrgSnapshot
    }

    package static let diagram = Endpoint<NoBody, Loaded, [UInt8]>(
        action: .unitRead, resource: "unit",
        load: { call, connection in
            let scenario = try await ScenarioRoutes.found(call, connection)
            guard let rootID = try call.context.queryID("unit_id", "a unit id") else {
                throw Problem.invalidQuery("unit_id", rule: "required", "unit_id names the unit whose chart is drawn")
            }
            let depth = try TreeQuery.depth(call.context)
            let before = try await OrgSnapshot.read(connection, on: scenario.effectiveDate, ladder: call.caller.ladder)
            _ = try await connection.query("SAVEPOINT scenario_diagram")
            _ = try await ScenarioReplay.run(scenario, try await ScenarioStore.changes(connection, of: scenario.id), call.context,
                                             call.caller, connection, mode: .preview, collect: true)
            guard let root = try await UnitStore.unit(connection, id: rootID, on: scenario.effectiveDate) else { throw Problem.notFound("unit") }
            return Loaded(scenario: scenario, root: root, depth: depth, before: before)
        },
        target: { call, loaded in loaded.root.target(call.caller) },
        targetID: { _, loaded in loaded.root.id },
        perform: { call, loaded, connection in
            let date = loaded.scenario.effectiveDate
            let chart = try await ExportLoader.load(connection, call.caller, root: loaded.root, depth: loaded.depth, on: date)
            let after = try await OrgSnapshot.read(connection, on: date, ladder: call.caller.ladder)
            _ = try await connection.query("ROLLBACK TO SAVEPOINT scenario_diagram")
            return marked(ChartSVG.document(chart), before: loaded.before, after: after, scenario: loaded.scenario)
        },
        encode: { _, svg in ExportRoutes.file(svg, type: "image/svg+xml", name: "scenario-diagram.svg") })

    /// The drawing with the scenario's changes marked.
    static func marked(_ document: [UInt8], before: OrgSnapshot, after: OrgSnapshot, scenario: Scenario) -> [UInt8] {
        var svg = String(decoding: document, as: UTF8.self)
        var removed: [String] = []
        for (id, unit) in before.units.sorted(by: { $0.key < $1.key }) where !unit.archived {
            guard let now = after.units[id], !now.archived else { removed.append(unit.name); continue }
            let change = now.parent != unit.parent ? "moved" : now.name != unit.name ? "renamed" : nil
            if let change { svg = svg.replacing("<g data-unit=\"\(id)\">", with: "<g data-unit=\"\(id)\" data-change=\"\(change)\">") }
        }
        for (id, unit) in after.units where before.units[id] == nil && !unit.archived {
            svg = svg.replacing("<g data-unit=\"\(id)\">", with: "<g data-unit=\"\(id)\" data-change=\"added\">")
        }
        let style = """
            <style>g[data-change] > rect:first-of-type { stroke-width: 3.5 } \
            g[data-change="added"] > rect:first-of-type { stroke: #2e7d32 } \
            g[data-change="moved"] > rect:first-of-type { stroke: #ef6c00 } \
            g[data-change="renamed"] > rect:first-of-type { stroke: #1565c0 }</style>
            <text x="\(ChartSVG.n(ChartSVG.margin))" y="\(ChartSVG.n(ChartSVG.margin + 34))" font-size="11" fill="#444">\
            \(ChartText.xml("方案 scenario \(scenario.name) · \(scenario.effectiveDate) · 新增 added 绿 green · 调整 moved 橙 orange · 更名 renamed 蓝 blue"
                             + (removed.isEmpty ? "" : " · 撤销 removed: " + removed.joined(separator: "、"))))</text>

            """
        if let end = svg.firstRange(of: "</title>\n") { svg.insert(contentsOf: style, at: end.upperBound) }
        return Array(svg.utf8)
    }
}
