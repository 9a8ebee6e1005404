/// Text as a terminal shows it: visible width, truncation, and neutralising control characters.
enum TerminalText {
    // MARK: sanitising

    /// Whether a scalar must never reach a terminal as is: C0 controls, DEL, C1 controls (ESC
    /// starts every CSI/OSC sequence; U+009B is a one-byte CSI), bidi embeddings/overrides/isolates
    /// (Trojan Source) and the line/paragraph separators.
    @inline(__always) static func isDangerous(_ v: UInt32) -> Bool {
        v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || v == 0x2028 || v == 0x2029
    }

    /// For table cells: dangerous scalars become visible escapes (`\n`, `\t`, `\u{1B}`, …), so an
    /// OSC 52 clipboard write prints as harmless text.
    static func sanitizeForTerminal(_ s: String) -> String {
        if isPlainASCII(s) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            let v = scalar.value
            guard isDangerous(v) else { out.unicodeScalars.append(scalar); continue }
            switch v {
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            default: out += "\\u{" + String(v, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    /// For csv/tsv: dangerous scalars become U+FFFD, except those in `keep` (the format deals
    /// with them by quoting or escaping).
    static func replacingDangerous(_ s: String, keep: Set<UInt32>) -> String {
        if isPlainASCII(s) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            if isDangerous(scalar.value), !keep.contains(scalar.value) {
                out.unicodeScalars.append("\u{FFFD}")
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `s` with every CR that is not followed by LF replaced by U+FFFD.
    static func replacingLoneCarriageReturns(_ s: String) -> String {
        guard s.utf8.contains(0x0D) else { return s }
        var out = String.UnicodeScalarView()
        let scalars = Array(s.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            if scalar == "\r", i + 1 >= scalars.count || scalars[i + 1] != "\n" {
                out.append("\u{FFFD}")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Printable ASCII only (0x20–0x7E): nothing to escape and width = byte count.
    @inline(__always) static func isPlainASCII(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    // MARK: width

    /// Columns the text takes on a terminal: East Asian wide and emoji count 2, combining marks and
    /// format characters 0, ANSI escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`) 0.
    static func width(_ s: String) -> Int {
        if isPlainASCII(s) { return s.utf8.count }
        var total = 0
        for character in stripANSI(s) { total += width(of: character) }
        return total
    }

    static func width(of character: Character) -> Int {
        var widest = 0
        var hasVS16 = false
        var first: Unicode.Scalar?
        for scalar in character.unicodeScalars {
            if first == nil { first = scalar }
            if scalar.value == 0xFE0F { hasVS16 = true }
            widest = max(widest, width(of: scalar))
        }
        if hasVS16, let first, first.properties.isEmoji { return 2 }
        return widest
    }

    static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v < 0x20 ? 0 : 1 }
        if v < 0xA0 { return 0 }
        if v == 0x00AD { return 1 }  // soft hyphen: shown by most terminals
        if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return 0 }  // Hangul medial/final jamo
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if isWide(v) { return 2 }
        if v >= 0x2000, scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    private static func isWide(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
             0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA,
             0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
             0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
             0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1AFF0...0x1B2FF, 0x1F004, 0x1F0CF, 0x1F18E,
             0x1F191...0x1F19A, 0x1F1E6...0x1F1FF, 0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF,
             0x1F7E0...0x1F7EB, 0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `s` without ANSI CSI and OSC sequences.
    static func stripANSI(_ s: String) -> String {
        guard s.utf8.contains(0x1B) else { return s }
        var out = String.UnicodeScalarView()
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            guard c.value == 0x1B else { out.append(c); continue }
            guard let kind = it.next() else { break }
            if kind == "[" {
                while let x = it.next(), !(0x40...0x7E).contains(x.value) {}
            } else if kind == "]" {
                var previousWasEscape = false
                while let x = it.next() {
                    if x.value == 0x07 || (previousWasEscape && x == "\\") { break }
                    previousWasEscape = x.value == 0x1B
                }
            }
        }
        return String(out)
    }

    // MARK: fitting

    /// `s` cut to at most `maxWidth` columns, ending in `…` when cut. Never splits a character.
    /// (`s` holds no ANSI sequences: cells are coloured after fitting.)
    static func truncate(_ s: String, to maxWidth: Int) -> String {
        if maxWidth <= 0 { return "" }
        if width(s) <= maxWidth { return s }
        var out = ""
        var used = 0
        for character in s {
            let w = width(of: character)
            if used + w > maxWidth - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `s` padded with spaces to `width` columns (on the right, or on the left when `right`).
    static func pad(_ s: String, to width: Int, visibleWidth: Int, alignRight: Bool = false) -> String {
        let fill = width - visibleWidth
        guard fill > 0 else { return s }
        let spaces = String(repeating: " ", count: fill)
        return alignRight ? spaces + s : s + spaces
    }
}
