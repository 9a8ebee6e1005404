import Foundation

extension HTTPRequest {
    /// Header fields that carry a credential: a token or Basic credentials, the v2 app's client
    /// id, cookies.
    static let credentialHeaders: Set<String> = ["authorization", "trakt-api-key", "cookie", "proxy-authorization"]

    /// What in this request is a secret, in words (empty when nothing is): credential headers,
    /// a secret a backend puts in the path (``Redactor/pathSecrets``), a user and password in
    /// the URL, and any body (the engine's only bodies are OAuth calls: client secrets, device
    /// codes, refresh tokens). Used to keep secrets from travelling in cleartext through a proxy.
    public var credentialsCarried: [String] {
        var found: [String] = []
        for name in headers.keys.map({ $0.lowercased() }).sorted() where Self.credentialHeaders.contains(name) {
            found.append("the \(name == "authorization" ? "Authorization" : name) header")
        }
        let path = url.path
        for name in Redactor.pathSecretNames(in: path) { found.append("\(name) in the path") }
        if url.user != nil || url.password != nil { found.append("the user and password in the URL") }
        if let body, !body.isEmpty { found.append("the request body") }
        return found
    }
}
