// The longest text orgd stores in each free-text field, in characters (Unicode scalars), and
// which fields may hold line breaks. One table for every JSON body (RequestContext.body) and
// every import cell (ImportBatch); docs/openapi.yaml states the same numbers as `maxLength`
// and docs/errors.md lists them. Field rules that are stricter (a login's 64, a code's
// format) still apply after this ceiling.

import HTTP

extension TextRules {
    @usableFromInline package static let orgd = TextRules(limits: [
        // Names people read in lists: units, regions, positions (title), people, roles,
        // tenants, API keys, accounts (display_name).
        "name": Limit(maxLength: 200), "title": Limit(maxLength: 200), "display_name": Limit(maxLength: 200),
        "position_title": Limit(maxLength: 200), "reports_to_title": Limit(maxLength: 200),
        "login": Limit(maxLength: 64), "admin_login": Limit(maxLength: 64),
        "password": Limit(maxLength: 200), "current_password": Limit(maxLength: 200),
        // Prose.
        "description": Limit(maxLength: 2_000, multiline: true),
        "note": Limit(maxLength: 500, multiline: true),
        "notes": Limit(maxLength: 2_000, multiline: true),         // technicians, their trainings
        "findings": Limit(maxLength: 5_000, multiline: true),      // inspections
        "reason": Limit(maxLength: 500, multiline: true),          // a site's lifecycle moves
        "override_reason": Limit(maxLength: 500, multiline: true), // a case's warranty override
        "work_done": Limit(maxLength: 2_000, multiline: true),     // a site's report on a case
        "address": Limit(maxLength: 500),                          // sites
        // List items: one line each (a CSV cell holds a list as one item per line).
        "functions": Limit(maxLength: 1_000), "duties": Limit(maxLength: 1_000), "forms": Limit(maxLength: 1_000),
    ], fallback: Limit(maxLength: 200))
}
