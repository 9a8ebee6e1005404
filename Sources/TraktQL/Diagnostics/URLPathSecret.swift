import Foundation

/// A place in a URL where a backend puts a secret: the path segment right after `marker`. A
/// backend that sends a secret in its paths contributes one (``Backend/urlPathSecrets``); the
/// composition root gathers them (``Redactor/pathSecrets``), so the transport and every message
/// redact such a segment without knowing which API put it there.
public struct URLPathSecret: Sendable, Hashable {
    /// What comes right before the secret segment (a method's file suffix and a slash, say).
    public var marker: String
    /// What replaces the segment (`<key>`: one of ``Redactor/labels``).
    public var label: String
    /// The secret in words, for a refusal to send it (`the API key`).
    public var name: String

    public init(marker: String, label: String, name: String) {
        self.marker = marker
        self.label = label
        self.name = name
    }

    /// `text` with the segment after every ``marker`` replaced by ``label`` (up to the next `/`,
    /// `?`, `#`, quote, bracket, comma or space). A segment that already is the label stays, so
    /// redacting twice changes nothing.
    public func redacting(in text: String) -> String {
        guard !marker.isEmpty, text.contains(marker) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let found = rest.range(of: marker) {
            result += rest[..<found.upperBound]
            rest = rest[found.upperBound...]
            let end = rest.firstIndex { c in
                c == "/" || c == "?" || c == "#" || c == "\"" || c == "'" || c == "<" || c == ">"
                    || c.isWhitespace || c == ")" || c == ","
            } ?? rest.endIndex
            if end != rest.startIndex, rest[..<end] != label {
                result += label
            } else {
                result += rest[..<end]
            }
            rest = rest[end...]
        }
        result += rest
        return result
    }
}
