// Every endpoint of orgd, in one table: the router is built here and nowhere else.

import HTTP

enum Routes {
    static func all(configuration: Configuration, metrics: HTTPMetrics, resources: Resources,
                    openAPI: [UInt8]) -> Router<RouteHandler> {
        var router = Router<RouteHandler>()
        SystemRoutes.add(to: &router, metrics: metrics, resources: resources, openAPI: openAPI)
        SignIn.add(to: &router, tokenTTL: configuration.tokenTTLSeconds,
                   limits: SignIn.Limits(account: configuration.signInAccountLimit, client: configuration.signInClientLimit))
        UserRoutes.add(to: &router)
        APIKeyRoutes.add(to: &router)
        AuditRoutes.add(to: &router)
        PlatformRoutes.add(to: &router)
        TenantSettingsRoutes.add(to: &router)
        AccessRoutes.add(to: &router)
        OrgChartRoutes.add(to: &router)
        return router
    }
}
