import Foundation
import TraktProtocol

/// A v1 failure: `{"status":"failure","error":message}` with an HTTP status.
struct APIFailure: Error, Equatable {
    let status: Int
    let message: String

    static let invalidKey = APIFailure(status: 401, message: "invalid API key")
    static let failedAuth = APIFailure(status: 401, message: "failed authentication")
    static func badRequest(_ m: String) -> APIFailure { APIFailure(status: 400, message: m) }
    static func notFound(_ m: String) -> APIFailure { APIFailure(status: 404, message: m) }
}

/// What the emulator adds to the shared table of activity methods.
extension ActivityMethod {
    /// Types an endpoint without a types segment covers.
    var impliedTypes: Set<ActivityType> {
        switch self {
        case .shows, .userShows: [.episode, .show]
        case .seasons, .episodes, .userSeasons, .userEpisodes: [.episode]
        case .movies, .userMovies: [.movie]
        default: Set(ActivityType.allCases)
        }
    }
}

/// One parsed activity call.
struct ActivityRequest: Sendable, Equatable {
    var endpoint: ActivityMethod
    var apiKey: String
    var username: String?
    var titles: [String] = []
    var seasons: [Int] = []
    var episodes: [Int] = []
    var types: Set<ActivityType>
    var actions: Set<ActivityAction> = Set(ActivityAction.allCases)
    var start: Int64?
    var end: Int64?
    var minimal = false
}

/// The routes the emulator serves.
enum Route: Sendable, Equatable {
    case activity(ActivityRequest)
    case serverTime
    case catalog
}

enum RequestParser {
    /// Parses a request path (without the query string) plus the `min` query flag.
    static func parse(path: String, query: String?, acceptKey: (String) -> Bool = { _ in true }) throws(APIFailure) -> Route {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "" { parts.removeFirst() }
        if parts.last == "" { parts.removeLast() }
        parts = parts.map { $0.contains("%") ? ($0.removingPercentEncoding ?? $0) : $0 }
        guard parts.count >= 2 else { throw .notFound("unknown method '\(path)'") }

        if parts[0] == "emulator", parts[1] == "catalog.json", parts.count == 2 { return .catalog }
        if parts[0] == "server", parts[1] == "time.json" {
            guard parts.count <= 3 else { throw .notFound("unknown method '\(path)'") }
            guard parts.count == 3, !parts[2].isEmpty, acceptKey(parts[2]) else { throw .invalidKey }
            return .serverTime
        }
        guard parts[0] == "activity" else { throw .notFound("unknown method '\(path)'") }

        var name = parts[1]
        var rest = Array(parts.dropFirst(2))
        if name == "user", let next = rest.first, next.hasSuffix(".json") {
            name = "user/" + next
            rest.removeFirst()
        }
        guard name.hasSuffix(".json"), let endpoint = ActivityMethod(rawValue: String(name.dropLast(5))) else {
            throw .notFound("unknown method 'activity/\(name)'")
        }
        guard let key = rest.first, !key.isEmpty, acceptKey(key) else { throw .invalidKey }
        let segments = Array(rest.dropFirst())
        let layout = endpoint.segments
        guard segments.count <= layout.count else {
            throw .badRequest("too many path segments for activity/\(endpoint.rawValue) (at most \(layout.count) after the API key)")
        }
        if segments.count < endpoint.requiredCount {
            let missing = layout[segments.count]
            throw .badRequest("missing \(missing.apiName) segment for activity/\(endpoint.rawValue)")
        }

        var req = ActivityRequest(endpoint: endpoint, apiKey: key, types: endpoint.impliedTypes)
        for (seg, raw) in zip(layout, segments) {
            switch seg {
            case .username:
                guard !raw.isEmpty, !raw.contains(",") else { throw .badRequest("invalid username '\(raw)' (one username only)") }
                req.username = raw
            case .title:
                let t = list(raw)
                guard !t.isEmpty else { throw .badRequest("missing title") }
                req.titles = t
            case .season:
                req.seasons = try numbers(raw, what: "season")
            case .episode:
                req.episodes = try numbers(raw, what: "episode")
                if req.episodes.contains(0) { throw .badRequest("invalid episode '0' (episodes start at 1)") }
            case .types:
                if !isAll(raw) {
                    var t = Set<ActivityType>()
                    for item in list(raw) {
                        guard let type = ActivityType(name: item) else {
                            throw .badRequest("unknown type '\(item)' (expected all or a comma list of episode, show, movie, list)")
                        }
                        t.insert(type)
                    }
                    guard !t.isEmpty else { throw .badRequest("empty types segment") }
                    req.types = t
                }
            case .actions:
                if !isAll(raw) {
                    var a = Set<ActivityAction>()
                    for item in list(raw) {
                        guard let action = ActivityAction(name: item) else {
                            let names = ActivityAction.allCases.map(\.name).joined(separator: ", ")
                            throw .badRequest("unknown action '\(item)' (expected all or a comma list of \(names))")
                        }
                        a.insert(action)
                    }
                    guard !a.isEmpty else { throw .badRequest("empty actions segment") }
                    req.actions = a
                }
            case .start:
                req.start = try timestamp(raw, what: "start_ts")
            case .end:
                req.end = try timestamp(raw, what: "end_ts")
            }
        }
        if let query {
            for pair in query.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.first == "min" {
                    let v = kv.count > 1 ? kv[1] : "1"
                    req.minimal = !(v == "0" || v == "false")
                }
            }
        }
        return .activity(req)
    }

    private static func isAll(_ raw: String) -> Bool { list(raw).contains("all") }

    /// Comma list items, trimmed of spaces and ASCII-lowercased, empty items dropped.
    private static func list(_ raw: String) -> [String] {
        var out: [String] = []
        for part in raw.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
            if let item = normalized(part) { out.append(item) }
        }
        return out
    }

    @inline(__always)
    private static func normalized(_ part: Substring.UTF8View.SubSequence) -> String? {
        var lo = part.startIndex
        var hi = part.endIndex
        while lo < hi && part[lo] == UInt8(ascii: " ") { lo = part.index(after: lo) }
        while lo < hi && part[part.index(before: hi)] == UInt8(ascii: " ") { hi = part.index(before: hi) }
        if lo == hi { return nil }
        let slice = part[lo..<hi]
        if !slice.contains(where: { $0 >= 65 && $0 <= 90 }) { return String(Substring(slice)) }
        return String(decoding: slice.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    private static func numbers(_ raw: String, what: String) throws(APIFailure) -> [Int] {
        var out: [Int] = []
        for part in raw.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let s = normalized(part) ?? ""
            guard !s.isEmpty, s.utf8.count <= 6, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(s) else {
                throw .badRequest("invalid \(what) '\(s)' (expected a number or a comma list of numbers)")
            }
            out.append(n)
        }
        return out
    }

    private static func timestamp(_ raw: String, what: String) throws(APIFailure) -> Int64 {
        let digits = raw.hasPrefix("-") ? raw.dropFirst() : Substring(raw)
        guard !digits.isEmpty, digits.count <= 12, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let v = Int64(raw) else {
            throw .badRequest("invalid \(what) '\(raw)' (expected Unix seconds)")
        }
        return v
    }
}
