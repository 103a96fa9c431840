// A tenant's role: a named set of permissions, and the minimum grade a holder must have for the
// role to confer anything. Roles are granted with a scope (see `Grant`).

/// A role as cached for decisions. `minimumGrade` is enforced continuously: a holder who is
/// demoted below it keeps the grant but the grant confers nothing until the holder is promoted,
/// and such a promotion is itself checked (see `Action.positionUpdate`, `Action.assignmentCreate`).
public struct Role: Hashable, Sendable, Identifiable {
    public var id: RoleID
    public var name: String
    public var permissions: PermissionSet
    public var minimumGrade: Grade?

    public init(id: RoleID, name: String, permissions: PermissionSet, minimumGrade: Grade? = nil) {
        self.id = id
        self.name = name
        self.permissions = permissions
        self.minimumGrade = minimumGrade
    }
}
