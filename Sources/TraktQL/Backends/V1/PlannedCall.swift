import Foundation

/// One HTTP call to a v1 endpoint.
public struct PlannedCall: Sendable, Hashable {
    public var endpoint: Endpoint
    /// The path segments after the API key, in order (trailing optional ones dropped).
    public var segments: [PlannedSegment]
    /// `?min=1`
    public var minimal: Bool

    /// The path, with `apiKey` in the key's position: `/activity/seasons.json/KEY/the-walking-dead/1,2`.
    public func path(apiKey: String) -> String {
        var path = "/\(endpoint.pathPrefix)/\(Self.escape(apiKey))"
        for segment in segments { path += "/" + Self.escape(segment.value) }
        return path + (minimal ? "?min=1" : "")
    }

    /// The path with the key replaced by `<key>`, safe to print.
    public var redactedPath: String { path(apiKey: "<key>").replacingOccurrences(of: "%3Ckey%3E", with: "<key>") }

    /// The full URL under `base` (which may carry a path prefix).
    public func url(base: URL, apiKey: String) -> URL? {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + path(apiKey: apiKey))
    }

    /// The timestamp segment's value, if present.
    public func timestamp(_ segment: Endpoint.Segment) -> Int64? {
        segments.first { $0.segment == segment }.flatMap { Int64($0.value) }
    }

    /// This call with `end_ts` set (for paging backwards), filling the segments before it.
    public func withEndTimestamp(_ endTimestamp: Int64, instant: Date) -> PlannedCall {
        var copy = self
        var filled: [PlannedSegment] = []
        for segment in endpoint.segments {
            if segment == .endTimestamp {
                filled.append(PlannedSegment(segment: .endTimestamp, value: String(endTimestamp), source: .paging, instant: instant))
                break
            }
            if let existing = segments.first(where: { $0.segment == segment }) {
                filled.append(existing)
            } else if segment == .startTimestamp {
                filled.append(PlannedSegment(segment: .startTimestamp, value: "0", source: .unboundedStart, instant: nil))
            } else if let placeholder = segment.placeholder {
                filled.append(PlannedSegment(segment: segment, value: placeholder, source: .placeholder, instant: nil))
            }
        }
        copy.segments = filled
        return copy
    }

    /// Percent-escapes what cannot stand in a path segment (commas stay: the API splits on them).
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#;")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// One positional path segment and why it holds its value.
public struct PlannedSegment: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// Written by a qualifier.
        case qualifier(Origin)
        /// `all`, because a later segment is needed.
        case placeholder
        /// `0`: a start is needed before `end_ts` and the query has no `since:`.
        case unboundedStart
        /// Set by the executor while paging backwards.
        case paging
    }

    public var segment: Endpoint.Segment
    public var value: String
    public var source: Source
    /// For timestamps: the instant the value denotes.
    public var instant: Date?
}

