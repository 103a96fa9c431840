// A WAL position, as the primary reports where it inserts and a replica where it has replayed
// to; read routing compares the two (PrimaryWALHistory, App's ReadReplicas).

/// A WAL position (`pg_lsn`): the text form is two hexadecimal halves, `16/B374D848`.
public struct PGLSN: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    /// Parses `pg_lsn` text; nil for anything else (a NULL from a function reads as nil before).
    public init?(_ text: String) {
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, let high = UInt32(halves[0], radix: 16), let low = UInt32(halves[1], radix: 16) else {
            return nil
        }
        value = UInt64(high) << 32 | UInt64(low)
    }

    /// A position no replica reaches: for a write whose position could not be read.
    public static let unreachable = PGLSN(.max)

    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xffff_ffff, radix: 16, uppercase: true)
    }

    public static func < (lhs: PGLSN, rhs: PGLSN) -> Bool { lhs.value < rhs.value }

    /// `pg_current_wal_insert_lsn()` names the first byte after a page's header when the last
    /// record ended exactly at the page's start, a position a replica's replay never reports (it
    /// stops at the record's end). The page's start is the same point in the history: 24 bytes
    /// back on most pages (the short header), 40 on a segment's first page (the long header).
    /// The segment case is the common one on an idle primary: a WAL switch (a base backup's end,
    /// `archive_timeout`, `pg_switch_wal()`) leaves the insert position just past the next
    /// segment's header, and a replica that has replayed the switch reports the segment's start.
    public func atRecordBoundary(pageSize: UInt64, segmentSize: UInt64) -> PGLSN {
        if segmentSize > 40, value % segmentSize == 40 { return PGLSN(value - 40) }
        guard pageSize > 24, value % pageSize == 24 else { return self }
        return PGLSN(value - 24)
    }
}
