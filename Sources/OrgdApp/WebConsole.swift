// The browser console: the static files of the web/ folder (--web-dir), served at "/" and below.
// The folder is small (HTML, CSS, JS modules, translations: well under a megabyte), so it is read
// into memory once at start and each file becomes a route of its own. Only those files can be
// answered: a path that names anything else, "/../Package.swift" included, matches no route and
// is the usual 404 problem. Routes already in the table (/v1, /healthz, /openapi.yaml…) win over
// a file of the same name, which is then not served.
//
// Every response carries a strict Content-Security-Policy (scripts, styles and connections only
// from orgd itself; no inline script, no framing) and a strong ETag of the file's bytes.
// Cache-Control is `no-cache` for every file, not only index.html: the module files keep their
// names from one release to the next (app.js, lib/api.js), so a cached old module beside a new
// index.html would break the page for minutes after a deploy; revalidating costs one 304 per
// file, on a page that an operator opens a few times a day.

import App
import Foundation
import HTTP

struct WebConsole: Sendable {
    /// One file as served: its bytes and the headers every answer about it carries.
    struct File: Sendable {
        var body: [UInt8]
        var contentType: String
        var etag: String
    }

    static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
    ]

    /// A guard against --web-dir naming the wrong folder (a home directory, "/"), not a budget.
    static let maxBytes = 32 << 20
    static let maxFiles = 2_000

    let files: [String: File]          // by URL path: "/index.html", "/lib/api.js"

    /// Reads every regular, non-hidden file under `directory`. A missing folder is an empty
    /// console (orgd still serves the API); an unreadable file or an oversized folder is an error.
    init(directory: String) throws {
        let root = URL(fileURLWithPath: directory, isDirectory: true).resolvingSymlinksInPath()
        var files: [String: File] = [:]
        var total = 0
        let keys: [URLResourceKey] = [.isRegularFileKey, .isSymbolicLinkKey]
        guard FileManager.default.fileExists(atPath: root.path),
              let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
        else {
            self.files = [:]
            return
        }
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in walker {
            // Symbolic links are not followed: only what is inside the folder is published.
            let values = try url.resourceValues(forKeys: Set(keys))
            guard values.isRegularFile == true, values.isSymbolicLink != true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            let body = try Array(Data(contentsOf: url))
            total += body.count
            guard total <= Self.maxBytes, files.count < Self.maxFiles else {
                throw ConfigurationError(message: "--web-dir \(directory) holds more than \(Self.maxFiles) files or \(Self.maxBytes >> 20) MiB; is it the console's folder?")
            }
            files["/" + path.dropFirst(prefix.count)] = File(body: body, contentType: Self.contentType(of: path),
                                                              etag: "\"" + Base64URL.encode(Array(Crypto.sha256(body).prefix(16))) + "\"")
        }
        self.files = files
    }

    /// Adds a GET route (HEAD follows it) for "/" (index.html) and for every file that no route
    /// already answers.
    func addRoutes(to router: inout Router<RouteHandler>) {
        for (path, file) in files.sorted(by: { $0.key < $1.key }) {
            guard case .notFound = router.match(.GET, path: path), !path.hasPrefix("/v1/"),
                  !path.contains("{"), !path.contains("}") else { continue }
            router.add(.GET, path, .sync { Self.respond($0, file) })
        }
    }

    /// GET / answers index.html; 404 while the console is not installed (no index.html).
    func index(_ request: HTTPRequest) -> HTTPResponse {
        guard let file = files["/index.html"] else {
            return Problem(status: 404, code: "ROUTE_NOT_FOUND", detail: "no console here: --web-dir has no index.html").response
        }
        return Self.respond(request, file)
    }

    /// 200 with the file, or 304 when If-None-Match names its ETag (compared weakly, RFC 9110
    /// 13.1.2, so a W/ tag from a proxy that compressed it still matches).
    static func respond(_ request: HTTPRequest, _ file: File) -> HTTPResponse {
        var headers = HTTPHeaders(securityHeaders)
        headers.add("ETag", file.etag)
        headers.add("Cache-Control", "no-cache")
        if let condition = request.headers["If-None-Match"], matches(condition, file.etag) {
            return HTTPResponse(status: 304, headers: headers)
        }
        headers.add("Content-Type", file.contentType)
        return HTTPResponse(status: 200, headers: headers, body: file.body)
    }

    static func matches(_ condition: String, _ etag: String) -> Bool {
        condition.split(separator: ",").contains { tag in
            var tag = tag.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == "*" || tag == etag
        }
    }

    /// The media type of a console file, by its extension.
    static func contentType(of path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
