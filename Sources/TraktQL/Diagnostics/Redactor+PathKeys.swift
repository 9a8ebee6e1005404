import Foundation

extension Redactor {
    /// `text` with the path segment after every `<method>.json/` replaced by `<key>` (an API key
    /// in a URL path, as `…/user.json/KEY/…`), and, when `key` is given and non-empty, every
    /// occurrence of it too. What the transport and every message use to show a URL.
    public static func redactingPathKeys(in text: String, key: String? = nil) -> String {
        var out = text
        if let key, !key.isEmpty {
            // Whole tokens only for a short key (a key "M" must not turn "MiB" into "<key>iB");
            // earlier redactions are left alone, so redacting twice changes nothing.
            out = Redactor(apiKey: key).replacingSecrets(in: out)
        }
        guard out.contains(".json/") else { return out }
        var result = ""
        result.reserveCapacity(out.utf8.count)
        var rest = Substring(out)
        while let marker = rest.range(of: ".json/") {
            result += rest[..<marker.upperBound]
            rest = rest[marker.upperBound...]
            let end = rest.firstIndex { c in
                c == "/" || c == "?" || c == "#" || c == "\"" || c == "'" || c == "<" || c == ">"
                    || c.isWhitespace || c == ")" || c == ","
            } ?? rest.endIndex
            if end != rest.startIndex, rest[..<end] != "<key>" {
                result += "<key>"
            } else {
                result += rest[..<end]
            }
            rest = rest[end...]
        }
        result += rest
        return result
    }
}
