import Foundation

/// Removes secrets from text before it is printed: the configured API key, the password, its
/// SHA-1 (and the Basic credentials built from it), OAuth tokens, and anything that looks like
/// one — `Bearer …`, `Basic …`, `refresh_token`/`access_token` values, the userinfo of a URL
/// (`http://user:pass@host`) and the key segment of v1 URLs (`…/user.json/KEY/…`).
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

    public private(set) var secrets: [Secret] = []

    /// Below this length a secret is only redacted as a whole token.
    static let substringLength = 8

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

    /// Adds one more secret (for example a token obtained during the session).
    public mutating func add(_ secret: String, label: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !secrets.contains(where: { $0.text == trimmed }) else { return }
        secrets.append(Secret(text: trimmed, label: label))
        // A secret holding control characters is also looked for as the sanitiser shows it.
        let shown = TerminalText.sanitizeForTerminal(trimmed)
        if shown != trimmed, !secrets.contains(where: { $0.text == shown }) { secrets.append(Secret(text: shown, label: label)) }
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort { $0.text.count > $1.text.count }
    }

    /// `text` with every secret, and everything shaped like a credential, replaced by a label.
    public func redact(_ text: String) -> String {
        var out = text
        if !secrets.isEmpty { out = replacingSecrets(in: out) }
        out = Self.redactPatterns(in: out)
        return TransportError.redactKey(in: out)
    }

    public func callAsFunction(_ text: String) -> String { redact(text) }

    /// `text` fit for a terminal: no secret, no control character (``TerminalSafety``). Redacts
    /// before and after sanitising, so that neither a raw secret nor its sanitised form is shown.
    public func terminalSafe(_ text: String) -> String {
        redact(TerminalSafety.sanitize(redact(text)))
    }

    /// Whether `text` holds one of the configured secrets (as ``redact(_:)`` would find it).
    public func containsSecret(_ text: String) -> Bool {
        !matches(in: text).isEmpty
    }

    // MARK: - Literal secrets

    private func matches(in text: String) -> [(Range<String.Index>, String)] {
        var found: [(Range<String.Index>, String)] = []
        // Labels of earlier redactions (`<key>`, `<token>`) are not searched again.
        let labels = Self.labelRanges(in: text)
        for secret in secrets {
            var searchFrom = text.startIndex
            while searchFrom < text.endIndex,
                  let range = text.range(of: secret.text, options: [.caseInsensitive], range: searchFrom..<text.endIndex) {
                searchFrom = range.upperBound
                if found.contains(where: { $0.0.overlaps(range) }) { continue }
                // (A secret that itself holds `<` or `>` is not a label's text: always redacted.)
                if !secret.text.contains(where: { $0 == "<" || $0 == ">" }), labels.contains(where: { $0.overlaps(range) }) { continue }
                if secret.text.count < Self.substringLength && !Self.isWholeToken(range, in: text) { continue }
                found.append((range, secret.label))
            }
        }
        return found.sorted { $0.0.lowerBound < $1.0.lowerBound }
    }

    func replacingSecrets(in text: String) -> String {
        let found = matches(in: text)
        guard !found.isEmpty else { return text }
        var out = ""
        var index = text.startIndex
        for (range, label) in found {
            out += text[index..<range.lowerBound]
            out += label
            index = range.upperBound
        }
        out += text[index...]
        return out
    }

    /// What redaction writes in place of a secret.
    public static let labels = ["<key>", "<password>", "<password-sha1>", "<credentials>", "<token>", "<userinfo>"]

    /// Whether `secret` occurs inside one of the ``labels`` (a key "key" or a password "token"):
    /// such a secret is redacted where it stands alone, but a label showing it cannot be avoided.
    public static func isInsideALabel(_ secret: String) -> Bool {
        labels.contains { $0.range(of: secret, options: .caseInsensitive) != nil }
    }

    /// Where ``labels`` occur in `text`.
    private static func labelRanges(in text: String) -> [Range<String.Index>] {
        guard text.utf8.contains(0x3C) else { return [] }
        var ranges: [Range<String.Index>] = []
        for label in labels {
            var from = text.startIndex
            while let range = text.range(of: label, range: from..<text.endIndex) {
                ranges.append(range)
                from = range.upperBound
            }
        }
        return ranges
    }

    private static func isWholeToken(_ range: Range<String.Index>, in text: String) -> Bool {
        func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) }
        let scalars = text.unicodeScalars
        if range.lowerBound > text.startIndex {
            let before = scalars[scalars.index(before: range.lowerBound)]
            if isWordScalar(before) { return false }
        }
        if range.upperBound < text.endIndex {
            let after = scalars[range.upperBound]
            if isWordScalar(after) { return false }
        }
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
