// Problem details responses: the RFC 9457 members, stable codes and their type anchors.

import Foundation
import Testing
import HTTP

@Suite("Problem details")
struct ProblemTests {
    func members(_ problem: Problem) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(problem.response.body)) as? [String: Any])
    }

    @Test("a problem is application/problem+json with type, title, status, detail and code, in that order")
    func shape() throws {
        let problem = Problem(status: 404, code: "ORG_UNIT_NOT_FOUND", detail: "no unit 7")
        let response = problem.response
        #expect(response.status == 404)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(String(decoding: response.body, as: UTF8.self)
            == #"{"type":"https://orgd.dev/problems#org_unit_not_found","title":"Not Found","status":404,"detail":"no unit 7","code":"ORG_UNIT_NOT_FOUND"}"#)
    }

    @Test("field, rule and extension members follow the standard ones")
    func extensions() throws {
        var problem = Problem(status: 409, code: "HEADCOUNT_FULL", title: "Headcount full", detail: "d", field: "unit", rule: "capacity")
        problem.extra = [("limit", .number(3)), ("holders", .array([.string("王")]))]
        let text = String(decoding: problem.response.body, as: UTF8.self)
        #expect(text.hasSuffix(#""code":"HEADCOUNT_FULL","field":"unit","rule":"capacity","limit":3,"holders":["王"]}"#))
        #expect(try members(problem)["title"] as? String == "Headcount full")
    }

    @Test("each parse error maps to its status and stable code",
          arguments: [(HTTPParseError.badRequest("missing Host header"), 400, "HTTP_BAD_REQUEST"),
                      (.headerTooLarge, 431, "HTTP_HEADER_TOO_LARGE"), (.bodyTooLarge, 413, "HTTP_BODY_TOO_LARGE"),
                      (.notImplemented("method BREW"), 501, "HTTP_NOT_IMPLEMENTED"),
                      (.versionNotSupported, 505, "HTTP_VERSION_NOT_SUPPORTED")])
    func parseErrors(_ error: HTTPParseError, _ status: Int, _ code: String) throws {
        let problem = Problem.from(error)
        #expect(problem.status == status)
        #expect(problem.code == code)
        #expect(problem.title == reasonPhrase(status))
        #expect(try members(problem)["type"] as? String == "https://orgd.dev/problems#\(code.lowercased())")
    }

    @Test("a parse error's detail says what was wrong")
    func parseErrorDetail() {
        #expect(Problem.from(HTTPParseError.badRequest("missing Host header")).detail.contains("missing Host header"))
        #expect(Problem.from(HTTPParseError.notImplemented("method BREW")).detail.contains("method BREW"))
    }

    @Test("a field error is a 422 VALIDATION_FAILED naming the field and rule")
    func fieldError() throws {
        let problem = Problem.from(FieldError(field: "headcount.min", rule: "required", message: "is required"))
        #expect(problem.status == 422)
        #expect(problem.code == "VALIDATION_FAILED")
        let json = try members(problem)
        #expect(json["field"] as? String == "headcount.min")
        #expect(json["rule"] as? String == "required")
        #expect(json["detail"] as? String == "headcount.min is required")
    }

    @Test("a body that is not JSON at all is a 400 MALFORMED_JSON")
    func malformedJSON() throws {
        let problem = Problem.from(FieldError(field: "", rule: "json", message: "body is not valid JSON: x"))
        #expect(problem.status == 400)
        #expect(problem.code == "MALFORMED_JSON")
        #expect(try members(problem)["field"] == nil)
    }
}
