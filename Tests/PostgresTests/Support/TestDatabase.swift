// Where the Postgres tests find their databases: the URLs scripts/test.sh exports. Without
// them every live test fails with a message that says what to set.

import Foundation

enum TestDatabase {
    struct NotConfigured: Error, CustomStringConvertible {
        let variable: String
        var description: String {
            "\(variable) is not set: run scripts/test.sh, which starts a throwaway Postgres and sets it, "
                + "or export it yourself (e.g. postgresql://postgres@/postgres?host=/tmp/pg)"
        }
    }

    /// The owner role: may create tables, schemas, and terminate its own sessions.
    static func adminURL() throws -> String { try variable("ORGD_TEST_ADMIN_DATABASE_URL") }
    /// The role the server runs as.
    static func appURL() throws -> String { try variable("ORGD_TEST_DATABASE_URL") }

    static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw NotConfigured(variable: name)
        }
        return value
    }

    /// A name no other test (or earlier run) uses: tests run in parallel on one database. It
    /// starts with `scratch_`, which the schema checks (SchemaShapeTests) pass over: they read
    /// the catalog while these tests come and go.
    static func unique(_ prefix: String) -> String {
        "scratch_\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }

    /// `url` with one more connection parameter, in URI or key=value form.
    static func url(_ url: String, adding key: String, _ value: String) -> String {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.")))!
            return url + (url.contains("?") ? "&" : "?") + "\(key)=\(encoded)"
        }
        let quoted = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return url + " \(key)='\(quoted)'"
    }

    /// `url` whose sessions see only `schema` (search_path), to keep a test's tables apart.
    static func url(_ url: String, searchPath schema: String) -> String {
        self.url(url, adding: "options", "-c search_path=\(schema)")
    }
}
