import Foundation
import TraktEmulator

/// An instant given on the command line (`--now`): Unix seconds, or an ISO-8601 instant such
/// as `2024-06-01T12:00:00Z` or `2024-06-01T14:00:00+02:00`.
public enum CommandLineInstant {
    /// The instant `text` names, or nil.
    ///
    /// Foundation's `Date.ISO8601FormatStyle` (Swift, no ICU) reads the usual forms;
    /// `ISO8601DateFormatter`, which reads exactly what traktql has always accepted, is asked
    /// only about what that rejects. Creating the formatter loads ICU's date formatting: 2.3 ms of
    /// a 12 ms start (the REPL's first prompt with `--now`, issue 23), for an answer that is
    /// the same (`CommandLineInstantTests`).
    public static func parse(_ text: String) -> Date? {
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        if Self.isPlain(text), let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return ISO8601DateFormatter().date(from: text)
    }

    /// What is wrong with `--now TEXT`, or nil: it must be a time, and one the built-in
    /// emulator's dataset can end at (queries count `since:7d` from it too; no real clock is
    /// before 1980).
    public static func problem(with text: String) -> String? {
        guard let date = parse(text) else { return "--now '\(text)' is not an ISO-8601 instant or Unix seconds" }
        return EmulatorConfiguration.problem(withNow: date).map { "--now '\(text)': " + $0 }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` or `…±HH:MM`, hours, minutes and seconds in range: the forms the
    /// two parsers read alike (the style also reads fractions and rolls 12:60 over to 13:00,
    /// which the formatter rejects).
    static func isPlain(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count == 20 || u.count == 25 else { return false }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard u[i] >= UInt8(ascii: "0") && u[i] <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(u[i] - UInt8(ascii: "0"))
            }
            return value
        }
        guard digits(0..<4) != nil, u[4] == UInt8(ascii: "-"), digits(5..<7) != nil, u[7] == UInt8(ascii: "-"), digits(8..<10) != nil,
              u[10] == UInt8(ascii: "T"), let hour = digits(11..<13), hour < 24, u[13] == UInt8(ascii: ":"),
              let minute = digits(14..<16), minute < 60, u[16] == UInt8(ascii: ":"), let second = digits(17..<19), second < 60
        else { return false }
        if u.count == 20 { return u[19] == UInt8(ascii: "Z") }
        guard u[19] == UInt8(ascii: "+") || u[19] == UInt8(ascii: "-"), let zoneHours = digits(20..<22), zoneHours < 24,
              u[22] == UInt8(ascii: ":"), let zoneMinutes = digits(23..<25), zoneMinutes < 60
        else { return false }
        return true
    }
}
