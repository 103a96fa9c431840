// The per-request facts a decision needs beyond actor and target: the tenant's ladder and
// restructuring rule (cached per tenant), the clock, and the number of tenant administrators.

public struct PolicyContext: Sendable {
    public var ladder: GradeLadder
    public var restructure: RestructureRule
    /// The instant grants are judged at (expiry).
    public var now: Timestamp
    /// How many principals now hold `tenant.admin` over the whole tenant. Only read when a target
    /// says it removes administrators; 0 refuses every such removal, so pass the real count.
    public var tenantAdminCount: Int

    public init(ladder: GradeLadder, restructure: RestructureRule? = nil, now: Timestamp, tenantAdminCount: Int = 0) {
        self.ladder = ladder
        self.restructure = restructure ?? RestructureRule(ladder: ladder)
        self.now = now
        self.tenantAdminCount = tenantAdminCount
    }
}
