import Foundation

extension Redactor {
    /// The secrets every backend puts in URL paths (``Backend/urlPathSecrets``), gathered here,
    /// at the composition root, the one place that names the backends. All of them apply to any
    /// text: a URL in a message does not say which backend made it, and redacting a segment
    /// that only looks like a secret costs nothing.
    public static let pathSecrets: [URLPathSecret] = {
        var all: [URLPathSecret] = []
        let contributions = [V1Backend.urlPathSecrets, V2Backend.urlPathSecrets, LocalBackend.urlPathSecrets, MirrorBackend.urlPathSecrets]
        for secret in contributions.joined() where !all.contains(secret) { all.append(secret) }
        return all
    }()
}
