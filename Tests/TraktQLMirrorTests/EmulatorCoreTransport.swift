import Foundation
import TraktEmulator
import TraktQL

/// The emulator core in this process as an ``HTTPTransport`` (as the built-in default calls it):
/// counts the calls, and can answer a chosen call itself (a 500, a 429) instead of the core.
final class EmulatorCoreTransport: HTTPTransport, @unchecked Sendable {
    let emulator: Emulator
    private let lock = NSLock()
    private var sent: [String] = []
    /// Called before each request with its number (from 1) and path; a response replaces the core's.
    var intercept: (@Sendable (Int, String) -> HTTPResponse?)?

    init(_ emulator: Emulator) { self.emulator = emulator }

    /// The requests sent, as `path?query`.
    var requests: [String] { lock.withLock { sent } }
    var calls: Int { lock.withLock { sent.count } }
    func reset() { lock.withLock { sent = [] } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)!
        let target = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let number = lock.withLock { sent.append(target); return sent.count }
        if let answer = intercept?(number, components.percentEncodedPath) { return answer }
        var headers = EmulatorHeaders()
        for (name, value) in request.headers { headers.append(name: name, value: value) }
        let answer = await emulator.respond(EmulatorRequest(method: request.method, target: target, headers: headers,
                                                            body: request.body.map { [UInt8]($0) } ?? [], fromLoopback: true))
        var fields: [String: String] = [:]
        for field in answer.headers { fields[field.name.lowercased()] = field.value }
        return HTTPResponse(status: answer.status, headers: fields, body: Data(answer.body))
    }

    /// A v2 write as justin (the token's user): `POST path` with `body`.
    @discardableResult
    func write(_ path: String, _ body: String, method: String = "POST") async -> (status: Int, body: String) {
        var headers = EmulatorHeaders()
        for (name, value) in MirrorTestSupport.headers { headers.append(name: name, value: value) }
        let answer = await emulator.respond(EmulatorRequest(method: method, target: path, headers: headers, body: Array(body.utf8)))
        return (answer.status, String(decoding: answer.body, as: UTF8.self))
    }

    /// A v2 GET as justin, parsed.
    func get(_ target: String) async -> Value {
        var headers = EmulatorHeaders()
        for (name, value) in MirrorTestSupport.headers { headers.append(name: name, value: value) }
        let answer = await emulator.respond(EmulatorRequest(method: "GET", target: target, headers: headers))
        return (try? JSONReader.parse(answer.body)) ?? .null
    }
}

enum MirrorTestSupport {
    static let token = "mirror-test-token"
    static let clientID = "mirror-tests"
    static let server = URL(string: "http://emulator.test")!
    static let headers = ["trakt-api-version": "2", "trakt-api-key": clientID, "Authorization": "Bearer " + token,
                          "Content-Type": "application/json"]
    static let now = Date(timeIntervalSince1970: 1_748_779_200)  // 2025-06-01T12:00:00Z

    /// A fresh emulator core (small dataset, pinned clock, a token for justin, no rate limit).
    static func emulator(activities: Int = 6_000, faults: FaultSpec = .none) -> Emulator {
        var configuration = EmulatorConfiguration(seed: 7, size: DatasetSize(activities: activities), faults: faults, now: now)
        configuration.v2 = V2Settings(accessToken: token, tokenUser: "justin", rateLimit: .off)
        return Emulator(configuration)
    }

    static func temporaryPath() -> String {
        let directory = NSTemporaryDirectory() + "traktql-mirror-\(UUID().uuidString)"
        return directory + "/justin.sqlite"
    }
}
