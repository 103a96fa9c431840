// The configuration pages stay true: every option orgd reads is in the README's table (flag and
// variable on one row), in deploy/orgd.env.example, the file the systemd unit reads, and whole
// in `orgd help`.

import Foundation
@testable import OrgdApp
import Testing

@Suite("configuration documented")
struct ConfigurationDocsTests {
    static func text(_ path: String) throws -> String {
        try String(contentsOfFile: TestEnvironment.repositoryRoot + "/" + path, encoding: .utf8)
    }

    @Test("every option has a README row naming its flag and its variable")
    func readme() throws {
        let rows = try Self.text("README.md").split(separator: "\n").filter { $0.hasPrefix("| `--") }
        for option in Configuration.options {
            let documented = rows.contains { $0.contains("`\(option.flag)`") && $0.contains("`\(option.env)`") }
            #expect(documented, "README.md has no row for \(option.flag) / \(option.env)")
        }
    }

    @Test("orgd help names every option's flag and variable whole, apart from each other and from the help")
    func help() throws {
        let lines = Configuration.helpText.split(separator: "\n").map(String.init)
        for option in Configuration.options {
            let line = lines.first { $0.hasPrefix("  \(option.flag) ") }
            #expect(line?.contains(" \(option.env) ") == true, "orgd help: \(line ?? "no line for \(option.flag)")")
        }
    }

    @Test("every variable is in deploy/orgd.env.example")
    func environmentExample() throws {
        let example = try Self.text("deploy/orgd.env.example")
        for option in Configuration.options {
            let listed = example.contains("\(option.env)=")
            #expect(listed, "deploy/orgd.env.example lacks \(option.env)")
        }
    }
}
