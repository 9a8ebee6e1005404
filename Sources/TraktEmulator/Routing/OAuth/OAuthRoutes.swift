import Foundation

/// `/oauth/device/code`, `/oauth/device/token`, `/oauth/token`, `/oauth/revoke`,
/// `/oauth/authorize` and the emulator's `POST /emulator/approve/{user_code}`.
extension V2Service {
    static let verificationURL = "https://trakt.tv/activate"

    /// A JSON object or a form-encoded body, as strings. What it is comes from the body when
    /// the `Content-Type` is missing or says otherwise (clients send JSON as form data, with or
    /// without a charset, after a byte-order mark or white space), as a tolerant server reads it.
    static func parseBody(_ bytes: [UInt8], contentType: String?) -> [String: String] {
        guard !bytes.isEmpty, bytes.count <= Emulator.bodyLimit else { return [:] }
        var start = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        while start < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        let data = Data(bytes[start...])
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
        if let expected = settings.clientID, !ConstantTime.equals(id, expected) {
            throw V2Error(status: 401, code: "invalid_client", message: "unknown client_id")
        }
        if settings.clientID == nil { reportSighting(ofClient: id) }
        if needsSecret, let expected = settings.clientSecret {
            guard let secret, ConstantTime.equals(secret, expected) else {
                throw V2Error(status: 401, code: "invalid_client", message: "wrong client_secret")
            }
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
            // Only to the app's registered redirect URI (RFC 6749 §3.1.2.4: never redirect to
            // an unregistered one, which would hand the code to whoever named it).
            let given = query["redirect_uri"]
            if let given, given != settings.redirectURI {
                throw V2Error(status: 400, code: "invalid_request",
                              message: "redirect_uri does not match the app's registered redirect URI (the emulator's --redirect-uri)")
            }
            let redirect = settings.redirectURI
            let state = query["state"]
            var params: [String]
            if settings.deviceApproval == .deny {
                params = ["error=access_denied"]
            } else {
                guard let code = oauth.newAuthorizationCode(user: tokenUser, redirectURI: given, now: wallUnix) else {
                    throw Self.tooManyCodes("authorization codes")
                }
                params = ["code=" + code]
            }
            if let state { params.append("state=" + (state.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
            if redirect == V2Settings.outOfBandRedirect {
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
            guard let (device, user) = oauth.newDeviceCode(now: wallUnix, lifetime: settings.deviceCodeLifetime) else {
                throw Self.tooManyCodes("device codes")
            }
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
                device: code, now: wallUnix, monotonic: monotonic, interval: settings.deviceInterval,
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
                guard let code = body["code"] else { throw V2Error(status: 400, code: "invalid_request", message: "code is missing") }
                // RFC 6749 §4.1.3: the same redirect_uri as the authorization request, when it named one.
                // (A refresh is not checked: Trakt's own server does not, and a device-flow client
                // sends the out-of-band URI whatever the app registered.)
                guard let given = body["redirect_uri"] else {
                    throw V2Error(status: 400, code: "invalid_request", message: "redirect_uri is missing (send the app's registered redirect URI)")
                }
                guard given == settings.redirectURI else { throw invalidGrant }
                guard let grant = oauth.redeem(authorizationCode: code, now: wallUnix),
                      grant.redirectURI == nil || grant.redirectURI == body["redirect_uri"] else { throw invalidGrant }
                return tokenBody(user: grant.user)
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
            if s == ["emulator", "advance"] {
                return try advanceRoute(request, query: body)
            }
            if s == ["emulator", "reset"] {
                try checkOperatorSecret(request, doing: "resetting the writes")
                try resetWrites()
                var out = JSONBytes()
                out.raw("{\"reset\":true}")
                return Self.ok(out)
            }
            if s.count == 3, s[0] == "emulator", s[1] == "approve" {
                try checkOperator(request)
                var user = tokenUser
                if let name = body["user"] ?? body["username"] {
                    guard let u = dataset.userByName[name.lowercased()] else { throw V2Error.notFound("user '\(name)' not found") }
                    user = u
                }
                guard oauth.approve(userCode: s[2], user: user, now: wallUnix) else {
                    throw V2Error.notFound("unknown or expired user code '\(s[2])'")
                }
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

    /// 429 when a client holds too many unused codes (the store is bounded).
    static func tooManyCodes(_ what: String) -> V2Error {
        var e = V2Error(status: 429, code: "slow_down", message: "too many unused \(what); try again later")
        e.headers[retryAfter] = "60"
        return e
    }

    /// `POST /emulator/reset` forgets every write and `POST /emulator/advance` moves the clock,
    /// so they need the operator secret (a request from this machine is not enough:
    /// `--approve-from-loopback` is about approving logins). 403 otherwise.
    func checkOperatorSecret(_ request: EmulatorRequest, doing what: String) throws(V2Error) {
        if let secret = settings.operatorSecret, let given = Self.bearerToken(request.headers), ConstantTime.equals(given, secret) {
            return
        }
        let how = settings.operatorSecret == nil
            ? "this emulator takes it over HTTP only with an operator secret: start it with --operator-secret-file FILE"
            : "send the operator secret (Authorization: Bearer …, the contents of --operator-secret-file)"
        throw V2Error(status: 403, code: "forbidden", message: what + " needs the emulator's operator: " + how)
    }

    /// `POST /emulator/approve/…` approves a login as any user, so it needs the operator: the
    /// operator secret (`Authorization: Bearer …`), or a request from this machine when the
    /// operator allowed that (`--approve-from-loopback`). 403 otherwise.
    func checkOperator(_ request: EmulatorRequest) throws(V2Error) {
        if let secret = settings.operatorSecret, let given = Self.bearerToken(request.headers), ConstantTime.equals(given, secret) {
            return
        }
        if settings.approveFromLoopback && request.fromLoopback { return }
        let how: String
        switch (settings.operatorSecret != nil, settings.approveFromLoopback) {
        case (true, true): how = "send the operator secret (Authorization: Bearer …) or approve from this machine"
        case (true, false): how = "send the operator secret (Authorization: Bearer …, the contents of --operator-secret-file)"
        case (false, true): how = "approve from this machine (--approve-from-loopback)"
        case (false, false): how = "this emulator approves no codes over HTTP: start it with --operator-secret-file FILE or --approve-from-loopback"
        }
        throw V2Error(status: 403, code: "forbidden", message: "approving a device code needs the emulator's operator: " + how)
    }
}
