// The router's matching rules: literals before parameters, strict slashes, HEAD via GET,
// and 405 with an Allow list.

import Testing
import HTTP

@Suite("Router")
struct RouterTests {
    /// Handlers are names, so a test can say which route won.
    func router(_ routes: [(HTTPMethod, String)]) -> Router<String> {
        var router = Router<String>()
        for (method, pattern) in routes { router.add(method, pattern, "\(method.rawValue) \(pattern)") }
        return router
    }

    func found(_ match: Router<String>.Match) -> (handler: String, parameters: [String: String], pattern: String)? {
        guard case .found(let handler, let parameters, let pattern) = match else { return nil }
        return (handler, parameters, pattern)
    }

    @Test("a literal path finds its handler and reports its pattern")
    func literal() throws {
        let match = try #require(found(router([(.GET, "/v1/units"), (.GET, "/v1/sites")]).match(.GET, path: "/v1/units")))
        #expect(match.handler == "GET /v1/units")
        #expect(match.pattern == "/v1/units")
        #expect(match.parameters.isEmpty)
    }

    @Test("path parameters are captured by name")
    func parameters() throws {
        let routes = router([(.GET, "/v1/units/{id}/positions/{position}")])
        let match = try #require(found(routes.match(.GET, path: "/v1/units/u-7/positions/客服")))
        #expect(match.parameters == ["id": "u-7", "position": "客服"])
        #expect(match.pattern == "/v1/units/{id}/positions/{position}")
    }

    @Test("routes may name the parameter at the same position differently")
    func differentParameterNames() throws {
        let routes = router([(.GET, "/v1/units/{id}"), (.GET, "/v1/units/{unit}/positions")])
        #expect(try #require(found(routes.match(.GET, path: "/v1/units/9"))).parameters == ["id": "9"])
        #expect(try #require(found(routes.match(.GET, path: "/v1/units/9/positions"))).parameters == ["unit": "9"])
    }

    @Test("a literal segment beats a parameter at the same position")
    func literalBeatsParameter() throws {
        let routes = router([(.GET, "/v1/units/{id}"), (.GET, "/v1/units/mine")])
        #expect(try #require(found(routes.match(.GET, path: "/v1/units/mine"))).handler == "GET /v1/units/mine")
        #expect(try #require(found(routes.match(.GET, path: "/v1/units/other"))).handler == "GET /v1/units/{id}")
    }

    @Test("when the literal branch leads nowhere the parameter branch is tried")
    func backtracks() throws {
        let routes = router([(.GET, "/v1/units/mine/summary"), (.GET, "/v1/units/{id}/positions")])
        let match = try #require(found(routes.match(.GET, path: "/v1/units/mine/positions")))
        #expect(match.parameters == ["id": "mine"])
    }

    @Test("a literal path that lacks the method is a 405 for it, not the parameter route's handler")
    func literalPathOwnsItsMethods() throws {
        let routes = router([(.GET, "/v1/units/mine"), (.DELETE, "/v1/units/{id}")])
        guard case .methodNotAllowed(let allow) = routes.match(.DELETE, path: "/v1/units/mine") else { Issue.record("not 405"); return }
        #expect(allow == [.GET, .HEAD])
        #expect(try #require(found(routes.match(.DELETE, path: "/v1/units/other"))).parameters == ["id": "other"])
    }

    @Test("a path without the method is a 405 listing the allowed methods sorted, with HEAD for GET")
    func methodNotAllowed() {
        let routes = router([(.POST, "/v1/units"), (.GET, "/v1/units"), (.DELETE, "/v1/units/{id}"), (.GET, "/v1/units/mine")])
        guard case .methodNotAllowed(let allow) = routes.match(.PUT, path: "/v1/units") else { Issue.record("not 405"); return }
        #expect(allow == [.GET, .HEAD, .POST])
        guard case .methodNotAllowed(let both) = routes.match(.PATCH, path: "/v1/units/mine") else { Issue.record("not 405"); return }
        #expect(both == [.GET, .HEAD])     // the literal path's own methods, not {id}'s
    }

    @Test("HEAD uses the GET handler unless a HEAD route exists")
    func head() throws {
        #expect(try #require(found(router([(.GET, "/a")]).match(.HEAD, path: "/a"))).handler == "GET /a")
        #expect(try #require(found(router([(.GET, "/a"), (.HEAD, "/a")]).match(.HEAD, path: "/a"))).handler == "HEAD /a")
    }

    @Test("an unknown path is a 404", arguments: ["/v2/units", "/v1", "/v1/units/1/x", "units", "", "*"])
    func notFound(_ path: String) {
        guard case .notFound = router([(.GET, "/v1/units"), (.GET, "/v1/units/{id}")]).match(.GET, path: path) else {
            Issue.record("\(path) matched"); return
        }
    }

    @Test("a trailing slash is a different path: /v1/units/ does not match /v1/units")
    func trailingSlash() {
        let routes = router([(.GET, "/v1/units")])
        guard case .notFound = routes.match(.GET, path: "/v1/units/") else { Issue.record("matched"); return }
    }

    @Test("a parameter never matches an empty segment")
    func emptySegment() {
        let routes = router([(.GET, "/v1/units/{id}/positions")])
        guard case .notFound = routes.match(.GET, path: "/v1/units//positions") else { Issue.record("matched"); return }
    }

    @Test("the root path is a route like any other")
    func root() throws {
        let routes = router([(.GET, "/"), (.GET, "/a")])
        #expect(try #require(found(routes.match(.GET, path: "/"))).handler == "GET /")
    }
}
