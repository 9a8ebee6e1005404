import Foundation
import TraktProtocol

/// The emulator core: a generated ``Dataset`` and the Trakt APIs over it (v1 activity, v2,
/// OAuth), answering one request at a time as plain values. No sockets, no server: the HTTP
/// server (`EmulatorServer` in `TraktEmulatorServer`) and traktql's in-process transport are
/// both front ends of this.
///
/// ```swift
/// let emulator = Emulator(EmulatorConfiguration(seed: 1, now: someDate))
/// let answer = await emulator.respond(EmulatorRequest(target: "/users/justin/history", headers: [
///     "trakt-api-version": "2", "trakt-api-key": "my-client"]))
/// answer.status      // 200
/// answer.body        // JSON bytes
/// ```
public final class Emulator: Sendable {
    public let dataset: Dataset
    public let configuration: EmulatorConfiguration
    /// Wall-clock milliseconds spent generating the dataset (0 when one was passed in).
    public let generationMilliseconds: Double
    let engine: QueryEngine
    let renderer: PageRenderer
    let dice: FaultDice
    let catalogBody: [UInt8]
    /// The Trakt API v2 view (Routing/V2, Routing/OAuth): paths under /users, /sync, /shows, /movies, /search, /oauth.
    let v2: V2Service

    /// The most body bytes a request may carry; a longer body is read as none (v1 credentials,
    /// OAuth forms and JSON are all far smaller).
    public static let bodyLimit = 65_536

    /// The most body bytes a v2 write may carry (a sync of a whole library is large); a longer
    /// body is read as none (400).
    public static let writeBodyLimit = 1 << 20

    static let faultHeader = "X-Emulator-Fault"
    static let retryAfter = "Retry-After"

    /// Generates the dataset of `configuration` (seed, size, clock, convention, hostile text).
    public convenience init(_ configuration: EmulatorConfiguration) {
        let clock = ContinuousClock()
        let t0 = clock.now
        let now = configuration.now ?? Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let dataset = Dataset.generate(seed: configuration.seed, size: configuration.size, now: now, convention: configuration.convention,
                                       hostileText: configuration.hostileText)
        let elapsed = clock.now - t0
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        self.init(configuration, dataset: dataset, generationMilliseconds: ms)
    }

    /// Serves an already generated dataset (its seed, clock and convention win over the
    /// configuration's).
    public init(_ configuration: EmulatorConfiguration, dataset: Dataset, generationMilliseconds: Double = 0) {
        self.dataset = dataset
        self.configuration = configuration
        self.generationMilliseconds = generationMilliseconds
        engine = QueryEngine(dataset: dataset)
        renderer = PageRenderer(dataset: dataset)
        dice = FaultDice(seed: dataset.seed)
        catalogBody = Self.renderCatalog(dataset, hostile: configuration.hostileText)
        v2 = V2Service(dataset: dataset, settings: configuration.v2, pinnedClock: configuration.now != nil,
                       runningClock: configuration.clock == .real)
    }

    /// Builds now what is otherwise built on the first call that needs it (the v2 pre-rendered
    /// objects), so that no request pays for it: for a server, which starts once and serves
    /// many. traktql's in-process default leaves it to first use (a v1 session never needs it).
    public func buildDeferredViews() {
        _ = v2.fragments
    }

    /// Whether ``buildDeferredViews()`` has run, or a call has needed what it builds.
    public var deferredViewsAreBuilt: Bool { v2.fragmentsAreBuilt }

    /// Server clock in real Unix seconds (moved by `POST /emulator/advance`, running with `--clock real`).
    var nowUnix: Int64 { v2.clockNow() }

    /// Answers one request: routing, API key, auth, faults, pages. Never throws: every failure
    /// is an HTTP answer (or, for a `reset` fault, an answer whose ``EmulatorResponse/wireFault``
    /// tells the front end to drop the connection). Injected latency is a sleep; cancelling the
    /// calling task cuts it short.
    public func respond(_ request: EmulatorRequest) async -> EmulatorResponse {
        guard request.method == "GET" || request.method == "POST" || request.method == "HEAD"
            || ((request.method == "PUT" || request.method == "DELETE") && V2Service.owns(path: Self.normalizedPath(request.path)))
        else {
            return response(failure(APIFailure(status: 405, message: "method not allowed (use GET or POST)")), head: false)
        }
        let head = request.method == "HEAD"
        // As a production server behind a reverse proxy: repeated slashes are one, a trailing
        // slash changes nothing (nginx's merge_slashes, Rails' routing).
        var request = request
        request.path = Self.normalizedPath(request.path)
        let path = request.path
        let isV2 = V2Service.owns(path: path)
        var route = Route.catalog
        if !isV2 {
            do {
                route = try RequestParser.parse(path: path, query: request.query, acceptKey: acceptKey)
            } catch {
                return response(failure(error), head: head)
            }
        }
        if !isV2 && route == .catalog {
            return response(EmulatorResponse(status: 200, body: catalogBody), head: head)
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
                try? await Task.sleep(for: .milliseconds(configuration.faults.latencyMilliseconds))
            }
            if configuration.faults.overCapacity + configuration.faults.rateLimited + configuration.faults.truncate
                + configuration.faults.malformed + configuration.faults.reset > 0
            {
                fault = configuration.faults.pick(dice.draw())
            }
        }
        switch fault {
        case .latency(let ms):
            try? await Task.sleep(for: .milliseconds(ms))
        case .overCapacity:
            return response(failure(APIFailure(status: 503, message: "server is over capacity")), head: head)
        case .rateLimited:
            var r = failure(APIFailure(status: 429, message: "rate limit exceeded, retry later"))
            r.headers[Self.retryAfter] = "1"
            return response(r, head: head)
        case .reset:
            return EmulatorResponse(status: 0, wireFault: .reset)
        case .account(let status):
            return response(accountFailure(status: status), head: head)
        default:
            break
        }

        // The community goes on as the clock moves: what it did up to now is there before anyone reads.
        let nowUnix = v2.catchUpWithClock()
        var reply: EmulatorResponse
        if isV2 {
            reply = await v2.respond(to: request, nowUnix: nowUnix)
        } else {
            reply = v1(route, request)
        }

        switch fault {
        case .truncate:
            reply.body = Array(reply.body.prefix(reply.body.count / 2))
        case .malformed:
            if let brace = reply.body.firstIndex(of: UInt8(ascii: "{")) {
                reply.body.insert(UInt8(ascii: ","), at: brace + 1)
            } else {
                reply.body = Array("{,".utf8) + reply.body
            }
        default:
            break
        }
        return response(reply, head: head)
    }

    /// `path` with each run of slashes made one and a trailing slash removed (`/` stays `/`).
    /// Percent-encoded slashes (`%2F`) are data, not separators, and stay as they are.
    static func normalizedPath(_ path: String) -> String {
        guard path.contains("//") || (path.utf8.count > 1 && path.hasSuffix("/")) else { return path }
        var out = ""
        out.reserveCapacity(path.utf8.count)
        var previousWasSlash = false
        for character in path {
            if character == "/" {
                if previousWasSlash { continue }
                previousWasSlash = true
            } else {
                previousWasSlash = false
            }
            out.append(character)
        }
        if out.count > 1 && out.hasSuffix("/") { out.removeLast() }
        return out.isEmpty ? "/" : out
    }

    /// The real API's account answers (420, 423, 426) with the headers it sends along.
    func accountFailure(status: Int) -> EmulatorResponse {
        var reply: EmulatorResponse
        switch status {
        case 420:
            reply = failure(APIFailure(status: 420, message: "account limit exceeded: upgrade to VIP for higher limits"))
            reply.headers["X-Upgrade-URL"] = "https://trakt.tv/vip"
            reply.headers["X-VIP-User"] = "false"
            reply.headers["X-Account-Limit"] = "100"
        case 423:
            reply = failure(APIFailure(status: 423, message: "the user account is locked"))
            reply.headers["X-Account-Locked"] = "true"
            reply.headers["X-Account-Deactivated"] = "false"
        default:
            reply = failure(APIFailure(status: 426, message: "VIP only: this feature needs a VIP account"))
            reply.headers["X-Upgrade-URL"] = "https://trakt.tv/vip"
            reply.headers["X-VIP-User"] = "false"
        }
        return reply
    }

    /// A v1 failure body: `{"status":"failure","error":…}`.
    func failure(_ f: APIFailure) -> EmulatorResponse {
        var out = JSONBytes()
        out.raw("{\"status\":\"failure\",\"error\":")
        // With --hostile-text, error messages carry every terminal attack too (clients print them).
        out.string(configuration.hostileText ? HostileText.payloads.reduce(f.message) { $0 + $1.prefix + $1.suffix } : f.message)
        out.byte(UInt8(ascii: "}"))
        return EmulatorResponse(status: f.status, body: out.bytes)
    }

    /// Every answer is JSON with its length; HEAD keeps the length and drops the body.
    func response(_ r: EmulatorResponse, head: Bool) -> EmulatorResponse {
        var r = r
        r.headers["Content-Type"] = "application/json; charset=utf-8"
        r.headers["Content-Length"] = String(r.body.count)
        if head { r.body = [] }
        return r
    }
}
