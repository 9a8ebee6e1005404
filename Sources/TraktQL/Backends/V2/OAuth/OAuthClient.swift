import Foundation
import TraktProtocol

/// Trakt's OAuth endpoints (`/oauth/device/code`, `/oauth/device/token`, `/oauth/token`,
/// `/oauth/revoke`) and `GET /users/settings`, over any ``HTTPTransport``.
///
/// Refuses, at construction, a server a token must not be sent to: plain `http://` is allowed
/// only to a loopback host (the emulator); anything else must be `https://`.
public struct OAuthClient: Sendable {
    public let baseURL: URL
    public let clientID: String
    public let clientSecret: String?
    public let transport: any HTTPTransport
    /// Seconds each OAuth call may take.
    public var timeout: TimeInterval = 30

    public init(baseURL: URL, clientID: String, clientSecret: String?, transport: any HTTPTransport) throws(OAuthError) {
        try Self.checkSafeForTokens(baseURL)
        self.baseURL = baseURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.transport = transport
    }

    /// `https://…`, or `http://` to this machine; otherwise an ``OAuthError/Kind/insecureURL``.
    public static func checkSafeForTokens(_ url: URL) throws(OAuthError) {
        let scheme = url.scheme?.lowercased()
        guard let host = url.host, !host.isEmpty else {
            throw OAuthError(.insecureURL, "'\(url.absoluteString)' is not a server URL")
        }
        if scheme == "https" { return }
        if scheme == "http" {
            if Loopback.isLoopback(host) { return }
            throw OAuthError(
                .insecureURL,
                "refusing to send a Trakt token over plain http:// to \(host): without TLS anyone on the network path could read it; "
                    + "http:// is allowed only to this machine (127.0.0.1, ::1, localhost), other servers need https://")
        }
        throw OAuthError(.insecureURL, "'\(url.absoluteString)' is not an http(s):// URL")
    }

    /// What identifies this server in a saved token (`http://127.0.0.1:8080`).
    public var serverIdentity: String { Self.identity(of: baseURL) }

    static func identity(of url: URL) -> String {
        var text = url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    // MARK: - Calls

    /// `POST /oauth/device/code`: a code for the user to enter.
    public func requestDeviceCode() async throws -> DeviceCode {
        let response = try await post("/oauth/device/code", ["client_id": clientID])
        guard response.status == 200 else { throw failure(response, doing: "asking for a device code") }
        return try DeviceCode(answer: response.body)
    }

    /// What one poll of `POST /oauth/device/token` found.
    public enum PollResult: Sendable, Equatable {
        case token(OAuthToken)
        /// 400: not approved yet.
        case pending
        /// 429: polled too fast; `retryAfter` when the server said how long to wait.
        case slowDown(retryAfter: TimeInterval?)
    }

    /// One poll of `POST /oauth/device/token`; the final refusals (404, 409, 410, 418) throw.
    public func poll(_ code: DeviceCode) async throws -> PollResult {
        var body = ["code": code.deviceCode, "client_id": clientID]
        if let clientSecret { body["client_secret"] = clientSecret }
        let response = try await post("/oauth/device/token", body)
        switch response.status {
        case 200:
            return .token(try OAuthToken(tokenResponse: response.body, server: serverIdentity))
        case 400: return .pending
        case 429: return .slowDown(retryAfter: response.retryAfter)
        case 404: throw OAuthError(.invalidCode, "the server does not know this device code (404); start again with `traktql auth login`")
        case 409: throw OAuthError(.alreadyUsed, "this device code was already used (409); start again with `traktql auth login`")
        case 410: throw OAuthError(.expired, "the code \(code.userCode) expired before it was approved (410); start again with `traktql auth login`")
        case 418: throw OAuthError(.denied, "the code \(code.userCode) was denied (418): nothing was saved")
        default: throw failure(response, doing: "waiting for approval")
        }
    }

    /// `POST /oauth/token` `grant_type=refresh_token`: the new pair (the old refresh token is
    /// now used up — save the new pair before anything else).
    public func refresh(_ token: OAuthToken) async throws -> OAuthToken {
        var body = [
            "refresh_token": token.refreshToken, "client_id": clientID, "grant_type": "refresh_token",
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        ]
        if let clientSecret { body["client_secret"] = clientSecret }
        let response = try await post("/oauth/token", body)
        let code = Self.errorCode(response)
        if code == "invalid_grant" || (response.status == 401 && code != "invalid_client") {
            throw OAuthError(.invalidGrant, "the saved login was refused by the server (its refresh token is used up or revoked)")
        }
        guard response.status == 200 || response.status == 201 else { throw failure(response, doing: "refreshing the login") }
        do {
            return try OAuthToken(tokenResponse: response.body, server: serverIdentity, previousRefreshToken: token.refreshToken)
        } catch {
            // The refresh token was probably spent by this request: say what that means.
            throw OAuthError(.network, error.message + " while refreshing the login; the saved login may be used up: "
                                + "if the next command says so, log in again with `traktql auth login`")
        }
    }

    /// `POST /oauth/revoke`: the access token (and its refresh token) stop working.
    public func revoke(_ token: OAuthToken) async throws {
        var body = ["token": token.accessToken, "client_id": clientID]
        if let clientSecret { body["client_secret"] = clientSecret }
        let response = try await post("/oauth/revoke", body)
        guard response.isSuccess else { throw failure(response, doing: "revoking the login") }
    }

    /// Who a token belongs to, from `GET /users/settings`.
    public struct Account: Sendable, Equatable {
        public var username: String
        public var name: String?
        public var isVIP: Bool
        public var isPrivate: Bool
        public var timezone: String?
    }

    /// `GET /users/settings` with the token: whose it is. 401 is ``OAuthError/Kind/notLoggedIn``.
    public func account(accessToken: String) async throws -> Account {
        var request = HTTPRequest(method: "GET", url: url("/users/settings"), headers: headers(), timeout: timeout)
        request.headers["Authorization"] = "Bearer " + accessToken
        let response = try await transport.send(request)
        if response.status == 401 {
            throw OAuthError.notLoggedIn("the server refused the token: it expired or was revoked")
        }
        guard response.status == 200 else { throw failure(response, doing: "reading /users/settings") }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let user = object["user"] as? [String: Any], let username = user["username"] as? String
        else { throw OAuthError(.network, "the /users/settings answer is not the expected JSON") }
        let account = object["account"] as? [String: Any]
        return Account(username: username, name: user["name"] as? String, isVIP: user["vip"] as? Bool ?? false,
                       isPrivate: user["private"] as? Bool ?? false, timezone: account?["timezone"] as? String)
    }

    // MARK: - Plumbing

    private func url(_ path: String) -> URL {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + path)!
    }

    private func headers() -> [String: String] {
        ["Content-Type": "application/json", "trakt-api-version": "2", "trakt-api-key": clientID, "Accept": "application/json"]
    }

    private func post(_ path: String, _ body: [String: String]) async throws -> HTTPResponse {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let request = HTTPRequest(method: "POST", url: url(path), headers: headers(), body: data, timeout: timeout)
        do {
            return try await transport.send(request)
        } catch let error as TransportError {
            throw OAuthError(.network, "\(error) (POST \(path))")
        }
    }

    static func errorCode(_ response: HTTPResponse) -> String? {
        (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["error"] as? String
    }

    /// The server's own words (`error_description`), else its status.
    private func failure(_ response: HTTPResponse, doing what: String) -> OAuthError {
        let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        let said = (object?["error_description"] as? String) ?? (object?["error"] as? String)
        let detail = said.map { ": \($0)" } ?? ""
        if response.status == 401, object?["error"] as? String == "invalid_client" {
            return OAuthError(.invalidClient, "the server refused the client id or secret while \(what)\(detail); check --client-id/--client-secret (TRAKT_CLIENT_ID/TRAKT_CLIENT_SECRET)")
        }
        return OAuthError(.server(status: response.status), "the server answered \(response.status) while \(what)\(detail)")
    }
}

/// The answer of `POST /oauth/device/code`.
public struct DeviceCode: Sendable, Equatable, CustomStringConvertible {
    /// Secret: whoever holds it can collect the token once the user approves.
    public var deviceCode: String
    /// What the user types at ``verificationURL`` (8 characters at Trakt).
    public var userCode: String
    public var verificationURL: String
    /// Seconds the code stays valid.
    public var expiresIn: TimeInterval
    /// Seconds to wait between polls.
    public var interval: TimeInterval

    /// The longest a code is waited for (Trakt's codes last 600 s): a server saying `1e300`
    /// must not keep traktql polling for ever.
    public static let longestLifetime: TimeInterval = 3600
    /// The range of polling intervals taken from a server: at least 1 s (RFC 8628 says 5 s by
    /// default; `interval: 0` must not poll in a tight loop), at most 5 minutes.
    public static let intervalRange: ClosedRange<TimeInterval> = 1...300

    public init(deviceCode: String, userCode: String, verificationURL: String, expiresIn: TimeInterval, interval: TimeInterval) {
        self.deviceCode = deviceCode
        self.userCode = userCode
        self.verificationURL = verificationURL
        self.expiresIn = expiresIn
        self.interval = interval
    }

    /// The JSON body of `POST /oauth/device/code`. `expires_in` is clamped to 1 s…
    /// ``longestLifetime`` (600 when missing), `interval` to ``intervalRange`` (5 when missing).
    public init(answer body: Data) throws(OAuthError) {
        let object = try? JSONReader.parse(body, maxDepth: 16)
        guard let object, case .object = object,
              let device = object["device_code"]?.stringValue, !device.isEmpty,
              let user = object["user_code"]?.stringValue, !user.isEmpty,
              let url = object["verification_url"]?.stringValue
        else { throw OAuthError(.network, "the server's device code answer is not the expected JSON") }
        let expiresIn = OutsideNumber.double(object["expires_in"]).map { OutsideNumber.clamp($0, to: 1...Self.longestLifetime) } ?? 600
        let interval = OutsideNumber.double(object["interval"]).map { OutsideNumber.clamp($0, to: Self.intervalRange) } ?? 5
        self.init(deviceCode: device, userCode: user, verificationURL: url, expiresIn: expiresIn, interval: interval)
    }

    /// The verification URL with the code filled in (`https://trakt.tv/activate/ABCD1234`), for a QR code.
    public var prefilledURL: String {
        var base = verificationURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + userCode
    }

    public var description: String { "DeviceCode(user code: \(userCode), \(verificationURL), expires in \(OutsideNumber.wholeSeconds(expiresIn)) s)" }
}
