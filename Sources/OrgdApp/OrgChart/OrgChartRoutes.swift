// Every org-chart endpoint under /v1: units, unit kinds, hand-off links, regions, positions, people,
// assignments, the queries over them and the change history. Routes.swift calls `add` once.

import HTTP

enum OrgChartRoutes {
    static func add(to router: inout Router<RouteHandler>) {
        UnitRoutes.add(to: &router)
        UnitKindRoutes.add(to: &router)
        PositionRoutes.add(to: &router)
        PersonRoutes.add(to: &router)
        AssignmentRoutes.add(to: &router)
        RegionRoutes.add(to: &router)
        HandoffRoutes.add(to: &router)
        OrgChangeRoutes.add(to: &router)
        TreeQuery.add(to: &router)
        HeadcountReport.add(to: &router)
        VacancyQuery.add(to: &router)
        ReportingQueries.add(to: &router)
        SearchQuery.add(to: &router)
        ExportRoutes.add(to: &router)
        ImportRoutes.add(to: &router)
    }
}
