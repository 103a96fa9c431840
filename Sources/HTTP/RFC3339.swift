// The one strict reader of dates and times clients send: RFC 3339 `full-date` (2027-01-31) and
// `date-time` (2027-01-31T08:00:00Z, 2027-01-31T16:00:00.5+08:00), with real calendar days,
// four-digit years 0001–9999, hours 00–23, minutes and seconds 00–59 (no leap second), and an
// offset of Z or ±HH:MM. `T` and `Z` are upper case, as RFC 3339 allows an application to
// require. What passes here is what Postgres reads the same way, so no value reaches the
// database to be refused there without naming its field.

public enum RFC3339 {
    public struct Day: Sendable, Equatable {
        public var year: Int
        public var month: Int
        public var day: Int
    }

    /// The day written YYYY-MM-DD, or nil when it is not one or not on the calendar.
    public static func date(_ text: String) -> Day? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return nil }
        return day(bytes[...])
    }

    /// Seconds since 1970-01-01T00:00:00Z (fractions dropped), or nil when `text` is not a
    /// date-time as above.
    public static func dateTime(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T"), let day = day(bytes[0..<10]),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let hour = number(bytes, 11..<13), hour <= 23,
              let minute = number(bytes, 14..<16), minute <= 59,
              let second = number(bytes, 17..<19), second <= 59 else { return nil }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == UInt8(ascii: "Z") {
            index += 1
        } else {
            guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count,
                  bytes[index + 3] == UInt8(ascii: ":"),
                  let hours = number(bytes, index + 1..<index + 3), hours <= 23,
                  let minutes = number(bytes, index + 4..<index + 6), minutes <= 59 else { return nil }
            offset = (hours * 60 + minutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        }
        guard index == bytes.count else { return nil }
        let seconds = daysSinceEpoch(day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Int64(seconds)
    }

    /// YYYY-MM-DD in exactly these ten bytes.
    private static func day(_ bytes: ArraySlice<UInt8>) -> Day? {
        let base = bytes.startIndex
        guard bytes.count == 10, bytes[base + 4] == UInt8(ascii: "-"), bytes[base + 7] == UInt8(ascii: "-"),
              let year = number(bytes, base..<base + 4), year >= 1,
              let month = number(bytes, base + 5..<base + 7), (1...12).contains(month),
              let day = number(bytes, base + 8..<base + 10), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days ? Day(year: year, month: month, day: day) : nil
    }

    /// Days from 1970-01-01 to `day` on the proleptic Gregorian calendar (Howard Hinnant's
    /// days_from_civil).
    public static func daysSinceEpoch(_ day: Day) -> Int {
        let year = day.month <= 2 ? day.year - 1 : day.year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (day.month + (day.month > 2 ? -3 : 9)) + 2) / 5 + day.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func number<C: Collection<UInt8>>(_ bytes: C, _ range: Range<C.Index>) -> Int? {
        var value = 0
        for byte in bytes[range] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
