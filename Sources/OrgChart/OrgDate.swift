// Days in the org chart: effective dates of changes and `as_of` of reads, always YYYY-MM-DD on
// the proleptic Gregorian calendar, in UTC. Dates are passed to SQL as text and cast to `date`.

import App
import Foundation
import HTTP

package enum OrgDate {
    /// Today in UTC, the default effective date and `as_of`.
    package static var today: String { format(Date()) }

    package static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// True for a real calendar day written YYYY-MM-DD (years 1000–9999).
    package static func isValid(_ text: String) -> Bool {
        guard let day = RFC3339.date(text) else { return false }
        return day.year >= 1000
    }

    /// The `as_of` query parameter, today when absent; 400 naming `as_of` when malformed.
    package static func asOf(_ context: RequestContext, parameter: String = "as_of") throws -> String {
        guard let text = context.query(parameter) else { return today }
        guard isValid(text) else {
            throw Problem(status: 400, code: "INVALID_QUERY", title: "Bad Request",
                          detail: "\(parameter) must be a date written YYYY-MM-DD, got \(text)", field: parameter, rule: "date")
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
    package static func dayAfter(_ date: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = date.split(separator: "-").compactMap { Int($0) }
        let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
        return format(calendar.date(byAdding: .day, value: 1, to: day)!)
    }

    /// The day before `date` (stored exclusive upper bounds shown as inclusive end dates).
    package static func dayBefore(_ date: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = date.split(separator: "-").compactMap { Int($0) }
        let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
        return format(calendar.date(byAdding: .day, value: -1, to: day)!)
    }
}
