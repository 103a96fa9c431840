// A calendar day in UTC on the proleptic Gregorian calendar, as days since 1970-01-01: the one
// type for effective dates, `as_of` and "today". Arithmetic and formatting are integer work
// (civil-from-days), no Foundation Calendar: the tree writes an end date for every unit, so this
// is on the hot path of the chart.

import EventLoop
import HTTP

package struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var daysSinceEpoch: Int

    package init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// A day written YYYY-MM-DD that exists on the calendar; nil otherwise.
    package init?(_ text: some StringProtocol) {
        guard let day = RFC3339.date(String(text)) else { return nil }
        daysSinceEpoch = RFC3339.daysSinceEpoch(day)
    }

    /// Today in UTC, from the wall clock.
    package static var today: Day {
        Day(daysSinceEpoch: UTCTime.now().seconds / 86_400)       // after 1970: division floors
    }

    package func adding(days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + days) }

    /// The same day of the month `months` later (earlier when negative); the month's last day
    /// when it is shorter (2024-01-31 plus one month is 2024-02-29). For warranty periods.
    package func adding(months: Int) -> Day {
        let (year, month, day) = civil
        let index = year * 12 + (month - 1) + months
        let (newYear, newMonth) = (index >= 0 ? index / 12 : (index - 11) / 12, ((index % 12) + 12) % 12 + 1)
        let leap = newYear % 4 == 0 && (newYear % 100 != 0 || newYear % 400 == 0)
        let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][newMonth - 1]
        return Day(year: newYear, month: newMonth, day: min(day, length))
    }

    /// The day of a valid year, month and day (Howard Hinnant's days_from_civil).
    package init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        self.init(daysSinceEpoch: era * 146_097 + dayOfEra - 719_468)
    }

    /// Year, month and day (Howard Hinnant's civil_from_days).
    package var civil: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// YYYY-MM-DD (years 0–9999 as four digits).
    package var description: String {
        let (year, month, day) = civil
        var text = ""
        text.reserveCapacity(10)
        Self.append(year, width: 4, to: &text)
        text.append("-")
        Self.append(month, width: 2, to: &text)
        text.append("-")
        Self.append(day, width: 2, to: &text)
        return text
    }

    package static func < (a: Day, b: Day) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    private static func append(_ value: Int, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width { text.append(String(repeating: "0", count: width - digits.count)) }
        text.append(digits)
    }
}
