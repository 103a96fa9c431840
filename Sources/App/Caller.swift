// Who is asking, once the bearer secret has been checked: the tenant, the subject, and the
// policy principal with its grants, plus the tenant's ladder the decisions are made with.

import EventLoop
import Policy

package struct Caller: Sendable {
    package enum Kind: String, Sendable {
        case user
        case apiKey = "api_key"
        case platform
    }

    package let kind: Kind
    package let tenantID: String?              // nil for platform operators
    package let subjectID: String              // user, API key or platform key id (UUID text)
    package let login: String?                 // users only
    package let sessionID: String?             // the session this request came with (users only)
    package let principal: Principal          // its grade is `grades.grade`, the effective one
    package let grades: EffectiveGrade         // the account's own grade and its linked person's posts' grade
    package let ladder: GradeLadder
    package let restructure: RestructureRule
    package let expiresAt: Int64               // epoch seconds after which the credential is dead

    package init(kind: Kind, tenantID: String?, subjectID: String, login: String?, sessionID: String?, principal: Principal,
                 grades: EffectiveGrade, ladder: GradeLadder, restructure: RestructureRule, expiresAt: Int64) {
        self.kind = kind
        self.tenantID = tenantID
        self.subjectID = subjectID
        self.login = login
        self.sessionID = sessionID
        self.principal = principal
        self.grades = grades
        self.ladder = ladder
        self.restructure = restructure
        self.expiresAt = expiresAt
    }

    package var tenant: TenantID { principal.tenant ?? EntityID(0) }

    package func context(now: Timestamp, tenantAdminCount: Int = 0) -> PolicyContext {
        PolicyContext(ladder: ladder, restructure: restructure, now: now, tenantAdminCount: tenantAdminCount)
    }
}

extension Timestamp {
    /// Now, for decisions and credentials' expiry: read from UTCTime, the one wall clock
    /// (EventLoop), like the Date header and Day.today.
    package static var now: Timestamp { Timestamp(secondsSinceEpoch: Int64(UTCTime.now().seconds)) }
}
