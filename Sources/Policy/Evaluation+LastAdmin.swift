// The last tenant administrator cannot be removed: a change that would leave the tenant with no
// principal holding tenant.admin over the whole tenant is refused, whoever asks.

extension Evaluation {
    /// The caller states how many administrators the change removes (`Target.removesTenantAdmins`)
    /// and how many there are (`PolicyContext.tenantAdminCount`).
    func lastAdmin() -> Denial? {
        let removed = target.removesTenantAdmins
        guard removed > 0, context.tenantAdminCount - removed < 1 else { return nil }
        return deny(.lastAdmin, values: [
            "administrators": String(context.tenantAdminCount), "removed": String(removed),
        ])
    }
}
