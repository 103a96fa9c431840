// GET /v1/cases/reports/monthly: the monthly quality report (每月汇总问题并反馈) — the cases received
// in a calendar month (UTC) summed by category, subcategory, department, site and region: counts,
// resolved within the SLA, mean and p90 hours to resolve, reopen and satisfaction rates, free and
// charged repairs. JSON (an object per section), CSV (one table, spreadsheet-safe, as ChartCSV
// writes it) or SVG (a bar per department, ChartRender.CaseReportSVG). Summed in SQL, or read
// from the month's snapshot while none of its cases changed (CaseReportStore). Decided once as
// case.handle over the whole tenant, or over the unit and/or region it is narrowed to: a
// regional manager asks for their region's report.

import App
import ChartRender
import HTTP
import OrgChart
import Policy
import Postgres

/// The report's parameters, checked (400 naming the parameter).
package struct CaseReportQuery: Sendable {
    package enum Format: String, Sendable { case json, csv, svg }

    package var month: String                   // YYYY-MM
    package var firstDay: String                // YYYY-MM-01
    package var from: String                    // the month's first instant, UTC
    package var to: String                      // the next month's first instant, UTC
    package var format: Format
    package var unitID: String?
    package var regionID: String?

    package init(_ context: RequestContext) throws {
        guard let text = context.query("month") else {
            throw Problem.invalidQuery("month", rule: "required", "month (YYYY-MM) is required")
        }
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"), let first = Day("\(text)-01"), first.description == "\(text)-01",
              first.description >= "1970-01-01" else {
            throw Problem.invalidQuery("month", rule: "month", "month must be a calendar month written YYYY-MM (1970 on), not \(text)")
        }
        month = text
        firstDay = first.description
        from = "\(first.description)T00:00:00Z"
        to = "\(first.adding(months: 1).description)T00:00:00Z"
        guard let format = Format(rawValue: context.query("format") ?? "json") else {
            throw Problem.invalidQuery("format", rule: "one_of", "format must be json, csv or svg")
        }
        self.format = format
        unitID = try context.queryID("unit_id", "a unit id")
        regionID = try context.queryID("region_id", "a region id")
    }
}

/// The report as summed, with what it was asked for.
package struct CaseReport: Sendable {
    package var query: CaseReportQuery
    package var rows: [CaseReportRow]

    /// The rows of one section, in the statement's order.
    package func section(_ section: CaseReportSection) -> [CaseReportRow] { rows.filter { $0.section == section } }
}

package enum CaseReportRoutes {
    /// Where the report is narrowed to, for the policy: the unit's and the region's paths.
    package struct Narrowed: Sendable {
        var query: CaseReportQuery
        var unitPath: String?
        var regionPath: String?
    }

    package static let monthly = Endpoint<NoBody, Narrowed, CaseReport>(
        action: .caseHandle, resource: "case_report",
        check: { call in _ = try CaseReportQuery(call.context) },
        load: { call, connection in
            let query = try CaseReportQuery(call.context)
            var narrowed = Narrowed(query: query)
            if let unit = query.unitID {
                guard let path = try await CaseReportStore.unitPath(connection, id: unit) else {
                    throw Problem.invalidQuery("unit_id", rule: "exists", "unit_id \(unit) names no unit of this tenant")
                }
                narrowed.unitPath = path
            }
            if let region = query.regionID {
                guard let path = try await CaseReportStore.regionPath(connection, id: region) else {
                    throw Problem.invalidQuery("region_id", rule: "exists", "region_id \(region) names no region of this tenant")
                }
                narrowed.regionPath = path
            }
            return narrowed
        },
        target: { call, narrowed in
            guard narrowed.unitPath != nil || narrowed.regionPath != nil else { return .tenantWide(call.caller.tenant) }
            return Target(tenant: call.caller.tenant,
                          location: Location(unit: OrgPath.tree(narrowed.unitPath), region: OrgPath.tree(narrowed.regionPath)))
        },
        perform: { call, narrowed, connection in
            let query = narrowed.query
            return CaseReport(query: query, rows: try await CaseReportStore.rows(
                connection, tenant: call.caller.tenantID!, month: query.firstDay, from: query.from, to: query.to, unitID: query.unitID,
                regionID: query.regionID, today: OrgDate.today))
        },
        encode: { _, report in
            let name = "cases-\(report.query.month)"
            switch report.query.format {
            case .json: return ExportRoutes.file(json(report), type: "application/json", name: "\(name).json")
            case .csv: return ExportRoutes.file(csv(report), type: "text/csv; charset=utf-8; header=present", name: "\(name).csv")
            case .svg: return ExportRoutes.file(svg(report), type: "image/svg+xml", name: "\(name).svg")
            }
        })

    /// The JSON member holding each section but the total (an object of its own).
    static let sectionNames: [CaseReportSection: String] = [
        .category: "categories", .subcategory: "subcategories", .department: "departments", .site: "sites", .region: "regions",
    ]

    static func json(_ report: CaseReport) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("month", report.query.month)
        json.field("from", report.query.from)
        json.field("to", report.query.to)
        json.field("unit_id", report.query.unitID)
        json.field("region_id", report.query.regionID)
        json.key("total")
        json.beginObject()
        if let total = report.section(.total).first { figures(total, to: &json) } else { figures(nil, to: &json) }
        json.endObject()
        for section in CaseReportSection.allCases where section != .total {
            json.key(sectionNames[section]!)
            json.beginArray()
            for row in report.section(section) {
                json.beginObject()
                switch section {
                case .total: break
                case .category: json.field("category", row.category)
                case .subcategory:
                    json.field("category", row.category)
                    json.field("subcategory", row.subcategory)
                    json.field("name", row.name)
                case .department, .site, .region:
                    json.field(section == .department ? "unit_id" : section == .site ? "site_id" : "region_id", row.id)
                    json.field("code", row.code)
                    json.field("name", row.name)
                }
                figures(row, to: &json)
                json.endObject()
            }
            json.endArray()
        }
        json.endObject()
        return json.bytes
    }

    /// The figures of a group (all zero for an empty month).
    static func figures(_ row: CaseReportRow?, to json: inout JSONWriter) {
        json.field("cases", row?.cases ?? 0)
        json.field("resolved", row?.resolved ?? 0)
        json.field("resolved_within_sla", row?.withinSLA ?? 0)
        json.field("within_sla_rate", row?.withinSLARate)
        json.field("mean_hours_to_resolve", row?.meanHours)
        json.field("p90_hours_to_resolve", row?.p90Hours)
        json.field("reopened", row?.reopened ?? 0)
        json.field("reopen_rate", row?.reopenRate)
        json.field("followed_up", row?.followedUp ?? 0)
        json.field("satisfied", row?.satisfied ?? 0)
        json.field("satisfaction_rate", row?.satisfactionRate)
        json.field("free", row?.free ?? 0)
        json.field("charged", row?.charged ?? 0)
        json.field("charged_total", row?.chargedTotal ?? 0)
    }

    static let csvColumns = ["section", "category", "subcategory", "id", "code", "name", "cases", "resolved", "resolved_within_sla",
                             "within_sla_rate", "mean_hours_to_resolve", "p90_hours_to_resolve", "reopened", "reopen_rate",
                             "followed_up", "satisfied", "satisfaction_rate", "free", "charged", "charged_total"]

    /// One table, a row per group, section first: UTF-8 with a byte-order mark, CRLF, RFC 4180,
    /// and every cell a spreadsheet would run as a formula behind an apostrophe (ChartCSV.line).
    static func csv(_ report: CaseReport) -> [UInt8] {
        var out = ChartCSV.byteOrderMark + Array(ChartCSV.line(csvColumns).utf8)
        for row in report.rows {
            let cells = [row.section.rawValue, row.category ?? "", row.subcategory ?? "", row.id ?? "", row.code ?? "", row.name ?? "",
                         String(row.cases), String(row.resolved), String(row.withinSLA), number(row.withinSLARate), number(row.meanHours),
                         number(row.p90Hours), String(row.reopened), number(row.reopenRate), String(row.followedUp), String(row.satisfied),
                         number(row.satisfactionRate), String(row.free), String(row.charged), number(row.chargedTotal)]
            out += Array(ChartCSV.line(cells).utf8)
        }
        return out
    }

    /// A figure's cell: whole numbers without a fraction, nothing for none.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : value.description
    }

    /// A bar per department, in the report's order (most cases first).
    static func svg(_ report: CaseReport) -> [UInt8] {
        let bars = report.section(.department).map { row in
            CaseReportBar(label: [row.name, row.code.map { "(\($0))" }].compactMap { $0 }.joined(separator: " "), cases: row.cases,
                          resolved: row.resolved, withinSLA: row.withinSLA, p90Hours: row.p90Hours,
                          satisfactionRate: row.satisfactionRate, reopened: row.reopened)
        }
        let total = report.section(.total).first?.cases ?? 0
        return CaseReportSVG.document(bars, title: "Monthly quality report 月度质量报告 · \(report.query.month) · \(total) cases by department")
    }
}
