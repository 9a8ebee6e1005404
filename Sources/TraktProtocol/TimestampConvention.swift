import Foundation

/// How the v1 API's "PST" Unix timestamps relate to real instants.
///
/// The v1 documentation says `start_ts`, `end_ts` and every item's `timestamp` are Unix seconds
/// "in PST" and never says more. Two readings exist, and a session picks one:
///
/// - ``pacific`` (the default): the timestamp is the wall-clock time in America/Los_Angeles,
///   written as if that wall clock were UTC. It follows daylight saving time, so an API
///   timestamp is the real Unix time minus 8 hours in winter (PST) and minus 7 hours in
///   summer (PDT).
/// - ``utc``: the timestamp is plain Unix time; "PST" is only the server's display zone.
///
/// ``apiTimestamp(for:)`` and ``instant(forAPITimestamp:)`` are the one conversion pair the
/// engine and the emulator both use.
///
/// ## Daylight-saving transitions (pacific)
///
/// - **Skipped hour** (e.g. 2024-03-10 02:00–02:59 does not exist in Los Angeles): no instant
///   produces such a timestamp. Read back, it is taken with the offset in force *before* the
///   gap (PST), so `02:30` becomes the instant 03:30 PDT, one hour later on the wall clock
///   (the rule Java's `ZonedDateTime` and RFC 5545 use).
/// - **Repeated hour** (e.g. 2024-11-03 01:00–01:59 happens twice): both instants map to the
///   same timestamp, so the pair cannot round-trip there. Read back, the *earlier* instant
///   (PDT) is chosen.
public enum TimestampConvention: String, Sendable, CaseIterable, Codable {
    /// Los Angeles wall-clock time read as if it were UTC (DST-aware). The default.
    case pacific
    /// Plain Unix seconds.
    case utc

    /// The zone whose wall clock API timestamps encode under the pacific convention.
    public static let pacificZone: TimeZone = TimeZone(identifier: "America/Los_Angeles")!

    /// Los Angeles offsets from 1970 to 2040, built once (when first used); outside, each is
    /// asked of the zone (the same answer, slower). Each year's two transitions are an ICU
    /// search: 1900–2100 cost 1.5 ms at every start of a v1 statement, `explain` included.
    private static let pacificOffsets = OffsetTable(zone: pacificZone, from: 0, to: 2_208_988_800)

    /// The API timestamp (seconds) that denotes `instant` under this convention.
    public func apiTimestamp(for instant: Date) -> Int64 {
        let seconds = instant.timeIntervalSince1970.rounded(.down)
        // NaN and instants beyond ±142 million years (no trap converting them) are clamped.
        return apiTimestamp(forUnixTime: seconds.isNaN ? 0 : Int64(min(max(seconds, -Double(Self.farthest)), Double(Self.farthest))))
    }

    /// The largest magnitude of a timestamp converted (2^52 s, ±142 million years): beyond it,
    /// a server's timestamp (`9223372036854775807`) is clamped, so adding an offset or a day to
    /// it cannot overflow.
    public static let farthest: Int64 = 1 << 52

    /// The API timestamp for a Unix time in whole seconds.
    @inline(__always)
    public func apiTimestamp(forUnixTime unix: Int64) -> Int64 {
        let unix = min(max(unix, -Self.farthest), Self.farthest)
        switch self {
        case .utc: return unix
        case .pacific: return unix + Self.pacificOffsets.offset(at: unix)
        }
    }

    /// The instant that API timestamp `timestamp` denotes under this convention.
    ///
    /// Under ``pacific`` a timestamp in the skipped hour maps forward and one in the repeated
    /// hour maps to the earlier instant (see the type's documentation).
    public func instant(forAPITimestamp timestamp: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(unixTime(forAPITimestamp: timestamp)))
    }

    /// The Unix time in whole seconds that API timestamp `timestamp` denotes.
    public func unixTime(forAPITimestamp timestamp: Int64) -> Int64 {
        let timestamp = min(max(timestamp, -Self.farthest), Self.farthest)
        switch self {
        case .utc: return timestamp
        case .pacific: return Self.unixTime(forWallClock: timestamp, offsets: Self.pacificOffsets)
        }
    }

    /// Resolves a wall-clock reading (seconds, written as if UTC) to Unix time.
    ///
    /// Zones change their offset at most once in any day here, so the offsets a day before and
    /// a day after are the only candidates.
    static func unixTime(forWallClock wall: Int64, offsets table: OffsetTable) -> Int64 {
        let offsetBefore = table.offset(at: wall - 86_400)
        let offsetAfter = table.offset(at: wall + 86_400)
        var earliest: Int64?
        for offset in offsetBefore == offsetAfter ? [offsetBefore] : [offsetBefore, offsetAfter] {
            let candidate = wall - offset
            if table.offset(at: candidate) == offset, candidate < (earliest ?? .max) {
                earliest = candidate  // the repeated hour yields two; the earlier instant wins
            }
        }
        return earliest ?? wall - offsetBefore  // the skipped hour: the offset before the gap moves it forward
    }
}
