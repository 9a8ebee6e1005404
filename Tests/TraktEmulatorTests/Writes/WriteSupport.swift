import Foundation
import Testing
import TraktProtocol

@testable import TraktEmulator

/// A fresh in-process emulator for write tests (each test gets its own: writes change state):
/// the small dataset (seed 7), the clock pinned, a token for justin (`writeToken`) and one for
/// another user (`otherToken`), no rate limit.
let writeToken = "write-token-justin"

func writableEmulator(seed: UInt64 = 7, activities: Int = 6_000, configure: (inout EmulatorConfiguration) -> Void = { _ in }) -> Emulator {
    var c = EmulatorConfiguration(seed: seed, size: DatasetSize(activities: activities), now: pinnedNow)
    c.v2 = V2Settings(clientID: v2Client, accessToken: writeToken, tokenUser: "justin", rateLimit: .off)
    configure(&c)
    return Emulator(c)
}

/// One answer, with its body parsed.
struct WriteAnswer {
    let status: Int
    let headers: EmulatorHeaders
    let body: [UInt8]

    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:] }
    var array: [[String: Any]] { (try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]]) ?? [] }
    var text: String { String(decoding: body, as: UTF8.self) }

    /// `object[a][b]` as an Int (counts such as `added.movies`).
    func count(_ a: String, _ b: String) -> Int? { (object[a] as? [String: Any])?[b] as? Int }
}

/// Calls the core with the v2 headers, `token` as Bearer, `json` as the body.
func call(_ e: Emulator, _ method: String, _ target: String, token: String? = writeToken, json: Any? = nil,
          raw: [UInt8]? = nil, key: String = v2Client) async -> WriteAnswer {
    var h = EmulatorHeaders()
    h["trakt-api-version"] = "2"
    h["trakt-api-key"] = key
    h["Content-Type"] = "application/json"
    if let token { h["Authorization"] = "Bearer " + token }
    var body: [UInt8] = raw ?? []
    if let json { body = Array(try! JSONSerialization.data(withJSONObject: json)) }
    let r = await e.respond(EmulatorRequest(method: method, target: target, headers: h, body: body))
    return WriteAnswer(status: r.status, headers: r.headers, body: r.body)
}

/// Every page of a paged v2 route, in-process.
func pages(_ e: Emulator, _ path: String, token: String? = writeToken) async -> [[String: Any]] {
    var out: [[String: Any]] = []
    var page = 1
    while page < 500 {
        let sep = path.contains("?") ? "&" : "?"
        let r = await call(e, "GET", "\(path)\(sep)page=\(page)&limit=250", token: token)
        #expect(r.status == 200, "\(path): \(r.status) \(r.text)")
        out += r.array
        if r.array.count < 250 { break }
        page += 1
    }
    return out
}

/// The v1 user stream of `username` for `actions`, all pages (paging back by `end_ts`).
func v1Stream(_ e: Emulator, _ username: String, actions: String, types: String = "all") async -> [[String: Any]] {
    var out: [[String: Any]] = []
    var end: Int64?
    var seen = Set<String>()
    for _ in 0..<1000 {
        let target = "/activity/user.json/KEY/\(username)/\(types)/\(actions)/0" + (end.map { "/\($0)" } ?? "")
        let r = await e.respond(EmulatorRequest(target: target, headers: basicAuthHeaders(username)))
        let json = (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]) ?? [:]
        let items = json["activity"] as? [[String: Any]] ?? []
        var fresh = 0
        for i in items {
            let key = "\(i["type"] ?? "")-\(i["id"] ?? "")"
            if seen.insert(key).inserted {
                out.append(i)
                fresh += 1
            }
        }
        guard items.count == 100, let oldest = items.last?["timestamp"] as? Int else { break }
        // Whole seconds: the next page ends just after the oldest second seen (so the rest of
        // that second comes again, de-duplicated by id).
        end = Int64(oldest) + 1
        if fresh == 0 { break }
    }
    return out
}

func basicAuthHeaders(_ username: String) -> EmulatorHeaders {
    let password = SHA1.hex(Dataset.password(forUsername: username))
    let token = Data("\(username):\(password)".utf8).base64EncodedString()
    return EmulatorHeaders([("Authorization", "Basic " + token)])
}
