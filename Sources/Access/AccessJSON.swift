// How the access API writes grants, scopes, decisions and denials, so that every endpoint shows
// them the same way: a scope is {"kind","id","path"}, a refusal is {"code","rule","values"}.

import App
import Glibc
import HTTP
import Policy

package enum AccessJSON {
    /// A policy scope: {"kind":"tenant"} or {"kind":"unit","id":…,"path":[…]}.
    package static func write(_ scope: Scope, to json: inout JSONWriter) {
        json.beginObject()
        switch scope {
        case .tenant:
            json.field("kind", "tenant")
        case .unit(let path), .region(let path):
            json.field("kind", scope.isUnit ? "unit" : "region")
            json.field("id", path.last?.description)
            json.field("path", strings: path.ids.map(\.description))
        }
        json.endObject()
    }

    /// The grant a decision was allowed by, as the policy saw it.
    package static func write(_ grant: Grant, to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", grant.id.description)
        json.key("role")
        json.beginObject()
        json.field("id", grant.role.id.description)
        json.field("name", grant.role.name)
        json.endObject()
        json.key("scope")
        write(grant.scope, to: &json)
        json.field("expires_at", grant.expiresAt.map { rfc3339($0.secondsSinceEpoch) })
        json.endObject()
    }

    /// A refusal's reason: {"code","rule","values"}.
    package static func write(_ denial: Denial, to json: inout JSONWriter) {
        json.beginObject()
        json.field("code", denial.code.rawValue)
        json.field("rule", denial.rule)
        json.key("values")
        json.beginObject()
        for (key, value) in denial.values.sorted(by: { $0.key < $1.key }) { json.field(key, value) }
        json.endObject()
        json.endObject()
    }

    /// One answer of `POST /v1/access/check`: allowed with the grant, or refused with the status
    /// the endpoint would answer (403, or 404 with nothing but NOT_FOUND) and the reason.
    /// `more` writes extra members (a single check's `could_instead`).
    package static func write(_ decision: Decision, action: Action, to json: inout JSONWriter,
                              more: (inout JSONWriter) -> Void = { _ in }) {
        json.beginObject()
        json.field("action", action.rawValue)
        switch decision {
        case .allow(let grant):
            json.field("allowed", true)
            json.key("grant")
            if let grant { write(grant, to: &json) } else { json.null() }
        case .deny(let denial):
            json.field("allowed", false)
            json.field("status", denial.visible ? 403 : 404)
            json.key("reason")
            write(denial.visible ? denial : .notFound, to: &json)
        }
        more(&json)
        json.endObject()
    }

    /// Seconds since the epoch as RFC 3339 UTC ("2027-01-31T00:00:00Z").
    package static func rfc3339(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
    }
}

extension Scope {
    package var isUnit: Bool {
        if case .unit = self { return true }
        return false
    }
}

extension Problem {
    /// Bad input the policy's value types refused (a ladder, a grade, a permission name), 422
    /// with the policy's own stable code.
    package static func policy(_ error: PolicyError, field: String) -> Problem {
        Problem(status: 422, code: error.code, title: "Unprocessable Content", detail: error.message,
                field: field, rule: error.code.lowercased())
    }
}
