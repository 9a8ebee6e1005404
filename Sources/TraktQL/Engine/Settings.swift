import Foundation

/// Session settings, changed with `set NAME = value` (and the matching meta-commands).
public struct Settings: Sendable, Equatable {
    /// Where times are read and shown.
    public var timeZone: TimeZone = .current
    /// How API timestamps map to instants.
    public var convention: TimestampConvention = .pacific
    /// `nil`: table on a terminal, ndjson otherwise (the caller decides).
    public var format: String?
    public enum ColorMode: String, Sendable, CaseIterable { case auto, on, off }
    public var color: ColorMode = .auto
    /// How long a cached response is reused; 0 turns the cache off.
    public var cacheTTL: TimeInterval = 300
    /// Time each statement and report it on stderr.
    public var timing = false
    /// The most calls one query may make while paging; reaching it is reported.
    public var maxPages = 100
    /// The most response bytes one statement may fetch, all pages and all fan-out together;
    /// past it the statement fails (exit 2) with no result. It bounds what a hostile or broken
    /// server (endless page counts of 16 MiB pages) can make traktql hold in memory.
    public var maxFetch = FetchBudget.defaultLimit
    /// The most time one statement may take over the API, calls, retries and paging included;
    /// past it the statement fails (exit 2) with no result.
    public var timeout: TimeInterval = 120
    /// Which Trakt API statements use: the v1 activity API or v2 (``APIVersion``).
    public var api: APIVersion = .standard
    /// What `runtime` is where the API has none: nothing (the default), or Trakt's own 42/90 minutes.
    public var runtimeFallback: RuntimeFallback = .none
    /// Answer from the local mirror (`traktql sync`) instead of the API (``MirrorBackend``).
    public var mirror = false
    /// A query over a mirror older than this warns on stderr (once per session).
    public var mirrorMaxAge: TimeInterval = Settings.defaultMirrorMaxAge
    public static let defaultMirrorMaxAge: TimeInterval = 86_400

    public init() {}

    /// The names `set` accepts, with a one-line description each.
    public static let descriptions: [(name: String, summary: String)] = [
        ("tz", "time zone for reading and showing times (IANA name, like Europe/Berlin, or UTC)"),
        ("convention", "API timestamps: pacific (LA wall clock as if UTC, default) or utc"),
        ("format", "output format: table, json, ndjson, csv, tsv"),
        ("color", "auto, on or off (NO_COLOR always wins)"),
        ("cache_ttl", "reuse identical responses this long (60s, 5min; 0 = off)"),
        ("timing", "on or off: report each statement's time on stderr"),
        ("max_pages", "the most calls one query may make while paging (default 100)"),
        ("max_fetch", "the most response bytes one statement may fetch, all pages together (default 256m)"),
        ("timeout", "the most time one statement may take, retries and paging included (default 120s)"),
        ("api", "which Trakt API to use: v1 (the activity API) or v2 (users, history, OAuth)"),
        ("runtime_fallback", "none (default: a missing runtime stays empty) or trakt (42 min per episode, 90 per movie, as Trakt's statistics)"),
        ("mirror", "on or off: answer from the local mirror (`traktql sync`) instead of the API"),
        ("mirror_max_age", "warn when the mirror is older than this (default 1d)"),
    ]

    public static var names: [String] { descriptions.map(\.name) }

    /// Values `set NAME =` can take, for completion.
    public static func suggestedValues(for name: String) -> [String] {
        switch name {
        case "convention": return TimestampConvention.allCases.map(\.rawValue)
        case "format": return ["table", "json", "ndjson", "csv", "tsv"]
        case "color": return ColorMode.allCases.map(\.rawValue)
        case "timing": return ["on", "off"]
        case "api": return APIVersion.allCases.map(\.rawValue)
        case "runtime_fallback": return RuntimeFallback.allCases.map(\.rawValue)
        case "mirror": return ["on", "off"]
        case "mirror_max_age": return ["12h", "1d", "7d"]
        case "cache_ttl": return ["0", "60s", "5min"]
        case "timeout": return ["30s", "120s", "10min"]
        case "max_fetch": return ["64m", "256m", "1g"]
        case "tz": return ["UTC", "America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin", "Asia/Tokyo"]
        default: return []
        }
    }

    /// Applies `set name = text`; returns a diagnostic-style failure (message, help) when invalid.
    public mutating func apply(name: String, value text: String) -> (message: String, help: String?)? {
        switch name.lowercased() {
        case "tz", "timezone", "time_zone":
            guard let zone = Self.timeZone(named: text) else {
                let known = TimeZone.knownTimeZoneIdentifiers
                return ("unknown time zone '\(text)'", Suggestion.didYouMean(text, in: known) ?? "use an IANA name such as Europe/Berlin, America/New_York or UTC")
            }
            timeZone = zone
        case "convention":
            guard let convention = TimestampConvention(rawValue: text.lowercased()) else {
                return ("unknown convention '\(text)'", "conventions are pacific and utc")
            }
            self.convention = convention
        case "format":
            let formats = ["table", "json", "ndjson", "csv", "tsv"]
            guard formats.contains(text.lowercased()) else {
                return ("unknown format '\(text)'", Suggestion.didYouMean(text, in: formats) ?? "formats are \(formats.joined(separator: ", "))")
            }
            format = text.lowercased()
        case "color", "colour":
            guard let mode = ColorMode(rawValue: text.lowercased()) else { return ("color is auto, on or off", nil) }
            color = mode
        case "cache_ttl":
            if text == "0" || text.lowercased() == "off" {
                cacheTTL = 0
            } else if let seconds = Self.seconds(text) {
                cacheTTL = seconds
            } else {
                return ("'\(text)' is not a duration", "write 60s, 5min, 1h, or 0 to turn the cache off")
            }
        case "timing":
            guard let on = Self.bool(text) else { return ("timing is on or off", nil) }
            timing = on
        case "max_pages":
            guard let n = Int(text), n >= 1, n <= 100_000 else { return ("max_pages is a whole number from 1 to 100000", nil) }
            maxPages = n
        case "max_fetch":
            guard let bytes = FetchBudget.bytes(text), bytes >= FetchBudget.smallestLimit, bytes <= FetchBudget.largestLimit else {
                return ("'\(text)' is not a usable max_fetch", "write a size from 1m to 64g, like 64m, 512m or 2g")
            }
            maxFetch = bytes
        case "timeout":
            guard let seconds = Self.seconds(text) ?? Double(text).flatMap({ $0.isFinite ? $0 : nil }), seconds > 0, seconds <= 86_400 else {
                return ("'\(text)' is not a usable timeout", "write 30s, 2min or 1h (more than 0, at most 24h)")
            }
            timeout = seconds
        case "api":
            guard let version = APIVersion(rawValue: text.lowercased()) else {
                return ("unknown API '\(text)'", "the APIs are v1 and v2")
            }
            api = version
        case "runtime_fallback":
            guard let fallback = RuntimeFallback(rawValue: text.lowercased()) else {
                return ("unknown runtime_fallback '\(text)'", "write none (a missing runtime stays empty) or trakt (42 min per episode, 90 per movie)")
            }
            runtimeFallback = fallback
        case "mirror":
            guard let on = Self.bool(text) else { return ("mirror is on or off", "on answers from the local mirror (`traktql sync` makes it)") }
            mirror = on
        case "mirror_max_age":
            guard let seconds = Self.seconds(text), seconds > 0 else {
                return ("'\(text)' is not a usable mirror_max_age", "write a duration such as 12h, 1d or 7d")
            }
            mirrorMaxAge = seconds
        default:
            return ("unknown setting '\(name)'", Suggestion.didYouMean(name, in: Self.names) ?? "settings are \(Self.names.joined(separator: ", "))")
        }
        return nil
    }

    /// The current value of a setting as `set` would take it.
    public func value(of name: String) -> String? {
        switch name {
        case "tz": return timeZone.identifier
        case "convention": return convention.rawValue
        case "format": return format ?? "auto"
        case "color": return color.rawValue
        case "cache_ttl": return cacheTTL == 0 ? "0" : "\(Int(cacheTTL))s"
        case "timing": return timing ? "on" : "off"
        case "max_pages": return String(maxPages)
        case "max_fetch": return FetchBudget.shown(maxFetch)
        case "timeout": return timeout.rounded() == timeout ? "\(Int(timeout))s" : "\(timeout)s"
        case "api": return api.rawValue
        case "runtime_fallback": return runtimeFallback.rawValue
        case "mirror": return mirror ? "on" : "off"
        case "mirror_max_age": return mirrorMaxAge.rounded() == mirrorMaxAge ? "\(Int(mirrorMaxAge))s" : "\(mirrorMaxAge)s"
        default: return nil
        }
    }

    static func timeZone(named name: String) -> TimeZone? {
        if name.uppercased() == "UTC" || name.uppercased() == "GMT" || name == "Z" { return TimeZone(identifier: "UTC") }
        if name.lowercased() == "local" { return .current }
        guard TimeZone.knownTimeZoneIdentifiers.contains(name) || name.contains("/") else { return nil }
        return TimeZone(identifier: name)
    }

    static func seconds(_ text: String) -> TimeInterval? {
        let lower = text.lowercased()
        if lower.hasSuffix("s"), !lower.hasSuffix("ms"), let n = Double(lower.dropLast()), n >= 0 { return n }
        if case .success(let duration) = RelativeDuration.parse(lower) { return duration.approximateSeconds }
        return nil
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "yes", "1": return true
        case "off", "false", "no", "0": return false
        default: return nil
        }
    }
}
