import Foundation
import Testing
import TraktProtocol

@testable import TraktEmulator
import TraktEmulatorServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The pinned clock all small-dataset tests use: 2025-06-01T12:00:00Z.
let pinnedNow = Date(timeIntervalSince1970: 1_748_779_200)

/// A small dataset served once per test process (pacific convention, any API key,
/// X-Emulator-Fault honoured).
let smallServer: Task<EmulatorServer, any Error> = Task {
    try await EmulatorServer.start(EmulatorConfiguration(seed: 7, size: DatasetSize(activities: 6_000), now: pinnedNow, allowFaultHeader: true))
}

/// The same small dataset under the UTC convention.
let smallUTCServer: Task<EmulatorServer, any Error> = Task {
    try await EmulatorServer.start(
        EmulatorConfiguration(seed: 7, size: DatasetSize(activities: 6_000), now: pinnedNow, convention: .utc))
}

/// A server that only accepts the key "secret".
let keyedServer: Task<EmulatorServer, any Error> = Task {
    try await EmulatorServer.start(
        EmulatorConfiguration(seed: 3, size: DatasetSize(activities: 500), apiKey: "secret", now: pinnedNow))
}

/// The default dataset (seed 1), for the showcase checks.
let defaultServer: Task<EmulatorServer, any Error> = Task {
    try await EmulatorServer.start(EmulatorConfiguration(seed: 1, now: pinnedNow))
}

let session: URLSession = {
    let c = URLSessionConfiguration.ephemeral
    c.timeoutIntervalForRequest = 20
    return URLSession(configuration: c)
}()

struct HTTPResult {
    let status: Int
    let body: Data
    let response: HTTPURLResponse

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
    }

    var activity: [[String: Any]] { json["activity"] as? [[String: Any]] ?? [] }

    var error: String? { json["error"] as? String }

    var isValidJSON: Bool { (try? JSONSerialization.jsonObject(with: body)) != nil }
}

func fetch(
    _ server: EmulatorServer, _ path: String, method: String = "GET", headers: [String: String] = [:], body: Data? = nil
) async throws -> HTTPResult {
    var request = URLRequest(url: URL(string: server.baseURL.absoluteString + path)!)
    request.httpMethod = method
    for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
    request.httpBody = body
    let (data, response) = try await session.data(for: request)
    return HTTPResult(status: (response as! HTTPURLResponse).statusCode, body: data, response: response as! HTTPURLResponse)
}

/// `Authorization: Basic base64(username:sha1(password))`.
func basicAuth(_ username: String, password: String? = nil) -> [String: String] {
    let pw = SHA1.hex(password ?? Dataset.password(forUsername: username))
    return ["Authorization": "Basic " + Data("\(username):\(pw)".utf8).base64EncodedString()]
}

/// (type, id) of each item: the API's identity of an activity.
func identities(_ items: [[String: Any]]) -> [String] {
    items.map { "\($0["type"] as? String ?? "?"):\($0["id"] as? Int ?? -1)" }
}

/// Brute-force reference: scans every activity (newest first) with a predicate.
func reference(_ ds: Dataset, limit: Int = 100, _ keep: (Activity) -> Bool) -> [String] {
    var out: [String] = []
    for a in ds.activities where keep(a) {
        out.append("\(a.kind.type.name):\(a.id)")
        if out.count == limit { break }
    }
    return out
}

extension Dataset {
    func showIndex(_ slug: String) -> Int { showBySlug[slug]! }
    func userIndex(_ name: String) -> Int { userByName[name]! }
    func seasonNumber(of a: Activity) -> Int { Int(episodes[Int(a.item)].season) }
    func episodeNumbers(of a: Activity) -> [Int] {
        (0..<ActivityIndex.episodeSpan(a)).map { Int(episodes[Int(a.item) + $0].number) }
    }
    /// Visible to an anonymous caller in multi-user streams.
    func publicActivity(_ a: Activity) -> Bool { !users[Int(a.user)].isProtected }
}
