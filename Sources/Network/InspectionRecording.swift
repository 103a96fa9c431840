// What recording an inspection does, in one place for the endpoint and the demo seed: the
// inspection with its scores and corrective actions, and — when orgd's total falls under the
// tenant's threshold and the site is authorised — the site's move to probation, naming the
// inspection. The caller has checked the input and locked the site; it writes the audit rows.

import App
import OrgChart
import Postgres

package enum InspectionRecording {
    /// Stores the inspection of `site` and applies its consequence; the inspection's id and the
    /// transition it caused, if any. `draft.totalHundredths` is orgd's (InspectionScoring.total).
    package static func record(_ connection: PGConnection, tenant: String, site: Site, _ draft: InspectionDraft,
                               actions: [(description: String, owner: String, dueOn: String)]) async throws
        -> (id: String, transition: SiteTransition?) {
        let id = try await InspectionStore.create(connection, tenant: tenant, draft)
        try await CorrectiveActionStore.create(connection, tenant: tenant, inspection: id, site: site.id, actions)
        guard draft.totalHundredths < draft.thresholdHundredths && site.status == .authorised else { return (id, nil) }
        let transition = try await SiteStore.transition(
            connection, tenant: tenant, site: site, to: .probation,
            reason: "inspection \(id) scored \(Hundredths.text(draft.totalHundredths)) below the threshold \(Hundredths.text(draft.thresholdHundredths))",
            on: OrgDate.today, actor: draft.recordedBy, inspection: id, authorisedFrom: site.authorisedFrom,
            authorisedUntil: site.authorisedUntil)
        return (id, transition)
    }
}
