import Foundation
import Testing

@testable import TraktEmulator
import TraktEmulatorServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let v2Client = "test-client-id"
let v2Token = "test-token-justin"

/// The small dataset (seed 7) with a v2 app, a pre-issued token for justin, no rate limit,
/// device codes without a polling interval.
let v2Server: Task<EmulatorServer, any Error> = Task {
    var c = EmulatorConfiguration(seed: 7, size: DatasetSize(activities: 6_000), now: pinnedNow, allowFaultHeader: true)
    c.v2 = V2Settings(
        clientID: v2Client, clientSecret: "test-secret", accessToken: v2Token, tokenUser: "justin", deviceApproval: .auto,
        rateLimit: .off, deviceInterval: 0)
    // tokenFor(_:_:) approves codes as any user from this machine.
    c.v2.approveFromLoopback = true
    return try await EmulatorServer.start(c)
}

/// The v2 headers; `token` adds `Authorization: Bearer`.
func v2Headers(_ token: String? = nil, key: String = v2Client) -> [String: String] {
    var h = ["trakt-api-version": "2", "trakt-api-key": key, "Content-Type": "application/json"]
    if let token { h["Authorization"] = "Bearer " + token }
    return h
}

extension HTTPResult {
    var array: [[String: Any]] { (try? JSONSerialization.jsonObject(with: body) as? [[String: Any]]) ?? [] }
    var isArray: Bool { (try? JSONSerialization.jsonObject(with: body)) is [Any] }
    func header(_ name: String) -> String? { response.value(forHTTPHeaderField: name) }
    func intHeader(_ name: String) -> Int? { header(name).flatMap { Int($0) } }
}

func v2(_ server: EmulatorServer, _ path: String, token: String? = nil, method: String = "GET") async throws -> HTTPResult {
    try await fetch(server, path, method: method, headers: v2Headers(token))
}

func postJSON(_ server: EmulatorServer, _ path: String, _ object: [String: Any], headers: [String: String] = [:]) async throws -> HTTPResult {
    var h = ["Content-Type": "application/json"]
    for (k, v) in headers { h[k] = v }
    return try await fetch(server, path, method: "POST", headers: h, body: try JSONSerialization.data(withJSONObject: object))
}

/// Every page of a paged v2 route (limit 250).
func allPages(_ server: EmulatorServer, _ path: String, token: String? = nil) async throws -> [[String: Any]] {
    var out: [[String: Any]] = []
    var page = 1
    while true {
        let sep = path.contains("?") ? "&" : "?"
        let r = try await v2(server, "\(path)\(sep)page=\(page)&limit=250", token: token)
        #expect(r.status == 200, "\(path): \(r.status)")
        let items = r.array
        out += items
        if items.count < 250 || page > 400 { return out }
        page += 1
    }
}

/// A token for `username` through the device flow with manual approval by the emulator
/// extension (`POST /emulator/approve/{user_code}` with `user`).
func tokenFor(_ server: EmulatorServer, _ username: String) async throws -> String {
    let code = try await postJSON(server, "/oauth/device/code", ["client_id": v2Client])
    let device = code.json["device_code"] as? String ?? ""
    let userCode = code.json["user_code"] as? String ?? ""
    _ = try await postJSON(server, "/emulator/approve/\(userCode)", ["user": username])
    let token = try await postJSON(server, "/oauth/device/token", ["code": device, "client_id": v2Client, "client_secret": "test-secret"])
    return token.json["access_token"] as? String ?? ""
}

/// The brute-force reference of a user's v2 history: every seen/scrobble/checkin activity of
/// the user (newest first), expanded per episode, inside [start, end] (Unix seconds).
func referenceHistory(_ ds: Dataset, user u: Int, start: Int64? = nil, end: Int64? = nil) -> [String] {
    var out: [String] = []
    for a in ds.activities where Int(a.user) == u {
        guard a.kind.type == .episode || a.kind.type == .movie else { continue }
        let action: String
        switch a.kind.action {
        case .seen: action = "watch"
        case .scrobble: action = "scrobble"
        case .checkin: action = "checkin"
        default: continue
        }
        if let start, a.time < start { continue }
        if let end, a.time > end { continue }
        let iso = ISOTime.string(a.time)
        if a.kind.type == .movie {
            out.append("\(iso) \(action) movie \(ds.movies[Int(a.subject)].seed.slug)")
        } else {
            let n = a.kind.action == .seen ? max(1, Int(a.extra)) : 1
            for k in 0..<n {
                let e = ds.episodes[Int(a.item) + k]
                out.append("\(iso) \(action) episode \(ds.shows[Int(a.subject)].seed.slug) \(e.season)x\(e.number)")
            }
        }
    }
    return out
}

/// The same description of served v2 history entries.
func describeHistory(_ items: [[String: Any]]) -> [String] {
    items.map { i in
        let when = i["watched_at"] as? String ?? "?"
        let action = i["action"] as? String ?? "?"
        if i["type"] as? String == "movie" {
            let ids = (i["movie"] as? [String: Any])?["ids"] as? [String: Any]
            return "\(when) \(action) movie \(ids?["slug"] as? String ?? "?")"
        }
        let show = ((i["show"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String ?? "?"
        let ep = i["episode"] as? [String: Any]
        return "\(when) \(action) episode \(show) \(ep?["season"] as? Int ?? -1)x\(ep?["number"] as? Int ?? -1)"
    }
}

/// Runs a program, returns (status, stdout+stderr).
@discardableResult
func runTool(_ program: String, _ args: [String]) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
