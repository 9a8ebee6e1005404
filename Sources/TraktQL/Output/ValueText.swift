import Foundation

/// How single values are written in each format.
enum ValueText {
    // MARK: time

    struct Civil {
        var year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int
        var offsetSeconds: Int
    }

    /// The wall-clock fields of `date` in `zone` (proleptic Gregorian), without Calendar.
    static func civil(_ date: Date, in zone: TimeZone) -> Civil? {
        let t = date.timeIntervalSince1970
        guard t.isFinite, abs(t) < 1e14 else { return nil }  // ±3 million years
        let offset = zone.secondsFromGMT(for: date)
        let local = t + Double(offset)
        var seconds = local.rounded(.down)
        var millis = Int(((local - seconds) * 1000).rounded())
        if millis >= 1000 { millis -= 1000; seconds += 1 }
        let s = Int64(seconds)
        let days = s >= 0 ? s / 86_400 : (s - 86_399) / 86_400
        let secondOfDay = Int(s - days * 86_400)
        let date = GregorianDate(daysSinceEpoch: Int(days))
        return Civil(year: Int64(date.year), month: date.month, day: date.day, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60,
                     second: secondOfDay % 60, millisecond: millis, offsetSeconds: offset)
    }

    /// `2024-11-24T17:05:37-05:00` (`.123` milliseconds only when not zero).
    static func iso8601(_ date: Date, in zone: TimeZone) -> String {
        guard let c = civil(date, in: zone) else { return "\(date.timeIntervalSince1970)" }
        var s = "\(year(c.year))-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
        if c.millisecond != 0 { s += "." + three(c.millisecond) }
        let sign = c.offsetSeconds < 0 ? "-" : "+"
        let off = abs(c.offsetSeconds)
        s += "\(sign)\(two(off / 3600)):\(two(off / 60 % 60))"
        if off % 60 != 0 { s += ":\(two(off % 60))" }
        return s
    }

    /// `2024-11-24 17:05`, for tables.
    static func short(_ date: Date, in zone: TimeZone) -> String {
        guard let c = civil(date, in: zone) else { return "\(date.timeIntervalSince1970)" }
        return "\(year(c.year))-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))"
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    private static func three(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)" }
    private static func year(_ y: Int64) -> String {
        let digits = String(abs(y))
        let padded = digits.count >= 4 ? digits : String(repeating: "0", count: 4 - digits.count) + digits
        return y < 0 ? "-" + padded : padded
    }

    // MARK: durations and numbers

    /// `3d 4h`, `2h 5m`, `5m 3s`, `45s`, `0s`, `250ms`, `-2h`: the two largest units, the second
    /// left out when zero.
    static func duration(_ t: TimeInterval) -> String {
        if t.isNaN { return "NaN" }
        if t.isInfinite { return t < 0 ? "-∞" : "∞" }
        let sign = t < 0 ? "-" : ""
        let a = abs(t)
        if a == 0 { return "0s" }
        if a < 1 {
            let ms = Int((a * 1000).rounded())
            return ms == 0 ? "0s" : ms == 1000 ? "\(sign)1s" : "\(sign)\(ms)ms"
        }
        if a >= 8.64e17 { return sign + String(format: "%.3gd", a / 86_400) }
        let total = Int64(a.rounded())
        let parts: [(Int64, String)] = [
            (total / 86_400, "d"), (total / 3600 % 24, "h"), (total / 60 % 60, "m"), (total % 60, "s"),
        ]
        guard let first = parts.firstIndex(where: { $0.0 != 0 }) else { return "0s" }
        var s = sign + "\(parts[first].0)\(parts[first].1)"
        if first + 1 < parts.count, parts[first + 1].0 != 0 { s += " \(parts[first + 1].0)\(parts[first + 1].1)" }
        return s
    }

    /// Shortest round-tripping text; `nil` for NaN and infinities (JSON has no such numbers).
    static func double(_ d: Double) -> String? {
        guard d.isFinite else { return nil }
        return d.description
    }

    // MARK: JSON

    /// Compact JSON for `value`. Strings escape `"`, `\`, all C0 controls (as the spec requires)
    /// and also DEL, C1, U+2028/2029 and the bidi controls, so that the text is safe on a
    /// terminal and still exactly the same data. Instants are ISO-8601 strings in `zone`,
    /// durations numbers of seconds, NaN/infinity `null`.
    static func json(_ value: Value, zone: TimeZone) -> String {
        var out = ""
        appendJSON(value, zone: zone, to: &out)
        return out
    }

    static func appendJSON(_ value: Value, zone: TimeZone, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += double(d) ?? "null"
        case .string(let s): appendJSONString(s, to: &out)
        case .instant(let date): appendJSONString(iso8601(date, in: zone), to: &out)
        case .duration(let t):
            if t.isFinite, t.rounded() == t, abs(t) < 9e15 { out += String(Int64(t)) } else { out += double(t) ?? "null" }
        case .array(let elements):
            out += "["
            for (n, element) in elements.enumerated() {
                if n > 0 { out += "," }
                appendJSON(element, zone: zone, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (n, member) in members.enumerated() {
                if n > 0 { out += "," }
                appendJSONString(member.key, to: &out)
                out += ":"
                appendJSON(member.value, zone: zone, to: &out)
            }
            out += "}"
        }
    }

    static func appendJSONString(_ s: String, to out: inout String) {
        out += "\""
        let needsWork = s.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x7F }
        guard needsWork else {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            default:
                if TerminalText.isDangerous(v) {
                    let hex = String(v, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
