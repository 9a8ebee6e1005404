/// Text that attacks terminals, for `--hostile-text`: every dataset string a client prints
/// (show and movie titles, user names and bios, list names, shouts and reviews) carries one of
/// these payloads, so a client can prove it neutralises them in every output format.
enum HostileText {
    /// The payloads, cycled by entity index.
    static let payloads: [(prefix: String, suffix: String)] = [
        ("\u{1B}[2J\u{1B}[H", ""),  // clear the screen, cursor home
        ("", "\u{1B}]52;c;cHduZWQ=\u{07}"),  // OSC 52: write "pwned" to the clipboard
        ("\u{202E}", "\u{202C}"),  // right-to-left override
        ("", String(repeating: " and a very long title", count: 40)),  // very long
        ("", "\u{0}after a NUL"),  // NUL
        ("\u{9B}31m", "\u{9B}0m"),  // C1 CSI: red
        ("", "\u{1B}[31m red\u{1B}[0m\r\n\u{1B}[1Afake line"),  // colour, CR/LF, cursor up
        ("\u{2066}", "\u{2069}\u{7F}"),  // bidi isolate, DEL
    ]

    static func decorate(_ text: String, index: Int) -> String {
        let payload = payloads[abs(index) % payloads.count]
        return payload.prefix + text + payload.suffix
    }
}
