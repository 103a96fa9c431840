// The kernel's Day alone: every day from year 1000 to 9999 formats as the text it parses from,
// agrees with Foundation's Gregorian calendar, and steps across month, year and leap-day ends.

@testable import App
import Foundation
import Testing

@Suite("Day: calendar days without Foundation")
struct DayTests {
    @Test("every day of years 1000–9999 round-trips through its YYYY-MM-DD text, one day apart")
    func roundTrip() throws {
        let first = try #require(Day("1000-01-01")), last = try #require(Day("9999-12-31"))
        var previous: Day?
        for number in first.daysSinceEpoch...last.daysSinceEpoch {
            let day = Day(daysSinceEpoch: number)
            let text = day.description
            guard Day(text) == day else { Issue.record("\(number) → \(text) does not parse back"); return }
            if let previous, previous.adding(days: 1) != day { Issue.record("\(previous) + 1 ≠ \(day)"); return }
            previous = day
        }
    }

    @Test("agrees with Foundation's Gregorian calendar in UTC on a spread of days from 1600 (before 1582 Foundation's is Julian; ours, like Postgres, is proleptic)")
    func agreesWithFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for number in stride(from: try #require(Day("1600-01-01")).daysSinceEpoch, through: 2_900_000, by: 997) {
            let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(number) * 86_400))
            let civil = Day(daysSinceEpoch: number).civil
            #expect(civil.year == parts.year && civil.month == parts.month && civil.day == parts.day, "day \(number)")
        }
    }

    @Test("ends of months, years and leap days", arguments: [
        ("2024-02-28", 1, "2024-02-29"), ("2024-02-29", 1, "2024-03-01"), ("2023-02-28", 1, "2023-03-01"),
        ("2026-12-31", 1, "2027-01-01"), ("2027-01-01", -1, "2026-12-31"), ("2000-03-01", -1, "2000-02-29"),
        ("1900-03-01", -1, "1900-02-28"), ("1970-01-01", -1, "1969-12-31"),
    ])
    func steps(from: String, days: Int, to: String) throws {
        #expect(try #require(Day(from)).adding(days: days).description == to)
    }

    @Test("texts that are not days are refused", arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "20260101", "", "2026-04-31"])
    func refused(text: String) {
        #expect(Day(text) == nil)
    }

    @Test("today is the wall clock's day in UTC")
    func today() {
        let seconds = Int(Date().timeIntervalSince1970)
        #expect(abs(Day.today.daysSinceEpoch - seconds / 86_400) <= 1)
    }
}

@Suite("Day: months")
struct DayMonthTests {
    @Test("adding months keeps the day, or the month's last day when it is shorter; years roll over both ways")
    func months() {
        #expect(Day("2024-01-31")!.adding(months: 1).description == "2024-02-29")
        #expect(Day("2023-01-31")!.adding(months: 1).description == "2023-02-28")
        #expect(Day("2025-11-15")!.adding(months: 14).description == "2027-01-15")
        #expect(Day("2025-03-31")!.adding(months: -1).description == "2025-02-28")
        #expect(Day("2025-01-10")!.adding(months: -13).description == "2023-12-10")
        #expect(Day("2026-12-06")!.adding(months: 0).description == "2026-12-06")
    }

    @Test("a day built from year, month and day is the day parsed from its text")
    func civil() {
        for text in ["1970-01-01", "2000-02-29", "2026-12-06", "1900-03-01", "2400-12-31"] {
            let day = Day(text)!
            #expect(Day(year: day.civil.year, month: day.civil.month, day: day.civil.day) == day, "\(text)")
        }
    }
}
