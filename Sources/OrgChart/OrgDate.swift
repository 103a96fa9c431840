// Days in the org chart: effective dates of changes and `as_of` of reads, always YYYY-MM-DD on
// the proleptic Gregorian calendar, in UTC. Dates are passed to SQL as text and cast to `date`.
// Day arithmetic counts days since 1970-01-01 (RFC3339.daysSinceEpoch and its inverse below), as
// Postgres does: no Foundation Calendar, whose "gregorian" switches to Julian before 1582 and
// which costs an allocation per call on the path of every unit's `effective_until`.

import App
import Foundation
import HTTP

package enum OrgDate {
    /// Today in UTC, the default effective date and `as_of`.
    package static var today: String { day(UTCClock.seconds() / 86_400) }

    package static func format(_ date: Date) -> String {
        day(Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
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
        guard let parts = RFC3339.date(date) else { return date }
        return day(RFC3339.daysSinceEpoch(parts) + days)
    }

    /// YYYY-MM-DD of the day `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
    private static func day(_ days: Int) -> String {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
