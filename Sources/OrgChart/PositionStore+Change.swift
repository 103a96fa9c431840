// Changing a position's dated state: the one UPDATE of position_versions that both
// PATCH /v1/positions/{id} and the importer run after their own checks and the policy decision.

import App
import Postgres

extension PositionStore {
    /// What changes, from the effective date on. A nil field is left as it is; for the
    /// double optionals `.some(nil)` clears the value.
    package struct Change {
        package var title: String?
        package var grade: String??
        package var headcount: (kind: String, min: Int?, max: Int?)?
        package var duties: [String]?
        package var forms: [String]?
        package var kind: String?
        package var reportsTo: String??
        package var spanMin: Int??
        package var spanMax: Int??
        package var sortOrder: Int?
    }

    /// Applies `change` to every version of position `id` that starts on or after `date` (the
    /// caller has split the version covering `date` with `Versions.prepare`).
    package static func apply(_ change: Change, to id: String, from date: String, _ connection: PGConnection) async throws {
        let reportsTo = (change.reportsTo ?? nil)?.lowercased()
        _ = try await connection.query("""
            UPDATE position_versions SET title = coalesce(\(change.title), title),
                grade = CASE WHEN \(change.grade != nil)::boolean THEN \(change.grade ?? nil) ELSE grade END,
                headcount_kind = coalesce(\(change.headcount?.kind), headcount_kind),
                headcount_min = CASE WHEN \(change.headcount?.kind)::text IS NULL THEN headcount_min ELSE \(change.headcount?.min)::integer END,
                headcount_max = CASE WHEN \(change.headcount?.kind)::text IS NULL THEN headcount_max ELSE \(change.headcount?.max)::integer END,
                duties = coalesce(\(change.duties.map(OrgRules.jsonList))::jsonb, duties),
                forms = coalesce(\(change.forms.map(OrgRules.jsonList))::jsonb, forms), kind = coalesce(\(change.kind), kind),
                reports_to = CASE WHEN \(change.reportsTo != nil)::boolean THEN \(reportsTo)::uuid ELSE reports_to END,
                span_min = CASE WHEN \(change.spanMin != nil)::boolean THEN \(change.spanMin ?? nil)::integer ELSE span_min END,
                span_max = CASE WHEN \(change.spanMax != nil)::boolean THEN \(change.spanMax ?? nil)::integer ELSE span_max END,
                sort_order = coalesce(\(change.sortOrder)::integer, sort_order)
            WHERE position_id = \(id)::uuid AND lower(valid) >= \(date)::date
            """ as PGQuery)
    }
}
