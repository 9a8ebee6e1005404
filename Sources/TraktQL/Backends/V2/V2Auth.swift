import Foundation
import TraktProtocol

/// v2 authentication, a request decorator: every call carries `trakt-api-version: 2` and the
/// app's client id as `trakt-api-key`; the bearer token goes only on the calls that need it
/// (🔒 routes and `me`) and on a user's own routes (where it shows a private user their data).
struct V2Auth: Sendable {
    var clientID: String
    /// The access token for this statement, fetched once from the ``BearerTokenSource``.
    var token: String?

    func decorate(_ request: inout HTTPRequest, call: V2PlannedCall) {
        request.headers["trakt-api-version"] = "2"
        request.headers["trakt-api-key"] = clientID
        request.headers["Content-Type"] = "application/json"
        if let token, call.needsToken || call.username != nil {
            request.headers["Authorization"] = "Bearer " + token
        }
    }

    /// Secrets travel over https, or over plain http to this machine only (the emulator):
    /// nil when `url` may carry them, else the refusal.
    static func refusal(toSendSecretsTo url: URL) -> String? {
        guard url.scheme?.lowercased() != "https" else { return nil }
        let host = url.host ?? ""
        if Loopback.isLoopback(host) { return nil }
        return "refusing to send the OAuth token over plain http to \(host): use an https:// server (tokens may go over http only to this machine)"
    }
}
