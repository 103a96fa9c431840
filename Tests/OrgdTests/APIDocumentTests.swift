// Every route of the route table is described in docs/openapi.yaml, with its method: an endpoint
// missing there is invisible to clients and to the schemathesis stage, which fuzzes only what the
// document lists.

import Foundation
import Testing

@Suite("API description")
struct APIDocumentTests {
    /// (method, path) of every `router.add(.METHOD, "/path", …)` line of Sources/OrgdApp/Routes.swift.
    static func routes() throws -> [(method: String, path: String)] {
        let text = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/Sources/OrgdApp/Routes.swift", encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"router\.add\(\.([A-Z]+), "([^"]+)""#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            (String(text[Range($0.range(at: 1), in: text)!]), String(text[Range($0.range(at: 2), in: text)!]))
        }
    }

    /// The methods of each path of docs/openapi.yaml, read by indentation (paths at two spaces,
    /// methods at four).
    static func documented() throws -> [String: Set<String>] {
        let text = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/docs/openapi.yaml", encoding: .utf8)
        var paths: [String: Set<String>] = [:]
        var current: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.hasPrefix(" ") && !line.isEmpty { break }
            if line.hasPrefix("  /") && line.hasSuffix(":") && !line.hasPrefix("   ") {
                current = String(line.dropFirst(2).dropLast())
                paths[current!] = []
            } else if let path = current, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                paths[path]!.insert(line.trimmingCharacters(in: .whitespaces).dropLast().uppercased())
            }
        }
        return paths
    }

    @Test("every route of the route table is in docs/openapi.yaml with its method")
    func everyRouteDocumented() throws {
        let routes = try Self.routes()
        #expect(routes.count > 80, "the route table was read")
        let documented = try Self.documented()
        let missing = routes.filter { documented[$0.path]?.contains($0.method) != true }.map { "\($0.method) \($0.path)" }
        #expect(missing.isEmpty, "routes missing from docs/openapi.yaml: \(missing.joined(separator: ", "))")
    }
}
