// The strict date and time reader (issue 9, defect 6: expires_at took 10000-01-01T00:00:00Z and
// 2030/01/01 00:00, and 2030-02-30 reached Postgres, which refused it without naming the field).

import Testing
import HTTP

@Suite("RFC 3339 dates and times")
struct RFC3339Tests {
    @Test("date-times in every allowed form give the instant they name",
          arguments: [("1970-01-01T00:00:00Z", 0), ("2030-01-01T00:00:00Z", 1_893_456_000),
                      ("2030-01-01T08:00:00+08:00", 1_893_456_000), ("2029-12-31T19:00:00-05:00", 1_893_456_000),
                      ("2030-01-01T00:00:00.999Z", 1_893_456_000), ("2028-02-29T12:00:00Z", 1_835_438_400),
                      ("9999-12-31T23:59:59Z", 253_402_300_799), ("0001-01-01T00:00:00Z", -62_135_596_800)])
    func valid(_ text: String, _ seconds: Int64) {
        #expect(RFC3339.dateTime(text) == seconds)
    }

    @Test("anything else is refused",
          arguments: ["10000-01-01T00:00:00Z", "2030/01/01 00:00", "2030-02-30T00:00:00Z", "2029-02-29T00:00:00Z",
                      "2030-13-01T00:00:00Z", "2030-00-10T00:00:00Z", "2030-01-00T00:00:00Z", "0000-01-01T00:00:00Z",
                      "2030-01-01 00:00:00Z", "2030-01-01T00:00:00", "2030-01-01T24:00:00Z", "2030-01-01T00:60:00Z",
                      "2030-01-01T00:00:60Z", "2030-01-01T00:00:00+24:00", "2030-01-01T00:00:00+0800", "2030-01-01T00:00:00.Z",
                      "2030-01-01t00:00:00z", "2030-1-01T00:00:00Z", "+2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z ",
                      "2030-01-01", "", "２０３０-01-01T00:00:00Z", "2030-01-01T00:00:00+08:00:00"])
    func refused(_ text: String) {
        #expect(RFC3339.dateTime(text) == nil)
    }

    @Test("full dates are real calendar days", arguments: ["2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"])
    func validDate(_ text: String) {
        #expect(RFC3339.date(text) != nil)
    }

    @Test("dates that are not days are refused",
          arguments: ["2023-02-29", "1900-02-29", "2030-04-31", "20240101", "2024-1-01", "2024-01-01T00:00:00Z", "0000-01-01", " 2024-01-01"])
    func refusedDate(_ text: String) {
        #expect(RFC3339.date(text) == nil)
    }
}
