// Maps a method and a decoded path to a handler, with "{name}" path parameters. Routes are
// added once at startup and matched on every request, so matching walks a segment trie
// (one dictionary lookup per path segment) instead of trying each route in turn.
//
// Matching rules:
// - Segments match exactly; a literal segment beats a parameter at the same position, and the
//   parameter branch is tried only if the literal branch leads to no route.
// - A parameter matches one non-empty segment. Paths are strict about slashes: "/v1/units/"
//   does not match "/v1/units" (404), and "//" never matches a parameter.
// - HEAD uses the GET handler unless a HEAD route exists.
// - A path that matches routes but none for the method is a 405 whose `allow` lists every
//   method those routes take (with HEAD wherever GET is), sorted by name.
// Paths are matched after percent-decoding, so an encoded "%2F" splits segments too.

public struct Router<Handler: Sendable>: Sendable {
    public enum Match: Sendable {
        case found(Handler, parameters: [String: String], pattern: String)  // pattern: for metrics labels
        case methodNotAllowed(allow: [HTTPMethod])
        case notFound
    }

    private struct Route: Sendable {
        var handler: Handler
        var pattern: String
        var parameterNames: [String]        // in path order, one per parameter segment
    }

    private struct Node: Sendable {
        var literals: [Substring: Int] = [:]   // segment -> index in `nodes`
        var parameter: Int?                    // child for any non-empty segment
        var routes: [HTTPMethod: Route] = [:]  // routes ending at this node
    }

    private var nodes = [Node()]               // nodes[0] is the root
    /// Routes without parameters by their whole path: one hash lookup answers them (health
    /// probes, metrics, lists) before the trie is walked. The walk tries literal segments first
    /// at every level, so the route it would find for such a path is this one whenever this one
    /// takes the method; otherwise the walk runs as before. /healthz spent 9 % of its CPU in
    /// `match` (perf, docs/performance.md, "The cold path").
    private var exact: [String: [HTTPMethod: Route]] = [:]

    public init() {}

    /// Adds a route. `pattern` starts with "/"; a segment "{name}" is a parameter. Adding the
    /// same method and shape twice, or a malformed pattern, is a programming error and traps
    /// at startup.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: Handler) {
        guard let segments = Self.segments(pattern) else { preconditionFailure("route pattern must start with /: \(pattern)") }
        var node = 0
        var names: [String] = []
        for segment in segments {
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                let name = String(segment.dropFirst().dropLast())
                precondition(!name.isEmpty && !names.contains(name), "bad parameter in route pattern \(pattern)")
                names.append(name)
                if nodes[node].parameter == nil {
                    nodes.append(Node())
                    nodes[node].parameter = nodes.count - 1
                }
                node = nodes[node].parameter!
            } else {
                precondition(!segment.contains("{") && !segment.contains("}"), "bad segment in route pattern \(pattern)")
                if let child = nodes[node].literals[segment] {
                    node = child
                } else {
                    nodes.append(Node())
                    nodes[node].literals[segment] = nodes.count - 1
                    node = nodes.count - 1
                }
            }
        }
        precondition(nodes[node].routes[method] == nil, "duplicate route \(method) \(pattern)")
        nodes[node].routes[method] = Route(handler: handler, pattern: pattern, parameterNames: names)
        if names.isEmpty { exact[pattern, default: [:]][method] = nodes[node].routes[method] }
    }

    /// The handler for `method` and `path` (a decoded path such as HTTPRequest.path).
    public func match(_ method: HTTPMethod, path: String) -> Match {
        if let routes = exact[path], let route = routes[method] ?? (method == .HEAD ? routes[.GET] : nil) {
            return .found(route.handler, parameters: [:], pattern: route.pattern)
        }
        guard let segments = Self.segments(path) else { return .notFound }
        var values: [Substring] = []
        var allowed: Set<HTTPMethod> = []
        if let (route, found) = search(0, segments[...], method, &values, &allowed) {
            var parameters: [String: String] = [:]
            for (name, value) in zip(route.parameterNames, found) { parameters[name] = String(value) }
            return .found(route.handler, parameters: parameters, pattern: route.pattern)
        }
        if allowed.isEmpty { return .notFound }
        return .methodNotAllowed(allow: allowed.sorted { $0.rawValue < $1.rawValue })
    }

    /// Depth-first, literal before parameter. Returns the first route for `method`; otherwise
    /// leaves in `allowed` the methods of the first (most specific) node the path reaches.
    private func search(_ index: Int, _ rest: ArraySlice<Substring>, _ method: HTTPMethod,
                        _ values: inout [Substring], _ allowed: inout Set<HTTPMethod>) -> (Route, [Substring])? {
        let node = nodes[index]
        guard let segment = rest.first else {
            if let route = node.routes[method] ?? (method == .HEAD ? node.routes[.GET] : nil) {
                return (route, values)
            }
            // The most specific route the path reaches decides `Allow` (literal before
            // parameter, the search order): "/grants/exceeding" must not advertise the methods
            // of "/grants/{id}".
            if allowed.isEmpty && !node.routes.isEmpty {
                allowed = Set(node.routes.keys)
                if node.routes[.GET] != nil { allowed.insert(.HEAD) }
            }
            return nil
        }
        if let child = node.literals[segment] {
            if let found = search(child, rest.dropFirst(), method, &values, &allowed) { return found }
            // The literal path names a resource that lacks this method: that is a 405 for it,
            // not a parameter route's "no such {id}".
            if !allowed.isEmpty { return nil }
        }
        if let child = node.parameter, !segment.isEmpty {
            values.append(segment)
            if let found = search(child, rest.dropFirst(), method, &values, &allowed) { return found }
            values.removeLast()
        }
        return nil
    }

    /// "/a/b" → ["a", "b"]; "/" → [""]; "/a/" → ["a", ""]. Nil unless it starts with "/".
    private static func segments(_ path: String) -> [Substring]? {
        guard path.hasPrefix("/") else { return nil }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
    }
}
