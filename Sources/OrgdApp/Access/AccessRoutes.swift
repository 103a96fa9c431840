// Every /v1/access endpoint: the ladder, roles, grants, checks, who-can, manageable lists and
// previews. Each decides through the policy module; see docs/permissions.md for the rules.

import HTTP

enum AccessRoutes {
    static func add(to router: inout Router<RouteHandler>) {
        LadderRoutes.add(to: &router)
        RoleRoutes.add(to: &router)
        GrantRoutes.add(to: &router)
        CheckRoutes.add(to: &router)
        WhoCanRoutes.add(to: &router)
        ManageableRoutes.add(to: &router)
        PreviewRoutes.add(to: &router)
    }
}
