// Postgres's binary wire format for the types orgd reads (the *send functions in the server's
// src/backend/utils/adt): big-endian integers and floats, uuid as 16 bytes, date as days and
// timestamps as microseconds since 2000-01-01, jsonb as a version byte and its text, numeric
// as base-10000 digits. `text(_:)` renders a binary value as Postgres's text output would
// print it (DateStyle ISO, TimeZone UTC for timestamptz), so `String` reads either format.

enum PGBinary {
    static func uint16(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        UInt16(bigEndian: bytes.loadUnaligned(as: UInt16.self))
    }

    static func uint32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self))
    }

    static func uint64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
    }

    /// The text Postgres would have sent for this binary value; nil for a type not read here
    /// or bytes that are not a valid value of the type.
    static func text(_ value: PGValue) -> String? {
        let bytes = value.bytes
        switch value.type {
        case .text, .varchar, .bpchar, .name, .unknown, .json, .unspecified:
            return String(decoding: bytes, as: UTF8.self)
        case .jsonb:
            return jsonText(bytes).map { String(decoding: $0, as: UTF8.self) }
        case .uuid:
            return bytes.count == 16 ? uuidText(bytes) : nil
        case .int2, .int4, .int8:
            return (try? value.integer()).map { String($0) }
        case .oid:
            return bytes.count == 4 ? String(uint32(bytes)) : nil
        case .bool:
            return bytes.count == 1 ? (bytes[0] != 0 ? "t" : "f") : nil
        case .float8:
            return bytes.count == 8 ? floatText(Double(bitPattern: uint64(bytes)).description) : nil
        case .float4:
            return bytes.count == 4 ? floatText(Float(bitPattern: uint32(bytes)).description) : nil
        case .numeric:
            return numericText(bytes)
        case .date:
            return bytes.count == 4 ? dateText(days: Int32(bitPattern: uint32(bytes))) : nil
        case .timestamp, .timestamptz:
            guard bytes.count == 8 else { return nil }
            return timestampText(microseconds: Int64(bitPattern: uint64(bytes)), utcOffset: value.type == .timestamptz)
        case .bytea:
            return byteaText(bytes)
        case .char:
            return bytes.count == 1 ? String(decoding: bytes, as: UTF8.self) : nil
        default:
            return nil
        }
    }

    /// The JSON text of a json value, or of a jsonb value after its version byte (1).
    static func jsonText(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard bytes.first == 1 else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[1...])
    }

    /// 8-4-4-4-12 lowercase hex digits, as uuid_out prints them.
    static func uuidText(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 36) { text in
            var out = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[out] = UInt8(ascii: "-")
                    out += 1
                }
                text[out] = hexDigit(bytes[index] >> 4)
                text[out + 1] = hexDigit(bytes[index] & 15)
                out += 2
            }
            return 36
        }
    }

    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    /// YYYY-MM-DD (proleptic Gregorian, as Postgres counts), "YYYY-MM-DD BC" before year 1,
    /// and infinity/-infinity.
    static func dateText(days: Int32) -> String {
        if days == .max { return "infinity" }
        if days == .min { return "-infinity" }
        let (year, month, day) = civil(daysSince2000: Int64(days))
        return ascii(capacity: 32) { text in
            var end = writeDate(year, month, day, into: text)
            if year <= 0 { end = write(" BC", into: text, at: end) }
            return end
        }
    }

    /// YYYY-MM-DD HH:MM:SS[.ffffff][+00][ BC], as timestamp_out and (with TimeZone UTC)
    /// timestamptz_out print it: the fraction without trailing zeros, the offset as +00.
    static func timestampText(microseconds: Int64, utcOffset: Bool) -> String {
        if microseconds == .max { return "infinity" }
        if microseconds == .min { return "-infinity" }
        let perDay: Int64 = 86_400_000_000
        let days = microseconds >= 0 ? microseconds / perDay : (microseconds - perDay + 1) / perDay
        let time = microseconds - days * perDay
        let (year, month, day) = civil(daysSince2000: days)
        let seconds = Int(time / 1_000_000)
        var fraction = Int(time % 1_000_000)
        return ascii(capacity: 48) { text in
            var end = writeDate(year, month, day, into: text)
            text[end] = UInt8(ascii: " ")
            end = writeTwoDigits(seconds / 3600, into: text, at: end + 1)
            text[end] = UInt8(ascii: ":")
            end = writeTwoDigits(seconds / 60 % 60, into: text, at: end + 1)
            text[end] = UInt8(ascii: ":")
            end = writeTwoDigits(seconds % 60, into: text, at: end + 1)
            if fraction > 0 {
                var digits = 6
                while fraction % 10 == 0 {
                    fraction /= 10
                    digits -= 1
                }
                text[end] = UInt8(ascii: ".")
                for index in stride(from: end + digits, to: end, by: -1) {
                    text[index] = UInt8(ascii: "0") + UInt8(fraction % 10)
                    fraction /= 10
                }
                end += 1 + digits
            }
            if utcOffset { end = write("+00", into: text, at: end) }
            if year <= 0 { end = write(" BC", into: text, at: end) }
            return end
        }
    }

    /// The text `write` puts in a stack buffer of `capacity` bytes (returning its length):
    /// unlike String(unsafeUninitializedCapacity:), a short result (a date) becomes a small
    /// string, with no heap allocation.
    private static func ascii(capacity: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            let length = write(buffer)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<length]), as: UTF8.self)
        }
    }

    /// Writes YYYY-MM-DD at the start of `text` (the year in at least four digits, a year
    /// before 1 as its BC number: 0 is 1 BC); returns where it ended.
    private static func writeDate(_ year: Int64, _ month: Int, _ day: Int, into text: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var shown = year > 0 ? year : 1 - year
        var digits = 4
        var scale: Int64 = 10_000
        while shown >= scale {
            digits += 1
            scale *= 10
        }
        for index in stride(from: digits - 1, through: 0, by: -1) {
            text[index] = UInt8(ascii: "0") + UInt8(shown % 10)
            shown /= 10
        }
        text[digits] = UInt8(ascii: "-")
        var end = writeTwoDigits(month, into: text, at: digits + 1)
        text[end] = UInt8(ascii: "-")
        end = writeTwoDigits(day, into: text, at: end + 1)
        return end
    }

    private static func writeTwoDigits(_ number: Int, into text: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        text[index] = UInt8(ascii: "0") + UInt8(number / 10)
        text[index + 1] = UInt8(ascii: "0") + UInt8(number % 10)
        return index + 2
    }

    private static func write(_ ascii: StaticString, into text: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        ascii.withUTF8Buffer { bytes in
            for (offset, byte) in bytes.enumerated() { text[index + offset] = byte }
        }
        return index + ascii.utf8CodeUnitCount
    }

    /// Days since 2000-01-01 to (year, month, day), year 0 being 1 BC (H. Hinnant's
    /// civil_from_days, shifted from 1970).
    static func civil(daysSince2000: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = daysSince2000 + 10_957 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Swift prints integral floats with ".0" and spells the special values its own way;
    /// Postgres prints "2", "NaN", "Infinity". Otherwise both print the shortest text that
    /// reads back as the same number, though the switch to exponent notation may differ.
    static func floatText(_ description: String) -> String {
        switch description {
        case "nan", "-nan": return "NaN"
        case "inf": return "Infinity"
        case "-inf": return "-Infinity"
        default: return description.hasSuffix(".0") ? String(description.dropLast(2)) : description
        }
    }

    /// numeric_send: digit count, weight (of the first digit, in powers of 10000), sign,
    /// display scale, then the base-10000 digits. Printed as numeric_out does.
    static func numericText(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard bytes.count >= 8 else { return nil }
        let count = Int(Int16(bitPattern: uint16(bytes)))
        let weight = Int(Int16(bitPattern: uint16(UnsafeRawBufferPointer(rebasing: bytes[2...]))))
        let sign = uint16(UnsafeRawBufferPointer(rebasing: bytes[4...]))
        let scale = Int(uint16(UnsafeRawBufferPointer(rebasing: bytes[6...])))
        switch sign {
        case 0xC000: return "NaN"
        case 0xD000: return "Infinity"
        case 0xF000: return "-Infinity"
        case 0x0000, 0x4000: break
        default: return nil
        }
        guard count >= 0, bytes.count == 8 + 2 * count else { return nil }
        func digit(_ index: Int) -> Int {
            guard index >= 0, index < count else { return 0 }
            return Int(uint16(UnsafeRawBufferPointer(rebasing: bytes[(8 + 2 * index)...])))
        }
        func fourDigits(_ number: Int) -> String {
            let digits = String(number)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }
        var text = sign == 0x4000 && count > 0 ? "-" : ""
        if weight < 0 {
            text += "0"
        } else {
            text += String(digit(0))
            for index in stride(from: 1, through: weight, by: 1) { text += fourDigits(digit(index)) }
        }
        if scale > 0 {
            var fraction = ""
            var index = weight + 1
            while fraction.count < scale {
                fraction += fourDigits(digit(index))
                index += 1
            }
            text += "." + fraction.prefix(scale)
        }
        return text
    }

    /// bytea_out's hex format: \x and two lowercase digits a byte.
    static func byteaText(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 2 + bytes.count * 2) { text in
            text[0] = UInt8(ascii: "\\")
            text[1] = UInt8(ascii: "x")
            for (index, byte) in bytes.enumerated() {
                text[2 + index * 2] = hexDigit(byte >> 4)
                text[3 + index * 2] = hexDigit(byte & 15)
            }
            return 2 + bytes.count * 2
        }
    }
}
