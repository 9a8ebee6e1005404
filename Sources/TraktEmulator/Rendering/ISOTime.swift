import TraktProtocol

/// ISO 8601 UTC times for the v2 API: written `2026-03-14T20:15:00.000Z` (always milliseconds),
/// read from `start_at`/`end_at` in the forms clients send.
enum ISOTime {
    /// Days since 1970-01-01 → (year, month, day).
    @inline(__always)
    static func civil(_ days: Int64) -> (Int64, Int64, Int64) {
        let date = GregorianDate(daysSinceEpoch: Int(days))
        return (Int64(date.year), Int64(date.month), Int64(date.day))
    }

    /// (year, month, day) → days since 1970-01-01.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        Int64(GregorianDate(year: Int(year), month: Int(month), day: Int(day)).daysSinceEpoch)
    }

    /// Writes `"2026-03-14T20:15:00.000Z"` (with the quotes).
    @inline(__always)
    static func write<S: ByteSink>(_ unix: Int64, into out: inout S) {
        var day = unix / 86_400
        var secs = unix - day * 86_400
        if secs < 0 {
            secs += 86_400
            day -= 1
        }
        let (y, m, d) = civil(day)
        @inline(__always) func two(_ v: Int64, _ out: inout S) {
            out.byte(UInt8(truncatingIfNeeded: 48 + v / 10))
            out.byte(UInt8(truncatingIfNeeded: 48 + v % 10))
        }
        out.byte(UInt8(ascii: "\""))
        out.byte(UInt8(truncatingIfNeeded: 48 + (y / 1000) % 10))
        out.byte(UInt8(truncatingIfNeeded: 48 + (y / 100) % 10))
        two(y % 100, &out)
        out.byte(UInt8(ascii: "-"))
        two(m, &out)
        out.byte(UInt8(ascii: "-"))
        two(d, &out)
        out.byte(UInt8(ascii: "T"))
        two(secs / 3600, &out)
        out.byte(UInt8(ascii: ":"))
        two((secs % 3600) / 60, &out)
        out.byte(UInt8(ascii: ":"))
        two(secs % 60, &out)
        out.raw(".000Z\"")
    }

    /// Writes `"2026-03-14T20:15:00.123Z"` for Unix milliseconds.
    static func writeMillis<S: ByteSink>(_ millis: Int64, into out: inout S) {
        var seconds = millis / 1000
        var ms = millis % 1000
        if ms < 0 {
            ms += 1000
            seconds -= 1
        }
        var whole = JSONBytes()
        write(seconds, into: &whole)
        // Replace the `000` of `.000Z"` with the milliseconds.
        let n = whole.bytes.count
        whole.bytes[n - 5] = UInt8(truncatingIfNeeded: 48 + ms / 100)
        whole.bytes[n - 4] = UInt8(truncatingIfNeeded: 48 + (ms / 10) % 10)
        whole.bytes[n - 3] = UInt8(truncatingIfNeeded: 48 + ms % 10)
        for b in whole.bytes { out.byte(b) }
    }

    /// The quoted ISO string of `unix`, as a Swift string (for slow paths and tests).
    static func string(_ unix: Int64) -> String {
        var b = JSONBytes()
        write(unix, into: &b)
        return String(decoding: b.bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    /// Parses `2025-06-01`, `2025-06-01T12:00`, `2025-06-01T12:00:00`, `…:00.000`, each optionally
    /// followed by `Z`, `±HH:MM`, `±HHMM` or `±HH` (a space stands for a `+` decoded from a query).
    /// Returns Unix seconds and the fractional milliseconds (0…999), or nil.
    static func parse(_ text: String) -> (seconds: Int64, millis: Int64)? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < b.count, b[i] == UInt8(ascii: c.unicodeScalars.first!) else { return false }
            i += 1
            return true
        }
        guard let y = digits(4), expect("-"), let mo = digits(2), expect("-"), let d = digits(2),
            (1...12).contains(mo), (1...31).contains(d)
        else { return nil }
        var secs: Int64 = 0
        var millis: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") && i + 3 <= b.count && b[i + 3] == UInt8(ascii: ":") {
            i += 1
            guard let h = digits(2), expect(":"), let mi = digits(2), h < 24, mi < 60 else { return nil }
            secs = h * 3600 + mi * 60
            if expect(":") {
                guard let s = digits(2), s < 61 else { return nil }
                secs += s
                if expect(".") || expect(",") {
                    var n = 0
                    var frac: Int64 = 0
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        if n < 3 { frac = frac * 10 + Int64(b[i] - 48) }
                        n += 1
                        i += 1
                    }
                    guard n > 0 else { return nil }
                    var k = n
                    while k < 3 {
                        frac *= 10
                        k += 1
                    }
                    millis = frac
                }
            }
            var offset: Int64 = 0
            if i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                    i += 1
                } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: " ") {
                    let sign: Int64 = c == UInt8(ascii: "-") ? -1 : 1
                    i += 1
                    guard let oh = digits(2), oh < 24 else { return nil }
                    var om: Int64 = 0
                    if expect(":") {
                        guard let m = digits(2) else { return nil }
                        om = m
                    } else if i < b.count {
                        guard let m = digits(2) else { return nil }
                        om = m
                    }
                    offset = sign * (oh * 3600 + om * 60)
                } else {
                    return nil
                }
            }
            secs -= offset
        }
        guard i == b.count else { return nil }
        return (days(year: y, month: mo, day: d) * 86_400 + secs, millis)
    }
}

extension JSONBytes {
    /// Appends `s`'s UTF-8 bytes as they are (trusted JSON text).
    @inline(__always)
    mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }
}
