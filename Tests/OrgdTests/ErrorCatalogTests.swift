// Every stable error code orgd can answer with is documented in docs/errors.md: a code that
// appears in the sources but not in the catalog is a defect (clients grep for these).

import Foundation
import HTTP
import Policy
import Testing

@Suite("error catalog")
struct ErrorCatalogTests {
    static func sourceCodes() throws -> Set<String> {
        let root = TestEnvironment.repositoryRoot + "/Sources"
        var codes: Set<String> = []
        let pattern = try NSRegularExpression(pattern: #"(?:code: |conflict\()"([A-Z][A-Z0-9_]+)""#)
        let files = FileManager.default.enumerator(atPath: root)!
        while let path = files.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                codes.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        for code in DenialCode.allCases { codes.insert(code.rawValue) }
        // The policy module's validation errors (ladders, grades, permission names).
        let policyErrors = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/Sources/Policy/PolicyError.swift", encoding: .utf8)
        let casePattern = try NSRegularExpression(pattern: #"case \.[A-Za-z]+: "([A-Z][A-Z0-9_]+)""#)
        for match in casePattern.matches(in: policyErrors, range: NSRange(policyErrors.startIndex..., in: policyErrors)) {
            codes.insert(String(policyErrors[Range(match.range(at: 1), in: policyErrors)!]))
        }
        for error in [HTTPParseError.badRequest(""), .headerTooLarge, .bodyTooLarge, .notImplemented(""), .versionNotSupported] {
            codes.insert(error.code)
        }
        return codes
    }

    @Test("every code in the sources is listed in docs/errors.md")
    func documented() throws {
        let catalog = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/docs/errors.md", encoding: .utf8)
        let missing = try Self.sourceCodes().filter { !catalog.contains("`\($0)`") }.sorted()
        #expect(missing.isEmpty, "undocumented error codes: \(missing.joined(separator: ", "))")
    }
}
