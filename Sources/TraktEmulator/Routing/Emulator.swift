import Foundation
import HTTPTypes
import Hummingbird
import TraktProtocol

/// The request handler: routing, API key, auth, faults, and the activity pages.
final class EmulatorService: Sendable {
    let dataset: Dataset
    let configuration: EmulatorConfiguration
    let engine: QueryEngine
    let renderer: PageRenderer
    let dice: FaultDice
    let catalogBody: ByteBuffer
    /// The Trakt API v2 view (V2/, OAuth/): paths under /users, /sync, /shows, /movies, /search, /oauth.
    let v2: V2Service

    static let faultHeader = HTTPField.Name("X-Emulator-Fault")!
    static let retryAfter = HTTPField.Name("Retry-After")!

    init(dataset: Dataset, configuration: EmulatorConfiguration) {
        self.dataset = dataset
        self.configuration = configuration
        engine = QueryEngine(dataset: dataset)
        renderer = PageRenderer(dataset: dataset)
        dice = FaultDice(seed: dataset.seed)
        catalogBody = ByteBuffer(bytes: Self.renderCatalog(dataset, hostile: configuration.hostileText))
        v2 = V2Service(dataset: dataset, settings: configuration.v2, pinnedClock: configuration.now != nil)
    }

    /// Server clock in real Unix seconds.
    var nowUnix: Int64 {
        if configuration.now != nil { return dataset.nowUnix }
        return Int64(Date().timeIntervalSince1970.rounded(.down))
    }

    struct Reply {
        var status: HTTPResponse.Status
        var body: ByteBuffer
        var headers: HTTPFields = [:]
    }

    func respond(to request: Request, context: EmulatorContext) async throws -> Response {
        var request = request
        guard request.method == .get || request.method == .post || request.method == .head else {
            return response(failure(APIFailure(status: 405, message: "method not allowed (use GET or POST)")), head: false)
        }
        let head = request.method == .head
        let path = request.uri.path
        let isV2 = V2Service.owns(path: path)
        var route = Route.catalog
        if !isV2 {
            do {
                route = try RequestParser.parse(path: path, query: request.uri.query, acceptKey: acceptKey)
            } catch {
                return response(failure(error), head: head)
            }
        }
        if !isV2 && route == .catalog {
            return response(Reply(status: .ok, body: catalogBody), head: head)
        }

        // Faults: the header forces exactly one (only when the server was started with
        // --allow-fault-header: anyone who can reach it could otherwise stall or reset it);
        // otherwise the seeded dice decide.
        var fault: Fault?
        if configuration.allowFaultHeader, let forced = request.headers[Self.faultHeader] {
            guard let f = Fault(header: forced) else {
                return response(
                    failure(.badRequest("invalid X-Emulator-Fault '\(forced)' (expected 503, 429, 420, 423, 426, latency=MSms, truncate, malformed or reset)")),
                    head: head)
            }
            fault = f
        } else {
            if configuration.faults.latencyMilliseconds > 0 {
                try await Task.sleep(for: .milliseconds(configuration.faults.latencyMilliseconds))
            }
            if configuration.faults.overCapacity + configuration.faults.rateLimited + configuration.faults.truncate
                + configuration.faults.malformed + configuration.faults.reset > 0
            {
                fault = configuration.faults.pick(dice.draw())
            }
        }
        switch fault {
        case .latency(let ms):
            try await Task.sleep(for: .milliseconds(ms))
        case .overCapacity:
            return response(failure(APIFailure(status: 503, message: "server is over capacity")), head: head)
        case .rateLimited:
            var r = failure(APIFailure(status: 429, message: "rate limit exceeded, retry later"))
            r.headers[Self.retryAfter] = "1"
            return response(r, head: head)
        case .reset:
            try? await context.channel.close()
            throw CancellationError()
        case .account(let status):
            return response(accountFailure(status: status), head: head)
        default:
            break
        }

        var reply: Reply
        do {
            if isV2 {
                reply = await v2.respond(to: request, nowUnix: nowUnix)
            } else {
                switch route {
            case .catalog:
                reply = Reply(status: .ok, body: catalogBody)
            case .serverTime:
                var out = JSONBytes()
                out.raw("{\"timestamp\":")
                out.int(dataset.clock.apiTimestamp(nowUnix))
                out.raw(",\"timezone\":\"PST\"}")
                reply = Reply(status: .ok, body: ByteBuffer(bytes: out.bytes))
            case .activity(let req):
                var body: ByteBuffer?
                if request.method == .post {
                    body = try? await request.collectBody(upTo: 65_536)
                }
                let viewer = try authenticate(request.headers[.authorization], body: body)
                if req.endpoint.requiresAuth && viewer == nil { throw APIFailure.failedAuth }
                let positions = try engine.run(req, viewer: engine.viewer(viewer))
                reply = Reply(status: .ok, body: renderer.page(positions: positions, request: req, nowUnix: nowUnix))
                }
            }
        } catch let error as APIFailure {
            reply = failure(error)
        }

        switch fault {
        case .truncate:
            reply.body = ByteBuffer(bytes: Array(reply.body.readableBytesView.prefix(reply.body.readableBytes / 2)))
        case .malformed:
            var bytes = Array(reply.body.readableBytesView)
            if let brace = bytes.firstIndex(of: UInt8(ascii: "{")) {
                bytes.insert(UInt8(ascii: ","), at: brace + 1)
            } else {
                bytes = Array("{,".utf8) + bytes
            }
            reply.body = ByteBuffer(bytes: bytes)
        default:
            break
        }
        return response(reply, head: head)
    }

    /// The real API's account answers (420, 423, 426) with the headers it sends along.
    func accountFailure(status: Int) -> Reply {
        var reply: Reply
        switch status {
        case 420:
            reply = failure(APIFailure(status: 420, message: "account limit exceeded: upgrade to VIP for higher limits"))
            reply.headers[Self.upgradeURL] = "https://trakt.tv/vip"
            reply.headers[Self.vipUser] = "false"
            reply.headers[Self.accountLimit] = "100"
        case 423:
            reply = failure(APIFailure(status: 423, message: "the user account is locked"))
            reply.headers[Self.accountLocked] = "true"
            reply.headers[Self.accountDeactivated] = "false"
        default:
            reply = failure(APIFailure(status: 426, message: "VIP only: this feature needs a VIP account"))
            reply.headers[Self.upgradeURL] = "https://trakt.tv/vip"
            reply.headers[Self.vipUser] = "false"
        }
        return reply
    }
    static let upgradeURL = HTTPField.Name("X-Upgrade-URL")!
    static let vipUser = HTTPField.Name("X-VIP-User")!
    static let accountLimit = HTTPField.Name("X-Account-Limit")!
    static let accountLocked = HTTPField.Name("X-Account-Locked")!
    static let accountDeactivated = HTTPField.Name("X-Account-Deactivated")!

    private func acceptKey(_ key: String) -> Bool {
        guard let expected = configuration.apiKey else { return true }
        return key == expected
    }

    /// The authenticated user, nil when no credentials were sent; throws 401 on bad ones.
    /// Accepts HTTP Basic (`username:sha1hex(password)`) or a JSON body with `username` and
    /// `password` (the SHA-1 hex), as v1 clients sent them.
    func authenticate(_ authorization: String?, body: ByteBuffer?) throws(APIFailure) -> Int? {
        var credentials: (String, String)?
        if let authorization {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "basic",
                let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
                let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else { throw .failedAuth }
            credentials = (String(text[..<colon]), String(text[text.index(after: colon)...]))
        } else if let body, body.readableBytes > 0 {
            let data = Data(body.readableBytesView)
            if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let u = object["username"] as? String, let p = object["password"] as? String
            {
                credentials = (u, p)
            }
        }
        guard let (username, password) = credentials else { return nil }
        guard let u = dataset.userByName[username.lowercased()] else { throw .failedAuth }
        let expected = SHA1.hex(Dataset.password(forUsername: dataset.users[u].username))
        guard password.lowercased() == expected else { throw .failedAuth }
        return u
    }

    func failure(_ f: APIFailure) -> Reply {
        var out = JSONBytes()
        out.raw("{\"status\":\"failure\",\"error\":")
        // With --hostile-text, error messages carry every terminal attack too (clients print them).
        out.string(configuration.hostileText ? HostileText.payloads.reduce(f.message) { $0 + $1.prefix + $1.suffix } : f.message)
        out.byte(UInt8(ascii: "}"))
        return Reply(status: HTTPResponse.Status(code: f.status), body: ByteBuffer(bytes: out.bytes))
    }

    func response(_ r: Reply, head: Bool) -> Response {
        var headers = r.headers
        headers[.contentType] = "application/json; charset=utf-8"
        if head {
            headers[.contentLength] = String(r.body.readableBytes)
            return Response(status: r.status, headers: headers)
        }
        return Response(status: r.status, headers: headers, body: ResponseBody(byteBuffer: r.body))
    }

    /// `GET /emulator/catalog.json` (an emulator extension, no API key): shows, movies and
    /// users, for clients' completion.
    static func renderCatalog(_ ds: Dataset, hostile: Bool = false) -> [UInt8] {
        var out = JSONBytes()
        out.raw("{\"shows\":[")
        if hostile {
            // Slugs that extend real ones with a terminal attack: a client that completes
            // `show:the-walking-d` from this catalog must not put them on the screen or the line.
            for payload in HostileText.payloads {
                out.raw("{\"slug\":")
                out.string("the-walking-dead" + payload.prefix + payload.suffix)
                out.raw(",\"title\":\"hostile\",\"year\":2024,\"tvdb_id\":0,\"imdb_id\":\"\",\"seasons\":[]},")
            }
        }
        for (i, s) in ds.catalogShows.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw("{\"slug\":")
            out.string(s.slug)
            out.raw(",\"title\":")
            out.string(s.title)
            out.raw(",\"year\":")
            out.int(s.year)
            out.raw(",\"tvdb_id\":")
            out.int(s.tvdbID)
            out.raw(",\"imdb_id\":")
            out.string(s.imdbID)
            out.raw(",\"seasons\":[")
            for (j, season) in s.seasons.enumerated() {
                if j > 0 { out.byte(UInt8(ascii: ",")) }
                out.raw("{\"season\":")
                out.int(season.number)
                out.raw(",\"episodes\":")
                out.int(season.episodes)
                out.byte(UInt8(ascii: "}"))
            }
            out.raw("]}")
        }
        out.raw("],\"movies\":[")
        for (i, m) in ds.catalogMovies.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw("{\"slug\":")
            out.string(m.slug)
            out.raw(",\"title\":")
            out.string(m.title)
            out.raw(",\"year\":")
            out.int(m.year)
            out.raw(",\"imdb_id\":")
            out.string(m.imdbID)
            out.raw(",\"tmdb_id\":")
            out.int(m.tmdbID)
            out.byte(UInt8(ascii: "}"))
        }
        out.raw("],\"users\":[")
        if hostile {
            for payload in HostileText.payloads {
                out.raw("{\"username\":")
                out.string("justin" + payload.prefix + payload.suffix)
                out.raw(",\"protected\":false},")
            }
        }
        for (i, u) in ds.catalogUsers.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw("{\"username\":")
            out.string(u.username)
            out.raw(",\"protected\":")
            out.bool(u.isProtected)
            out.byte(UInt8(ascii: "}"))
        }
        out.raw("],\"types\":[\"episode\",\"show\",\"movie\",\"list\"],\"actions\":[")
        for (i, a) in ActivityAction.allCases.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.string(a.name)
        }
        out.raw("]}")
        return out.bytes
    }
}
