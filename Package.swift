// swift-tools-version: 6.1
// orgd: a multi-tenant API server for customer-service and after-sales organisations.
// Targets are the module boundaries: each one's dependency list says what it may import.

import PackageDescription

let package = Package(
    name: "orgd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "orgd", targets: ["orgd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // C shims and system libraries.
        .target(name: "CLinux"),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),

        // The loops: epoll, timers, the eventfd mailbox, task executor, the one monotonic clock.
        .target(name: "EventLoop", dependencies: ["CLinux"]),
        // HTTP/1.1 (over TLS when configured) on the loops, routing, strict JSON: knows nothing of the domain or the database.
        .target(name: "HTTP", dependencies: ["EventLoop", "CLinux", "COpenSSL"]),
        // Non-blocking libpq on the same loops; migrations. Knows nothing of HTTP.
        .target(name: "Postgres", dependencies: ["CPostgres", "COpenSSL", "EventLoop", "CLinux"]),
        // Grade ladders, permissions, scopes and decisions: pure Swift, no I/O.
        .target(name: "Policy"),
        // The customer-issue flow as a state machine: pure Swift, no I/O, like Policy.
        .target(name: "CaseFlow"),
        // Pure rendering of a loaded chart: layout, SVG, DOT, CSV, text. No database, no sockets.
        .target(name: "ChartRender"),

        // The application kernel: request context, caller and authentication, the pipeline,
        // paging, audit, problem mapping, credentials.
        .target(name: "App", dependencies: ["EventLoop", "HTTP", "Postgres", "Policy", "COpenSSL", "CLinux"]),
        // Domain areas, each depending only on those above it in this list.
        .target(name: "Tenancy", dependencies: ["App", "EventLoop", "HTTP", "Postgres", "Policy"]),
        .target(name: "Access", dependencies: ["Tenancy", "App", "EventLoop", "HTTP", "Postgres", "Policy"]),
        .target(name: "OrgChart", dependencies: ["Access", "Tenancy", "App", "ChartRender", "EventLoop", "HTTP", "Postgres", "Policy"]),
        .target(name: "Network", dependencies: ["OrgChart", "Access", "Tenancy", "App", "ChartRender", "EventLoop", "HTTP", "Postgres", "Policy"]),
        .target(name: "Cases", dependencies: ["Network", "OrgChart", "Access", "Tenancy", "App", "CaseFlow", "ChartRender", "EventLoop",
                                              "HTTP", "Postgres", "Policy"]),

        // Wiring: configuration, command line, the route table, the demo seed.
        .target(name: "OrgdApp", dependencies: ["Cases", "CaseFlow", "Network", "OrgChart", "Access", "Tenancy", "App", "ChartRender",
                                               "EventLoop", "HTTP", "Postgres", "Policy", "CLinux"]),
        .executableTarget(name: "orgd", dependencies: ["OrgdApp"]),

        .testTarget(name: "EventLoopTests", dependencies: ["EventLoop"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "EventLoop"]),
        .testTarget(name: "PolicyTests", dependencies: [
            "Policy", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "EventLoop"]),
        .testTarget(name: "AppTests", dependencies: ["App"]),
        // The network's pure parts (the lifecycle), and that they agree with its SQL.
        .testTarget(name: "NetworkTests", dependencies: ["Network", "Policy"]),
        .testTarget(name: "CaseFlowTests", dependencies: [
            "CaseFlow", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        // Reading SVGs back (XMLParser), for the rendering tests and the exports over HTTP.
        .target(name: "SVGTestSupport", path: "Tests/SVGTestSupport"),
        .testTarget(name: "ChartRenderTests", dependencies: ["ChartRender", "SVGTestSupport"]),
        .testTarget(name: "OrgdTests", dependencies: ["OrgdApp", "Cases", "CaseFlow", "Network", "OrgChart", "Access", "Tenancy", "App", "ChartRender",
                                                     "EventLoop", "HTTP", "Postgres", "Policy", "CLinux", "SVGTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, declared only when ORGD_FUZZ is set: scripts/fuzz.sh compiles them with
// -sanitize=fuzzer,address in .build-fuzz and links each with libFuzzer's own main (SwiftPM's
// executable targets bring a main of their own), so a normal `swift build` never sees them.
if Context.environment["ORGD_FUZZ"] != nil {
    package.targets += ["FuzzHTTPParser", "FuzzHTTPConnection", "FuzzJSONBody"].map {
        .target(name: $0, dependencies: ["HTTP", "EventLoop"], path: "Fuzz/\($0)")
    }
}
