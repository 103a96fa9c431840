// Every endpoint of orgd, in one table: the router is built here and nowhere else. Each line is
// method, path and the handler that answers it; a handler's own file says what it decides and
// audits. Grouped by domain area, in the order the areas depend on each other.

import Access
import App
import HTTP
import Network
import OrgChart
import Tenancy

enum Routes {
    static func all(configuration: Configuration, metrics: HTTPMetrics, resources: Resources,
                    openAPI: [UInt8]) -> Router<RouteHandler> {
        var router = Router<RouteHandler>()
        let tokenTTL = configuration.tokenTTLSeconds
        let signInLimits = SignIn.Limits(account: configuration.signInAccountLimit, client: configuration.signInClientLimit)

        // orgd itself: liveness, readiness, metrics, the API description
        router.add(.GET, "/healthz", .sync(SystemRoutes.healthz))
        router.add(.GET, "/readyz", .async { try await SystemRoutes.readyz($0, expectedMigration: resources.expectedMigration) })
        router.add(.GET, "/metrics", .sync { _ in SystemRoutes.metrics(metrics) })
        router.add(.GET, "/openapi.yaml", .sync { _ in SystemRoutes.openAPI(openAPI) })

        // Sign-in, sessions, API keys, audit, tenant settings (Tenancy)
        router.add(.POST, "/v1/auth/login", .async { try await SignIn.login($0, tokenTTL: tokenTTL, limits: signInLimits) })
        router.add(.POST, "/v1/auth/logout", .async(SignIn.logout))
        router.add(.POST, "/v1/auth/logout-all", .async(SignIn.logoutAll))
        router.add(.GET, "/v1/auth/session", .async(SignIn.session))
        router.add(.GET, "/v1/api-keys", APIKeyRoutes.list.handler)
        router.add(.POST, "/v1/api-keys", APIKeyRoutes.create.handler)
        router.add(.DELETE, "/v1/api-keys/{id}", APIKeyRoutes.revoke.handler)
        router.add(.GET, "/v1/audit", AuditRoutes.list.handler)
        router.add(.GET, "/v1/tenant/settings", TenantSettingsRoutes.read.handler)
        router.add(.PATCH, "/v1/tenant/settings", TenantSettingsRoutes.update.handler)

        // Platform operators: tenants (Tenancy)
        router.add(.GET, "/v1/platform/tenants", PlatformRoutes.list.handler)
        router.add(.POST, "/v1/platform/tenants", PlatformRoutes.create.handler)
        router.add(.GET, "/v1/platform/tenants/{id}", PlatformRoutes.read.handler)
        router.add(.PATCH, "/v1/platform/tenants/{id}", PlatformRoutes.rename.handler)
        router.add(.POST, "/v1/platform/tenants/{id}/suspend", PlatformRoutes.suspend.handler)
        router.add(.POST, "/v1/platform/tenants/{id}/reactivate", PlatformRoutes.reactivate.handler)

        // Accounts and their grades (Access)
        router.add(.GET, "/v1/users", UserRoutes.list.handler)
        router.add(.POST, "/v1/users", .async(UserRoutes.create))
        router.add(.GET, "/v1/users/{id}", UserRoutes.read.handler)
        router.add(.PATCH, "/v1/users/{id}", .async(UserRoutes.update))
        router.add(.POST, "/v1/users/{id}/disable", UserRoutes.setDisabled(true).handler)
        router.add(.POST, "/v1/users/{id}/enable", UserRoutes.setDisabled(false).handler)
        router.add(.POST, "/v1/users/{id}/password", .async(UserRoutes.setPassword))

        // Ladder, roles, grants, and the questions asked of them (Access)
        router.add(.GET, "/v1/access/ladder", LadderRoutes.read.handler)
        router.add(.PUT, "/v1/access/ladder", LadderRoutes.replace.handler)
        router.add(.POST, "/v1/access/ladder/preview", LadderRoutes.preview.handler)
        router.add(.GET, "/v1/access/roles", RoleRoutes.list.handler)
        router.add(.POST, "/v1/access/roles", RoleRoutes.create.handler)
        router.add(.GET, "/v1/access/roles/{id}", RoleRoutes.read.handler)
        router.add(.PATCH, "/v1/access/roles/{id}", RoleRoutes.update.handler)
        router.add(.DELETE, "/v1/access/roles/{id}", RoleRoutes.delete.handler)
        router.add(.GET, "/v1/access/grants", .async(GrantRoutes.list))
        router.add(.POST, "/v1/access/grants", GrantRoutes.create.handler)
        router.add(.GET, "/v1/access/grants/exceeding", GrantRoutes.exceeding.handler)
        router.add(.POST, "/v1/access/grants/exceeding/revoke", .async(GrantRoutes.revokeExceeding))
        router.add(.GET, "/v1/access/grants/{id}", GrantRoutes.read.handler)
        router.add(.DELETE, "/v1/access/grants/{id}", GrantRoutes.revoke.handler)
        router.add(.POST, "/v1/access/check", .async(CheckRoutes.check))
        router.add(.GET, "/v1/access/me", .async(WhoCanRoutes.me))
        router.add(.GET, "/v1/access/who-can", WhoCanRoutes.whoCan.handler)
        router.add(.GET, "/v1/access/manageable/{kind}", .async(ManageableRoutes.list))
        router.add(.POST, "/v1/access/preview", PreviewRoutes.preview.handler)

        // Units, kinds, positions, people, assignments, regions, hand-offs (OrgChart)
        router.add(.GET, "/v1/units", UnitRoutes.list.handler)
        router.add(.POST, "/v1/units", UnitRoutes.create.handler)
        router.add(.GET, "/v1/units/{id}", UnitRoutes.read.handler)
        router.add(.PATCH, "/v1/units/{id}", UnitRoutes.update.handler)
        router.add(.POST, "/v1/units/{id}/move", UnitRestructuring.move.handler)
        router.add(.POST, "/v1/units/{id}/merge", UnitRestructuring.merge.handler)
        router.add(.POST, "/v1/units/{id}/archive", UnitRestructuring.archive.handler)
        router.add(.DELETE, "/v1/units/{id}", UnitRestructuring.delete.handler)
        router.add(.GET, "/v1/unit-kinds", UnitKindRoutes.list.handler)
        router.add(.POST, "/v1/unit-kinds", UnitKindRoutes.create.handler)
        router.add(.PATCH, "/v1/unit-kinds/{name}", UnitKindRoutes.update.handler)
        router.add(.DELETE, "/v1/unit-kinds/{name}", UnitKindRoutes.delete.handler)
        router.add(.GET, "/v1/positions", PositionRoutes.list.handler)
        router.add(.POST, "/v1/positions", PositionRoutes.create.handler)
        router.add(.GET, "/v1/positions/{id}", PositionRoutes.read.handler)
        router.add(.PATCH, "/v1/positions/{id}", PositionRoutes.update.handler)
        router.add(.POST, "/v1/positions/{id}/move", PositionRoutes.move.handler)
        router.add(.POST, "/v1/positions/{id}/archive", PositionRoutes.archive.handler)
        router.add(.GET, "/v1/people", PersonRoutes.list.handler)
        router.add(.POST, "/v1/people", PersonRoutes.create.handler)
        router.add(.GET, "/v1/people/{id}", PersonRoutes.read.handler)
        router.add(.PATCH, "/v1/people/{id}", PersonRoutes.update.handler)
        router.add(.POST, "/v1/people/{id}/archive", PersonRoutes.archive.handler)
        router.add(.GET, "/v1/assignments", AssignmentRoutes.list.handler)
        router.add(.POST, "/v1/assignments", AssignmentRoutes.create.handler)
        router.add(.GET, "/v1/assignments/{id}", AssignmentRoutes.read.handler)
        router.add(.POST, "/v1/assignments/{id}/end", AssignmentRoutes.end.handler)
        router.add(.GET, "/v1/regions", RegionRoutes.list.handler)
        router.add(.POST, "/v1/regions", RegionRoutes.create.handler)
        router.add(.GET, "/v1/regions/{id}", RegionRoutes.read.handler)
        router.add(.PATCH, "/v1/regions/{id}", RegionRoutes.update.handler)
        router.add(.GET, "/v1/units/{id}/handoffs", HandoffRoutes.list.handler)
        router.add(.POST, "/v1/units/{id}/handoffs", HandoffRoutes.create.handler)
        router.add(.DELETE, "/v1/units/{id}/handoffs/{handoff}", HandoffRoutes.remove.handler)

        // Reads over the chart: tree, headcount, vacancies, chains, search, changes, export, import (OrgChart)
        router.add(.GET, "/v1/units/{id}/tree", TreeQuery.tree.handler)
        router.add(.GET, "/v1/units/{id}/headcount", HeadcountReport.report.handler)
        router.add(.GET, "/v1/org/vacancies", VacancyQuery.list.handler)
        router.add(.GET, "/v1/positions/{id}/chain", ReportingQueries.positionChain.handler)
        router.add(.GET, "/v1/people/{id}/chain", ReportingQueries.personChain.handler)
        router.add(.GET, "/v1/positions/{id}/reports", ReportingQueries.reports.handler)
        router.add(.GET, "/v1/org/span-violations", ReportingQueries.spanViolations.handler)
        router.add(.GET, "/v1/org/search", .async(SearchQuery.search))
        router.add(.GET, "/v1/org/changes", OrgChangeRoutes.list.handler)
        router.add(.GET, "/v1/units/{id}/export", ExportRoutes.export.handler)
        router.add(.POST, "/v1/org/import", .async(ImportRoutes.importFile))

        // The service network: settings, vocabulary, sites and their lifecycle, the nearest search (Network)
        router.add(.GET, "/v1/network/settings", NetworkSettingsRoutes.read.handler)
        router.add(.PATCH, "/v1/network/settings", NetworkSettingsRoutes.update.handler)
        router.add(.GET, "/v1/network/vocabulary", NetworkVocabularyRoutes.list.handler)
        router.add(.POST, "/v1/network/vocabulary/{vocabulary}", NetworkVocabularyRoutes.add.handler)
        router.add(.GET, "/v1/network/sites", SiteRoutes.list.handler)
        router.add(.POST, "/v1/network/sites", SiteRoutes.create.handler)
        router.add(.GET, "/v1/network/sites/nearest", SiteRoutes.nearest.handler)
        router.add(.GET, "/v1/network/sites/{id}", SiteRoutes.read.handler)
        router.add(.PATCH, "/v1/network/sites/{id}", SiteRoutes.update.handler)
        router.add(.POST, "/v1/network/sites/{id}/archive", SiteRoutes.archive.handler)
        router.add(.GET, "/v1/network/sites/{id}/transitions", SiteRoutes.history.handler)
        router.add(.POST, "/v1/network/sites/{id}/transitions", SiteRoutes.transition.handler)
        router.add(.GET, "/v1/network/changes", NetworkChangeRoutes.list.handler)

        // Technicians, their postings, certifications and trainings (Network)

        // Inspections, checklist templates, corrective actions and the ranking (Network)
        router.add(.GET, "/v1/network/inspection-templates", InspectionTemplateRoutes.list.handler)
        router.add(.POST, "/v1/network/inspection-templates", InspectionTemplateRoutes.create.handler)
        router.add(.GET, "/v1/network/inspection-templates/{id}", InspectionTemplateRoutes.read.handler)
        router.add(.POST, "/v1/network/inspection-templates/{id}/archive", InspectionTemplateRoutes.archive.handler)
        router.add(.GET, "/v1/network/sites/{id}/inspections", InspectionRoutes.list.handler)
        router.add(.POST, "/v1/network/sites/{id}/inspections", InspectionRoutes.create.handler)
        router.add(.GET, "/v1/network/inspections/ranking", InspectionRanking.list.handler)
        router.add(.GET, "/v1/network/inspections/{id}", InspectionRoutes.read.handler)
        router.add(.GET, "/v1/network/corrective-actions", CorrectiveActionRoutes.list.handler)
        router.add(.PATCH, "/v1/network/corrective-actions/{id}", CorrectiveActionRoutes.update.handler)


        return router
    }
}
