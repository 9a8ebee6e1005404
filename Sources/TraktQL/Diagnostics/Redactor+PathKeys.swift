import Foundation

extension Redactor {
    /// `text` with every secret a backend puts in a URL path (``pathSecrets``) replaced by its
    /// label, and, when `key` is given and non-empty, every occurrence of `key` by `<key>`. What
    /// the transport and every message use to show a URL: it holds no API's URL shape itself.
    public static func redactingPathKeys(in text: String, key: String? = nil) -> String {
        var out = text
        if let key, !key.isEmpty {
            // Whole tokens only for a short key (a key "M" must not turn "MiB" into "<key>iB");
            // earlier redactions are left alone, so redacting twice changes nothing.
            out = Redactor(apiKey: key).replacingSecrets(in: out)
        }
        for secret in pathSecrets { out = secret.redacting(in: out) }
        return out
    }

    /// The path secret in `path`, if any, in words (`the API key`): for a refusal to send it.
    public static func pathSecretNames(in path: String) -> [String] {
        pathSecrets.filter { $0.redacting(in: path) != path }.map(\.name)
    }
}
