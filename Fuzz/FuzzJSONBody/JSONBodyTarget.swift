// libFuzzer target for request-body JSON decoding (decodeJSONBody) into two Decodable shapes
// like the endpoints': nested objects, optional fields, arrays, integers and strings. It must
// never trap, and every refusal must be a FieldError with a rule, as the problem responses
// need. Built only by scripts/fuzz.sh; see docs/security.md, "Fuzzing".

import HTTP

/// Shaped like a unit or position create body.
private struct UnitBody: Decodable {
    struct Headcount: Decodable {
        var min: Int
        var max: Int?
    }
    var name: String
    var kind: String?
    var parent_id: String?
    var headcount: Headcount?
    var duties: [String]?
    var grade_floor: Int?
}

/// Shaped like an access grant or check body.
private struct GrantBody: Decodable {
    var user_id: String
    var role: String
    var expires_at: String?
    var scope: [String: String]?
    var actions: [String]
    var allowed: Bool?
    var weight: Double?
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONBody(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    check { () throws(FieldError) in _ = try decodeJSONBody(UnitBody.self, from: body) }
    check { () throws(FieldError) in _ = try decodeJSONBody(GrantBody.self, from: body) }
    check { () throws(FieldError) in _ = try decodeJSONBody([UnitBody].self, from: body) }
    return 0
}

private func check(_ decode: () throws(FieldError) -> Void) {
    do {
        try decode()
    } catch {
        if error.rule.isEmpty || error.message.isEmpty { fatalError("a FieldError without a rule or message: \(error)") }
    }
}
