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
        _ = try await connection.query("""
            UPDATE position_versions SET title = coalesce($2, title),
                grade = CASE WHEN $3::boolean THEN $4 ELSE grade END,
                headcount_kind = coalesce($5, headcount_kind),
                headcount_min = CASE WHEN $5 IS NULL THEN headcount_min ELSE $6::integer END,
                headcount_max = CASE WHEN $5 IS NULL THEN headcount_max ELSE $7::integer END,
                duties = coalesce($8::jsonb, duties), forms = coalesce($9::jsonb, forms), kind = coalesce($10, kind),
                reports_to = CASE WHEN $11::boolean THEN $12::uuid ELSE reports_to END,
                span_min = CASE WHEN $13::boolean THEN $14::integer ELSE span_min END,
                span_max = CASE WHEN $15::boolean THEN $16::integer ELSE span_max END,
                sort_order = coalesce($17::integer, sort_order)
            WHERE position_id = $1::uuid AND lower(valid) >= $18::date
            """, [id, change.title, change.grade != nil, change.grade ?? nil,
                  change.headcount?.kind, change.headcount?.min, change.headcount?.max,
                  change.duties.map(OrgRules.jsonList), change.forms.map(OrgRules.jsonList), change.kind,
                  change.reportsTo != nil, (change.reportsTo ?? nil)?.lowercased(),
                  change.spanMin != nil, change.spanMin ?? nil, change.spanMax != nil, change.spanMax ?? nil,
                  change.sortOrder, date])
    }
}
