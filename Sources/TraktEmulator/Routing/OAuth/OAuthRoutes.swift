import Foundation

/// `/oauth/device/code`, `/oauth/device/token`, `/oauth/token`, `/oauth/revoke`,
/// `/oauth/authorize` and the emulator's `POST /emulator/approve/{user_code}`.
extension V2Service {
    static let verificationURL = "https://trakt.tv/activate"

    /// A JSON object or a form-encoded body, as strings.
    static func parseBody(_ bytes: [UInt8], contentType: String?) -> [String: String] {
        guard !bytes.isEmpty, bytes.count <= Emulator.bodyLimit else { return [:] }
        let data = Data(bytes)
        let looksJSON = contentType?.lowercased().contains("json") == true || data.first == UInt8(ascii: "{")
        if looksJSON, let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            var out: [String: String] = [:]
            for (k, v) in object {
                switch v {
                case let s as String: out[k] = s
                case let n as NSNumber: out[k] = n.stringValue
                default: break
                }
            }
            return out
        }
        return parseQuery(String(decoding: data, as: UTF8.self))
    }

    /// Client credentials from the body or HTTP Basic; 401 invalid_client when they do not match.
    /// `/oauth/device/code` and `/oauth/authorize` send no secret (`secret: false`).
    func checkOAuthClient(_ body: [String: String], _ headers: EmulatorHeaders, secret needsSecret: Bool = true) throws(V2Error) {
        var id = body["client_id"]
        var secret = body["client_secret"]
        if let auth = headers["Authorization"] {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "basic", let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
                let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
            {
                id = id ?? String(text[..<colon]).removingPercentEncoding
                secret = secret ?? String(text[text.index(after: colon)...]).removingPercentEncoding
            }
        }
        guard let id, !id.isEmpty else { throw V2Error(status: 401, code: "invalid_client", message: "client_id is missing") }
        if let expected = settings.clientID, id != expected {
            throw V2Error(status: 401, code: "invalid_client", message: "unknown client_id")
        }
        if settings.clientID == nil, oauth.firstSighting(ofClient: id) { settings.onNewClient?(id) }
        if needsSecret, let expected = settings.clientSecret, secret != expected {
            throw V2Error(status: 401, code: "invalid_client", message: "wrong client_secret")
        }
    }

    func tokenBody(user: Int) -> EmulatorResponse {
        let now = wallUnix
        let (access, refresh) = oauth.issue(user: user, ttl: settings.tokenTTL, now: now)
        var out = JSONBytes()
        out.raw("{\"access_token\":")
        out.string(access)
        out.raw(",\"token_type\":\"bearer\",\"expires_in\":")
        out.int(settings.tokenTTL)
        out.raw(",\"refresh_token\":")
        out.string(refresh)
        out.raw(",\"scope\":\"public\",\"created_at\":")
        out.int(now)
        out.byte(UInt8(ascii: "}"))
        return Self.ok(out)
    }

    func oauthRoute(_ s: [String], request: EmulatorRequest, query: [String: String]) throws(V2Error) -> EmulatorResponse {
        let path = s.joined(separator: "/")
        if path == "oauth/authorize" {
            guard request.method == "GET" || request.method == "HEAD" else { throw V2Error(status: 405, code: "method_not_allowed", message: "use GET") }
            try checkOAuthClient(query, [:], secret: false)
            let redirect = query["redirect_uri"] ?? "urn:ietf:wg:oauth:2.0:oob"
            let state = query["state"]
            var params: [String]
            if settings.deviceApproval == .deny {
                params = ["error=access_denied"]
            } else {
                params = ["code=" + oauth.newAuthorizationCode(user: tokenUser)]
            }
            if let state { params.append("state=" + (state.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
            if redirect == "urn:ietf:wg:oauth:2.0:oob" {
                var out = JSONBytes()
                out.raw("{")
                out.text(params.map { p in
                    let kv = p.split(separator: "=", maxSplits: 1)
                    return "\"\(kv[0])\":\"\(kv.count > 1 ? kv[1] : "")\""
                }.joined(separator: ","))
                out.raw("}")
                return Self.ok(out)
            }
            var headers = EmulatorHeaders()
            headers["Location"] = redirect + (redirect.contains("?") ? "&" : "?") + params.joined(separator: "&")
            return EmulatorResponse(status: 302, headers: headers)
        }
        guard request.method == "POST" else {
            throw V2Error(status: 405, code: "method_not_allowed", message: "use POST")
        }
        let body = Self.parseBody(request.body, contentType: request.headers["Content-Type"]).merging(query) { a, _ in a }

        switch path {
        case "oauth/device/code":
            try checkOAuthClient(body, request.headers, secret: false)
            let (device, user) = oauth.newDeviceCode(now: wallUnix)
            var out = JSONBytes()
            out.raw("{\"device_code\":")
            out.string(device)
            out.raw(",\"user_code\":")
            out.string(user)
            out.raw(",\"verification_url\":")
            out.string(Self.verificationURL)
            out.raw(",\"expires_in\":")
            out.int(settings.deviceCodeLifetime)
            out.raw(",\"interval\":")
            out.int(settings.deviceInterval)
            out.byte(UInt8(ascii: "}"))
            return Self.ok(out)
        case "oauth/device/token":
            try checkOAuthClient(body, request.headers)
            guard let code = body["code"] ?? body["device_code"] else { throw V2Error(status: 400, code: "invalid_request", message: "code is missing") }
            let result = oauth.poll(
                device: code, now: wallUnix, monotonic: monotonic, lifetime: settings.deviceCodeLifetime, interval: settings.deviceInterval,
                approval: settings.deviceApproval, tokenUser: tokenUser)
            switch result {
            case .approved(let user): return tokenBody(user: user)
            case .pending: throw V2Error(status: 400, code: "authorization_pending", message: "the user has not approved this code yet")
            case .invalid: throw V2Error(status: 404, code: "invalid_device_code", message: "unknown device code")
            case .used: throw V2Error(status: 409, code: "already_used", message: "this code was already approved and used")
            case .expired: throw V2Error(status: 410, code: "expired_token", message: "this code has expired; start again")
            case .denied: throw V2Error(status: 418, code: "access_denied", message: "the user denied this code")
            case .slowDown:
                var e = V2Error(status: 429, code: "slow_down", message: "polling too fast: wait interval seconds between polls")
                e.headers[Self.retryAfter] = String(max(1, settings.deviceInterval))
                throw e
            }
        case "oauth/token":
            try checkOAuthClient(body, request.headers)
            let invalidGrant = V2Error(
                status: 401, code: "invalid_grant",
                message: "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")
            switch body["grant_type"] {
            case "refresh_token":
                guard let r = body["refresh_token"], let user = oauth.redeem(refresh: r) else { throw invalidGrant }
                return tokenBody(user: user)
            case "authorization_code":
                guard let code = body["code"], let user = oauth.redeem(authorizationCode: code) else { throw invalidGrant }
                return tokenBody(user: user)
            default:
                throw V2Error(status: 400, code: "unsupported_grant_type", message: "grant_type must be refresh_token or authorization_code")
            }
        case "oauth/revoke":
            try checkOAuthClient(body, request.headers)
            guard let token = body["token"] else { throw V2Error(status: 400, code: "invalid_request", message: "token is missing") }
            oauth.revoke(token: token)
            var out = JSONBytes()
            out.raw("{}")
            return Self.ok(out)
        default:
            if s.count == 3, s[0] == "emulator", s[1] == "approve" {
                var user = tokenUser
                if let name = body["user"] ?? body["username"] {
                    guard let u = dataset.userByName[name.lowercased()] else { throw V2Error.notFound("user '\(name)' not found") }
                    user = u
                }
                guard oauth.approve(userCode: s[2], user: user) else { throw V2Error.notFound("unknown user code '\(s[2])'") }
                var out = JSONBytes()
                out.raw("{\"approved\":")
                out.string(s[2].uppercased())
                out.raw(",\"user\":")
                out.string(dataset.users[user].username)
                out.byte(UInt8(ascii: "}"))
                return Self.ok(out)
            }
            throw V2Error.notFound("unknown method /\(path)")
        }
    }
}
