// A grade named in a request: the ladder's own parser (Policy), its refusal as a 422 naming the field.

import HTTP
import Policy

extension GradeLadder {
    /// `text` as a grade of this ladder, or 422 `on_ladder` naming `field`.
    package func grade(_ text: String, field: String = "grade") throws -> Grade {
        do {
            return try parse(text)
        } catch {
            throw Problem.invalid(field, rule: "on_ladder", "\(field) \(text) is not a grade on the tenant's ladder (\(error.message))")
        }
    }
}
