import Foundation
import Testing
@testable import TraktQLShell

/// `--now` reads exactly what it read when ISO8601DateFormatter alone parsed it: the fast path
/// (Date.ISO8601FormatStyle, no ICU) must neither accept what the formatter rejects nor read
/// an instant differently.
@Suite struct CommandLineInstantTests {
    static func formatter(_ text: String) -> Date? {
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        return ISO8601DateFormatter().date(from: text)
    }

    static let inputs: [String] = {
        var inputs = [
            "2024-06-01T12:00:00Z", "2024-06-01T12:00:00+02:00", "2024-06-01T12:00:00-07:00", "2024-06-01T12:00:00+0200",
            "2024-06-01T12:00:00+02", "2024-06-01T12:00:00z", "2024-06-01t12:00:00Z", "2024-06-01 12:00:00Z",
            "2024-06-01T12:00:00.5Z", "2024-06-01T12:00:00.123456Z", "2024-06-01T12:00Z", "2024-06-01T12Z", "2024-06-01",
            "2024-06-01T12:00:00", "20240601T120000Z", "2024-6-1T12:00:00Z", "2024-06-01T24:00:00Z", "2024-02-30T12:00:00Z",
            "2024-13-01T12:00:00Z", "2024-06-01T12:60:00Z", "2024-06-01T12:00:60Z", "2023-02-29T00:00:00Z", "2024-02-29T00:00:00Z",
            " 2024-06-01T12:00:00Z", "2024-06-01T12:00:00Z ", "2024-06-01T12:00:00Zjunk", "2024-06-01T12:00:00+25:00",
            "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z", "10000-01-01T00:00:00Z", "-2024-06-01T12:00:00Z",
            "2024-06-01T12:00:00GMT", "2024-06-01T12:00:00UTC", "2024-06-01T12:00:00+02:30", "2024-06-01T12:00:00-00:00",
            "", "now", "T", "Z", "1717243200", "1717243200.5", "-1", "1e9", "nan", "inf", "0x10", "2024", "2024-06",
            "2024-06-01T12:00:00+02:00:00", "２０２４-06-01T12:00:00Z", "2024-06-01T12:00:00\u{0}Z",
        ]
        // Every second of a leap day and of both 2024 US DST changes, at a stride.
        for base in [1_709_164_800, 1_710_064_800, 1_730_624_400] {
            for offset in stride(from: -7_200, through: 7_200, by: 1_799) {
                let date = Date(timeIntervalSince1970: TimeInterval(base + offset))
                inputs.append(ISO8601DateFormatter().string(from: date))
                let zoned = ISO8601DateFormatter()
                zoned.timeZone = TimeZone(secondsFromGMT: -25_200)
                inputs.append(zoned.string(from: date))
            }
        }
        return inputs
    }()

    @Test func readsWhatTheFormatterRead() {
        // Compared as bit patterns: NaN seconds equal themselves, and no Date is described
        // (Date.description traps on a non-finite instant).
        for input in Self.inputs {
            let read = CommandLineInstant.parse(input)?.timeIntervalSince1970.bitPattern
            #expect(read == Self.formatter(input)?.timeIntervalSince1970.bitPattern, "\(input.debugDescription)")
        }
    }

    @Test func readsTheUsualForms() {
        #expect(CommandLineInstant.parse("2024-06-01T12:00:00Z") == Date(timeIntervalSince1970: 1_717_243_200))
        #expect(CommandLineInstant.parse("2024-06-01T14:00:00+02:00") == Date(timeIntervalSince1970: 1_717_243_200))
        #expect(CommandLineInstant.parse("1717243200") == Date(timeIntervalSince1970: 1_717_243_200))
        #expect(CommandLineInstant.parse("June 1st") == nil)
    }
}
