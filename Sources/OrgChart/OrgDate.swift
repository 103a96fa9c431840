// Days in the org chart's API: effective dates of changes and `as_of` of reads, always YYYY-MM-DD
// on the proleptic Gregorian calendar, in UTC, read from requests with the rules that name the
// field. Dates are passed to SQL as text and cast to `date`; the arithmetic is the kernel's `Day`
// (no Foundation Calendar, whose "gregorian" switches to Julian before 1582 and which costs an
// allocation per call on the path of every unit's `effective_until`).

import App
import HTTP

package enum OrgDate {
    /// Today in UTC, the default effective date and `as_of`.
    package static var today: String { Day.today.description }

    /// True for a real calendar day written YYYY-MM-DD (years 1000–9999).
    package static func isValid(_ text: String) -> Bool {
        guard let day = RFC3339.date(text) else { return false }
        return day.year >= 1000
    }

    /// The `as_of` query parameter, today when absent; 400 naming `as_of` when malformed.
    package static func asOf(_ context: RequestContext, parameter: String = "as_of") throws -> String {
        guard let text = context.query(parameter) else { return today }
        guard isValid(text) else {
            throw Problem.invalidQuery(parameter, rule: "date", "\(parameter) must be a date written YYYY-MM-DD, got \(text)")
        }
        return text
    }

    /// An effective date from a body, today when absent; 422 naming the field when malformed.
    package static func body(_ text: String?, field: String = "effective_date") throws -> String {
        guard let text else { return today }
        guard isValid(text) else {
            throw Problem.invalid(field, rule: "date", "\(field) must be a date written YYYY-MM-DD, got \(text)")
        }
        return text
    }

    /// The day after `date` (for inclusive end dates stored as exclusive range bounds).
    package static func dayAfter(_ date: String) -> String { shift(date, by: 1) }

    /// The day before `date` (stored exclusive upper bounds shown as inclusive end dates).
    package static func dayBefore(_ date: String) -> String { shift(date, by: -1) }

    /// `date` moved by `days`; `date` itself when it is not a day written YYYY-MM-DD.
    private static func shift(_ date: String, by days: Int) -> String {
        Day(date).map { $0.adding(days: days).description } ?? date
    }
}
