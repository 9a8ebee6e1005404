/// Text from clients made safe for the operator's terminal. The emulator prints what clients
/// send (client ids); a client id with an escape sequence could set the operator's clipboard
/// (OSC 52), clear the screen, or reorder a line with bidi overrides.
public enum OperatorText {
    /// `text` with every control character (C0, DEL, C1), bidi control and other invisible
    /// format character written as `\u{…}`, cut (with `…`) so that at most `limit` characters
    /// are printed, escapes included.
    public static func printable(_ text: String, limit: Int = 120) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            let piece = isUnsafe(scalar) ? "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}" : String(scalar)
            let length = piece.unicodeScalars.count
            if count + length > limit {
                out += "…"
                break
            }
            count += length
            out += piece
        }
        return out
    }

    /// Control characters, and format characters (general category Cf: bidi overrides and
    /// isolates, zero-width joiners, the BOM), line and paragraph separators.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || (0x7F...0x9F).contains(v) { return true }
        switch scalar.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator, .control, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }
}
