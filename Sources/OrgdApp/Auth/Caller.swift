// Who is asking, once the bearer secret has been checked: the tenant, the subject, and the
// policy principal with its grants, plus the tenant's ladder the decisions are made with.

import Policy

struct Caller: Sendable {
    enum Kind: String, Sendable {
        case user
        case apiKey = "api_key"
        case platform
    }

    let kind: Kind
    let tenantID: String?              // nil for platform operators
    let subjectID: String              // user, API key or platform key id (UUID text)
    let login: String?                 // users only
    let sessionID: String?             // the session this request came with (users only)
    let principal: Principal          // its grade is `grades.grade`, the effective one
    let grades: EffectiveGrade         // the account's own grade and its linked person's posts' grade
    let ladder: GradeLadder
    let restructure: RestructureRule
    let expiresAt: Int64               // epoch seconds after which the credential is dead

    var tenant: TenantID { principal.tenant ?? EntityID(0) }

    func context(now: Timestamp, tenantAdminCount: Int = 0) -> PolicyContext {
        PolicyContext(ladder: ladder, restructure: restructure, now: now, tenantAdminCount: tenantAdminCount)
    }
}

extension Timestamp {
    static var now: Timestamp { Timestamp(secondsSinceEpoch: Int64(UTCClock.seconds())) }
}

enum UTCClock {
    static func seconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int(ts.tv_sec)
    }
}

import Glibc
