// Wall-clock time formatted for HTTP's Date header (RFC 9110 IMF-fixdate) and for logs
// (RFC 3339), without Foundation. The Date header is cached per second by each loop.

import Glibc

public enum UTCTime {
    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func now() -> (seconds: Int, millis: Int) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return (Int(ts.tv_sec), Int(ts.tv_nsec) / 1_000_000)
    }

    static func broken(_ seconds: Int) -> tm {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return parts
    }

    /// "Sun, 06 Nov 1994 08:49:37 GMT"
    public static func httpDate(_ seconds: Int) -> String {
        let t = broken(seconds)
        return "\(days[Int(t.tm_wday)]), \(pad(t.tm_mday)) \(months[Int(t.tm_mon)]) \(t.tm_year + 1900) \(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec)) GMT"
    }

    /// "2026-11-29T09:45:51.123Z"
    public static func iso8601Now() -> String {
        let (seconds, millis) = now()
        let t = broken(seconds)
        let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(t.tm_year + 1900)-\(pad(t.tm_mon + 1))-\(pad(t.tm_mday))T\(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec)).\(ms)Z"
    }

    static func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
