// The browser console's static files (WebConsole), served by a live orgd over real sockets from a
// folder the test writes: what is published, with which headers, and what is not.

import Foundation
import HTTP
@testable import OrgdApp
import Testing

@Suite("web console files")
struct WebConsoleTests {
    static let policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

    /// A console folder with one file of each kind, a hidden file, a link out of the folder, a
    /// file shadowed by a route and one under /v1; removed after `body`.
    static func withConsole<T>(_ body: (Int) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("orgd-web-\(UUID().uuidString)").path
        let files: [String: String] = [
            "index.html": "<!doctype html><title>console</title><script type=module src=/app.js></script>",
            "app.js": "import { api } from './lib/api.js';\n",
            "lib/api.js": "export const api = 1;\n",
            "i18n/zh-CN/common.json": #"{"sign_in":"登录"}"#,
            "styles/app.css": "body { margin: 0 }\n",
            "icons/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
            "icons/logo.png": "\u{89}PNG",
            "fonts/ui.woff2": "wOF2",
            ".env": "SECRET=1",
            "healthz": "not the health check",
            "v1/units": "not the API",
        ]
        for (path, text) in files {
            let url = URL(fileURLWithPath: folder + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try FileManager.default.createSymbolicLink(atPath: folder + "/package.swift", withDestinationPath: TestEnvironment.repositoryRoot + "/Package.swift")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await TestEnvironment.withServer({ $0.webDirectory = folder }, body)
    }

    @Test("GET / answers index.html with the strict security headers, a strong ETag and no-cache")
    func index() async throws {
        try await Self.withConsole { port in
            let response = try HTTPClient(port: port).get("/")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            #expect(response.text.contains("<title>console</title>"))
            #expect(response.header("Content-Security-Policy") == Self.policy)
            #expect(response.header("X-Content-Type-Options") == "nosniff")
            #expect(response.header("Referrer-Policy") == "same-origin")
            #expect(response.header("Cache-Control") == "no-cache")
            let etag = try #require(response.header("ETag"))
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && !etag.hasPrefix("W/"), "a strong tag: \(etag)")
            #expect(try HTTPClient(port: port).get("/index.html").header("ETag") == etag)
        }
    }

    @Test("each file is served at its path with its media type")
    func contentTypes() async throws {
        try await Self.withConsole { port in
            let expected = [
                "/app.js": "text/javascript; charset=utf-8",
                "/lib/api.js": "text/javascript; charset=utf-8",
                "/i18n/zh-CN/common.json": "application/json",
                "/styles/app.css": "text/css; charset=utf-8",
                "/icons/logo.svg": "image/svg+xml",
                "/icons/logo.png": "image/png",
                "/fonts/ui.woff2": "font/woff2",
            ]
            for (path, type) in expected {
                let response = try HTTPClient(port: port).get(path)
                #expect(response.status == 200, "\(path)")
                #expect(response.header("Content-Type") == type, "\(path)")
                #expect(response.header("Content-Security-Policy") == Self.policy, "\(path)")
                #expect(response.header("Cache-Control") == "no-cache", "\(path)")
            }
            #expect(try HTTPClient(port: port).get("/i18n/zh-CN/common.json").json["sign_in"] as? String == "登录")
        }
    }

    @Test("If-None-Match with the file's ETag is 304 without a body; another tag is 200")
    func notModified() async throws {
        try await Self.withConsole { port in
            let first = try HTTPClient(port: port).get("/lib/api.js")
            let etag = try #require(first.header("ETag"))
            let again = try HTTPClient(port: port).request("GET", "/lib/api.js", headers: ["If-None-Match": etag])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.header("ETag") == etag)
            #expect(again.header("Content-Security-Policy") == Self.policy)
            let listed = try HTTPClient(port: port).request("GET", "/lib/api.js", headers: ["If-None-Match": "\"other\", W/\(etag)"])
            #expect(listed.status == 304)
            let stale = try HTTPClient(port: port).request("GET", "/lib/api.js", headers: ["If-None-Match": "\"other\""])
            #expect(stale.status == 200)
            #expect(stale.text == "export const api = 1;\n")
            // Another file's tag is not this one's.
            let index = try #require(try HTTPClient(port: port).get("/").header("ETag"))
            #expect(index != etag)
            #expect(try HTTPClient(port: port).request("GET", "/lib/api.js", headers: ["If-None-Match": index]).status == 200)
        }
    }

    @Test("HEAD answers the GET headers and length with no body")
    func head() async throws {
        try await Self.withConsole { port in
            let client = try RawClient(port: port)
            try client.send("HEAD /app.js HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            let response = try client.readResponse(head: true)
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == "\("import { api } from './lib/api.js';\n".utf8.count)")
            #expect(response.header("Content-Type") == "text/javascript; charset=utf-8")
            #expect(response.header("Content-Security-Policy") == Self.policy)
            #expect(client.isClosedByServer(), "no body follows the head")
        }
    }

    @Test("paths out of the folder, hidden files and links are 404 problems", arguments: [
        "/../Package.swift", "/%2e%2e/Package.swift", "/%2E%2E/Package.swift", "/lib/../../Package.swift",
        "/..%2fPackage.swift", "/lib/%2e%2e/%2e%2e/Package.swift", "/.env", "/package.swift", "/nothing.js", "/lib/",
    ])
    func refused(path: String) async throws {
        try await Self.withConsole { port in
            let response = try rawRequest(port: port, "GET \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            #expect(response.status == 404, "\(path)")
            #expect(response.header("Content-Type") == "application/problem+json", "\(path)")
            #expect(response.json["code"] as? String == "ROUTE_NOT_FOUND", "\(path)")
            #expect(!response.text.contains("swift-tools-version"), "\(path)")
        }
    }

    @Test("routes win over console files of the same name; /v1 is never served from the folder")
    func routesFirst() async throws {
        try await Self.withConsole { port in
            let health = try HTTPClient(port: port).get("/healthz")
            #expect(health.json["status"] as? String == "ok")
            #expect(health.header("Content-Security-Policy") == nil)
            #expect(try HTTPClient(port: port).get("/v1/units").json["code"] as? String == "AUTH_MISSING")
            #expect(try HTTPClient(port: port).get("/openapi.yaml").header("Content-Type") == "application/yaml; charset=utf-8")
        }
    }

    @Test("a console file is read-only: POST is 405 with Allow GET, HEAD")
    func readOnly() async throws {
        try await Self.withConsole { port in
            let response = try HTTPClient(port: port).post("/app.js", json: [:])
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, HEAD")
        }
    }

    @Test("the repository's web/ folder is found by default and its index.html served")
    func repositoryConsole() async throws {
        let configuration = try Configuration.load(arguments: ["--database-url", "postgres://unused"], environment: [:])
        #expect(FileManager.default.fileExists(atPath: configuration.webDirectory + "/index.html"), "\(configuration.webDirectory)")
        try await TestEnvironment.withServer({ $0.webDirectory = TestEnvironment.repositoryRoot + "/web" }) { port in
            let response = try HTTPClient(port: port).get("/")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        }
    }

    @Test("without a console folder GET / is a 404 problem and the API still serves")
    func noConsole() async throws {
        try await TestEnvironment.withServer({ $0.webDirectory = "/nonexistent/orgd-web" }) { port in
            let response = try HTTPClient(port: port).get("/")
            #expect(response.status == 404)
            #expect(response.json["code"] as? String == "ROUTE_NOT_FOUND")
            #expect(try HTTPClient(port: port).get("/healthz").status == 200)
        }
    }
}
