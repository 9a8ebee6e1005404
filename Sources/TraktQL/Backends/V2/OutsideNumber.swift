import Foundation

/// Numbers that come from outside — a server's JSON or headers, a saved token file — checked
/// before they become instants, waits or counts.
///
/// Swift traps when a `Double` outside an integer type's range is converted to it
/// (`Int64(1e300)`), and `Date` arithmetic with such a number gives instants that trap later,
/// when they are written out. So every outside number goes through here first: non-finite and
/// out-of-range values are refused (`nil`) or clamped into the range the caller names, and
/// every conversion to an integer is a clamping one.
public enum OutsideNumber {
    /// The latest instant traktql writes or believes: 9999-12-31T23:59:59Z.
    public static let latestUnixTime: Double = 253_402_300_799

    /// A JSON number (or a string holding one, as some servers send numbers) as a finite
    /// `Double`; nil for anything else (`true`, `"soon"`, `NaN`, `1e400`).
    public static func double(_ value: Value?) -> Double? {
        switch value {
        case .int(let i)?: return Double(i)
        case .double(let d)? where d.isFinite: return d
        case .string(let s)?:
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            guard trimmed.utf8.count <= 40, let d = Double(trimmed), d.isFinite else { return nil }
            return d
        default: return nil
        }
    }

    /// `value` clamped into `range`; NaN becomes `range.lowerBound`.
    public static func clamp(_ value: Double, to range: ClosedRange<Double>) -> Double {
        guard !value.isNaN else { return range.lowerBound }
        return min(max(value, range.lowerBound), range.upperBound)
    }

    /// Whole seconds of `seconds` for messages and counters, clamped into ±10^15 (no trap for
    /// any `Double`, NaN included).
    public static func wholeSeconds(_ seconds: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> Int64 {
        Int64(clamp(seconds.rounded(rule), to: -1e15...1e15))
    }

    /// A `Duration` to sleep for `seconds`, clamped into 0…`upTo` (NaN: zero).
    public static func duration(seconds: Double, upTo limit: Double = 86_400) -> Duration {
        .milliseconds(Int64((clamp(seconds, to: 0...max(0, limit)) * 1000).rounded(.up)))
    }

    /// Nanoseconds for `Task.sleep(nanoseconds:)`, clamped into 0…`upTo` seconds (NaN: zero).
    public static func nanoseconds(seconds: Double, upTo limit: Double = 86_400) -> UInt64 {
        UInt64((clamp(seconds, to: 0...max(0, limit)) * 1e9).rounded(.up))
    }

    /// Unix seconds of `date` for a file, clamped into 1970…9999.
    public static func unixSeconds(_ date: Date) -> Int64 {
        Int64(clamp(date.timeIntervalSince1970.rounded(), to: 0...latestUnixTime))
    }

    /// A header's value as a whole number in `range` (`" 12 "` → 12); nil when it is missing,
    /// not a plain decimal number, or out of range (`99999999999999999999`, `-1` for a count).
    public static func headerInteger(_ text: String?, in range: ClosedRange<Int> = 0...Int.max) -> Int? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 20, let n = Int(trimmed), range.contains(n) else { return nil }
        return n
    }
}
