import Foundation

/// Removes secrets from text before it is printed: the configured API key, the password, its
/// SHA-1 (and the Basic credentials built from it), OAuth tokens, and anything that looks like
/// one — `Bearer …`, `Basic …`, `refresh_token`/`access_token` values, the userinfo of a URL
/// (`http://user:pass@host`) — and the secrets backends put in URL paths (``pathSecrets``,
/// contributed by each backend: this type knows no API's URLs).
///
/// Secrets are matched as whole tokens: a match must not have a letter or digit right before
/// or after it, so a one-character key `M` leaves `64 MiB` alone. Secrets of 8 characters or
/// more are also removed inside longer words (a server may glue them to other text, and at
/// that length an accidental match is not a concern).
public struct Redactor: Sendable, Hashable {
    public struct Secret: Sendable, Hashable {
        public var text: String
        /// What replaces it: `<key>`, `<password>`, `<token>`, …
        public var label: String
    }

    /// The secrets given to this value (``add(_:label:)``), longest first.
    private var added: [Secret] = []
    /// The secrets learned during the session (``learn(_:label:)``), shared with every copy.
    private let learned = LearnedSecrets()

    /// Every secret known now, longest first: those added to this value and those learned by
    /// it or any copy of it.
    public var secrets: [Secret] {
        let more = learned.snapshot
        if more.isEmpty { return added }
        return (added + more.filter { secret in !added.contains { $0.text == secret.text } }).sorted(by: Self.longestFirst)
    }

    /// Below this length a secret is only redacted as a whole token.
    public static let substringLength = 8

    public init(apiKey: String? = nil, password: String? = nil, credentials: BasicCredentials? = nil, tokens: [String] = []) {
        if let apiKey { add(apiKey, label: "<key>") }
        if let password { add(password, label: "<password>") }
        if let credentials {
            add(credentials.passwordSHA1, label: "<password-sha1>")
            let basic = credentials.authorizationHeader
            add(String(basic.dropFirst("Basic ".count)), label: "<credentials>")
        }
        for token in tokens { add(token, label: "<token>") }
    }

    /// Adds one more secret to this value (copies made before do not see it; see ``learn(_:label:)``).
    public mutating func add(_ secret: String, label: String) {
        var changed = false
        for entry in Self.entries(for: secret, label: label) where !added.contains(where: { $0.text == entry.text }) {
            added.append(entry)
            changed = true
        }
        if changed { added.sort(by: Self.longestFirst) }
    }

    /// Learns a secret during the session (a token renewed mid-session): unlike
    /// ``add(_:label:)`` it needs no `var`, and every copy of this redactor — including those
    /// already handed out, to the engine or the history — redacts it from now on.
    public func learn(_ secret: String, label: String) {
        learned.learn(Self.entries(for: secret, label: label))
    }

    /// What to look for: the trimmed secret, and — when it holds control characters — the
    /// secret as the sanitiser shows it.
    private static func entries(for secret: String, label: String) -> [Secret] {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return [] }
        let shown = TerminalText.sanitizeForTerminal(trimmed)
        return shown == trimmed ? [Secret(text: trimmed, label: label)] : [Secret(text: trimmed, label: label), Secret(text: shown, label: label)]
    }

    /// Longest first, so a secret that contains another is replaced whole.
    static func longestFirst(_ a: Secret, _ b: Secret) -> Bool {
        a.text.unicodeScalars.count > b.text.unicodeScalars.count
    }

    /// Equal when they redact the same secrets now (learned ones included).
    public static func == (a: Redactor, b: Redactor) -> Bool {
        a.added == b.added && a.learned.snapshot == b.learned.snapshot
    }

    /// The added secrets only: learning must not change a value's hash.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(added)
    }

    /// `text` with every secret, and everything shaped like a credential, replaced by a label.
    /// Replacing one secret can turn a short neighbour into a whole token (`M` + password becomes
    /// `M<password>`), so this goes on until nothing changes (a few passes at most).
    public func redact(_ text: String) -> String {
        var out = redactOnce(text)
        for _ in 0..<8 {
            let again = redactOnce(out)
            if again == out { break }
            out = again
        }
        return out
    }

    private func redactOnce(_ text: String) -> String {
        var out = text
        let known = secrets
        if !known.isEmpty { out = replacingSecrets(in: out, known: known) }
        out = Self.redactPatterns(in: out)
        return Redactor.redactingPathKeys(in: out)
    }

    public func callAsFunction(_ text: String) -> String { redact(text) }

    /// `text` with the secrets this redactor knows replaced, and nothing else: for data — titles,
    /// comments, whole items — where the *shape* of a credential (`Basic Instinct`, a URL with
    /// `@`) is no secret, but a token the session holds, sent back by a server, is. Only secrets
    /// of ``substringLength`` characters or more: a one-letter test key `M` must not turn
    /// `Dial M for Murder` into `Dial <key> for Murder` (tokens and real keys are far longer).
    /// Fast when there is nothing to replace (one pass over the bytes per secret).
    public func redactingKnownSecrets(in text: String) -> String {
        let known = secrets.filter { $0.text.unicodeScalars.count >= Self.substringLength }
        guard !known.isEmpty, known.contains(where: { Self.mayOccur($0.text, in: text) }) else { return text }
        var out = replacingSecrets(in: text, known: known)
        for _ in 0..<8 {
            let again = replacingSecrets(in: out, known: known)
            if again == out { break }
            out = again
        }
        return out
    }

    /// Whether `needle` may occur in `text` (ASCII letters without case; a non-ASCII needle is
    /// always assumed to).
    private static func mayOccur(_ needle: String, in text: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, pattern.allSatisfy({ $0 < 0x80 }) else { return true }
        func lower(_ b: UInt8) -> UInt8 { (0x41...0x5A).contains(b) ? b | 0x20 : b }
        let wanted = pattern.map(lower)
        let firstLower = lower(first)
        var copy = text
        return copy.withUTF8 { bytes -> Bool in
            guard bytes.count >= wanted.count else { return false }
            var i = 0
            let last = bytes.count - wanted.count
            while i <= last {
                if lower(bytes[i]) == firstLower {
                    var j = 1
                    while j < wanted.count && lower(bytes[i + j]) == wanted[j] { j += 1 }
                    if j == wanted.count { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// `text` fit for a terminal: no secret, no control character (``TerminalSafety``). Redacts
    /// before and after sanitising, so that neither a raw secret nor its sanitised form is shown.
    public func terminalSafe(_ text: String) -> String {
        redact(TerminalSafety.sanitize(redact(text)))
    }

    /// Whether `text` holds one of the configured secrets (as ``redact(_:)`` would find it).
    public func containsSecret(_ text: String) -> Bool {
        !matches(in: Array(text.unicodeScalars), known: secrets).isEmpty
    }

    // MARK: - Literal secrets

    /// Matching works on Unicode scalars, ASCII letters compared without case (keys, hex
    /// digests and base64 are ASCII); indices never fall inside a scalar, whatever the text.
    @inline(__always) private static func folded(_ s: Unicode.Scalar) -> UInt32 {
        let v = s.value
        return (0x41...0x5A).contains(v) ? v + 0x20 : v
    }

    private static func occurrences(of needle: [UInt32], in haystack: [Unicode.Scalar]) -> [Range<Int>] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        var found: [Range<Int>] = []
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            var j = 0
            while j < needle.count && folded(haystack[i + j]) == needle[j] { j += 1 }
            if j == needle.count {
                found.append(i..<(i + needle.count))
                i += needle.count
            } else {
                i += 1
            }
        }
        return found
    }

    private func matches(in scalars: [Unicode.Scalar], known: [Secret]) -> [(Range<Int>, String)] {
        var found: [(Range<Int>, String)] = []
        // Labels of earlier redactions (`<key>`, `<token>`) are not searched again.
        let labels = Self.labelRanges(in: scalars)
        for secret in known {
            let needle = secret.text.unicodeScalars.map(Self.folded)
            let isShort = needle.count < Self.substringLength
            for range in Self.occurrences(of: needle, in: scalars) {
                if found.contains(where: { $0.0.overlaps(range) }) { continue }
                // (A secret that itself holds `<` or `>` is not a label's text: always redacted.)
                if !secret.text.contains(where: { $0 == "<" || $0 == ">" }), labels.contains(where: { $0.overlaps(range) }) { continue }
                if isShort && !Self.isWholeToken(range, in: scalars) { continue }
                found.append((range, secret.label))
            }
        }
        return found.sorted { $0.0.lowerBound < $1.0.lowerBound }
    }

    func replacingSecrets(in text: String, known: [Secret]? = nil) -> String {
        let scalars = Array(text.unicodeScalars)
        let found = matches(in: scalars, known: known ?? secrets)
        guard !found.isEmpty else { return text }
        var out = String.UnicodeScalarView()
        var index = 0
        for (range, label) in found {
            out.append(contentsOf: scalars[index..<range.lowerBound])
            out.append(contentsOf: label.unicodeScalars)
            index = range.upperBound
        }
        out.append(contentsOf: scalars[index...])
        return String(out)
    }

    /// What redaction writes in place of a secret.
    public static let labels = ["<key>", "<password>", "<password-sha1>", "<credentials>", "<token>", "<userinfo>", "<client-secret>"]

    /// Whether `secret` occurs inside one of the ``labels`` (a key "key" or a password "token"):
    /// such a secret is redacted where it stands alone, but a label showing it cannot be avoided.
    public static func isInsideALabel(_ secret: String) -> Bool {
        let needle = secret.unicodeScalars.map(folded)
        return labels.contains { !occurrences(of: needle, in: Array($0.unicodeScalars)).isEmpty }
    }

    /// Where ``labels`` occur in `scalars`.
    private static func labelRanges(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        guard scalars.contains("<") else { return [] }
        return labels.flatMap { occurrences(of: $0.unicodeScalars.map(folded), in: scalars) }
    }

    private static func isWholeToken(_ range: Range<Int>, in scalars: [Unicode.Scalar]) -> Bool {
        func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) }
        if range.lowerBound > 0, isWordScalar(scalars[range.lowerBound - 1]) { return false }
        if range.upperBound < scalars.count, isWordScalar(scalars[range.upperBound]) { return false }
        return true
    }

    // MARK: - Shapes of credentials

    private static let patterns: [NSRegularExpression] = [
        // URL userinfo: scheme://user:pass@host, scheme://token@host
        #"(://)()[^/?#@\s"'<>]+@"#,
        // Authorization schemes (a Basic value is base64 of at least 12 bytes)
        #"(?i)\b(bearer)(\s+)[A-Za-z0-9\-._~+/]+=*"#,
        #"(?i)\b(basic)(\s+)[A-Za-z0-9+/]{16,}=*"#,
        // OAuth token fields in JSON, forms and query strings
        #"(?i)\b(refresh_token|access_token|id_token)(["']?\s*[:=]\s*["']?)[^"'&\s,;}<]+"#,
    ].map { try! NSRegularExpression(pattern: $0) }
    private static let patternLabels = ["<userinfo>@", "<token>", "<credentials>", "<token>"]

    static func redactPatterns(in text: String) -> String {
        // Cheap pre-check: most messages hold none of these.
        let lower = text.lowercased()
        guard lower.contains("://") || lower.contains("bearer") || lower.contains("basic") || lower.contains("_token") else { return text }
        var out = text
        for (regex, label) in zip(patterns, patternLabels) {
            let range = NSRange(out.startIndex..., in: out)
            out = regex.stringByReplacingMatches(in: out, range: range, withTemplate: "$1$2" + NSRegularExpression.escapedTemplate(for: label))
        }
        return out
    }
}
