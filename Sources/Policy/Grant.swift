// A grant: a role given to a user or API key over a scope, until an optional expiry, by a grantor.
// Principals carry their grants resolved (role included), as cached from the database.

public struct Grant: Hashable, Sendable, Identifiable {
    public var id: GrantID
    public var subject: SubjectID       // the user or API key holding it
    public var role: Role
    public var scope: Scope
    public var expiresAt: Timestamp?    // nil: until revoked
    public var grantor: SubjectID?      // nil: created by the system (the tenant's founding grant)

    public init(id: GrantID, subject: SubjectID, role: Role, scope: Scope,
                expiresAt: Timestamp? = nil, grantor: SubjectID? = nil) {
        self.id = id
        self.subject = subject
        self.role = role
        self.scope = scope
        self.expiresAt = expiresAt
        self.grantor = grantor
    }

    /// A grant stops working at its expiry instant.
    public func isExpired(at now: Timestamp) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt <= now
    }
}
