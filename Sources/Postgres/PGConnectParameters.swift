// The keyword/value arrays handed to PQconnectStartParams: the URL (or key=value string) as
// `dbname` with expansion, an application name (a fallback: the URL's own wins), and a statement_timeout appended to any
// `options` the URL already carries (later keywords override the URL's, so they are merged).

import CPostgres
import Glibc

struct PGConnectParameters {
    private(set) var keywords: [String] = ["dbname", "fallback_application_name"]
    private(set) var values: [String]

    /// Throws `.unavailable` if libpq cannot parse the URL (its message never echoes a password).
    init(url: String, statementTimeoutMillis: Int?, applicationName: String = "orgd") throws(PGError) {
        values = [url, applicationName]
        if let statementTimeoutMillis {
            let existing = try PGConnectParameters.option("options", in: url) ?? ""
            keywords.append("options")
            values.append(existing.isEmpty ? "-c statement_timeout=\(statementTimeoutMillis)"
                                           : "\(existing) -c statement_timeout=\(statementTimeoutMillis)")
        }
    }

    /// PQconnectStartParams; nil only if libpq could not allocate.
    func connectStart() -> OpaquePointer? {
        let keywordCopies = keywords.map { strdup($0) }
        let valueCopies = values.map { strdup($0) }
        defer {
            keywordCopies.forEach { free($0) }
            valueCopies.forEach { free($0) }
        }
        let keywordArray: [UnsafePointer<CChar>?] = keywordCopies.map { UnsafePointer($0) } + [nil]
        let valueArray: [UnsafePointer<CChar>?] = valueCopies.map { UnsafePointer($0) } + [nil]
        return PQconnectStartParams(keywordArray, valueArray, 1)
    }

    /// The value of one connection option in `url`, as libpq parses it.
    static func option(_ name: String, in url: String) throws(PGError) -> String? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &error) else {
            let message = error.map { PGError.trimmed($0) } ?? "out of memory"
            if let error { PQfreemem(error) }
            throw PGError.unavailable("invalid database URL: \(message)")
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == name {
                return option.pointee.val.map { String(cString: $0) }
            }
            option += 1
        }
        return nil
    }
}
