import Foundation

/// One response of a v1 activity call, read into items.
///
/// Accepts three shapes: the v1 envelope `{"timestamps":{…},"activity":[…]}`, a bare array of
/// items, and NDJSON (one item per line). Items are kept exactly as sent — unknown fields,
/// `rating: false`, `rating_advanced` as string or number, `episode` or `number`, `episodes[]`
/// or `episode` — and read through the helpers in `Value+Activity.swift`.
public struct ActivityPage: Sendable, Equatable {
    public enum Shape: String, Sendable { case envelope, array, ndjson }

    /// The envelope's `timestamps` (API timestamps: Unix seconds in the API's convention, not
    /// converted here). `nil` for the bare-array and NDJSON shapes.
    public struct Timestamps: Sendable, Hashable {
        public var start: Int64?
        public var current: Int64?
        public var end: Int64?
        /// The object as sent, extra members included.
        public var raw: Value
    }

    public var shape: Shape
    public var timestamps: Timestamps?
    public var items: [Value]

    public init(shape: Shape, timestamps: Timestamps?, items: [Value]) {
        self.shape = shape
        self.timestamps = timestamps
        self.items = items
    }

    /// Reads a 2xx response body. A v1 failure body (`{"status":"failure","error":"…"}`, which
    /// some servers send with 200) throws ``TransportError/http(status:apiMessage:url:)`` with the
    /// API's message; anything unreadable throws ``TransportError/malformedBody(_:)``. `url` only
    /// goes into messages (redacted).
    public static func decode(_ body: Data, status: Int = 200, url: String = "") throws(TransportError) -> ActivityPage {
        let firstByte = body.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
        guard let firstByte else { throw .malformedBody("empty body from \(Redactor.redactingPathKeys(in: url))") }

        let document: Value
        do {
            document = try JSONReader.parse(body)
        } catch {
            // Not one JSON text: maybe NDJSON, one object per line.
            if firstByte == UInt8(ascii: "{"), let lines = try? JSONReader.parseLines(body), lines.count > 1 {
                return try page(shape: .ndjson, timestamps: nil, items: lines, url: url)
            }
            throw .malformedBody("\(error) (from \(Redactor.redactingPathKeys(in: url)))")
        }

        switch document {
        case .array(let items):
            return try page(shape: .array, timestamps: nil, items: items, url: url)
        case .object:
            if let failure = document["error"]?.stringValue, document["activity"] == nil,
               document["status"]?.stringValue ?? "failure" == "failure" {
                throw .httpFailure(status: status, apiMessage: failure, url: url)
            }
            let stamps = try timestamps(document["timestamps"], url: url)
            guard let activity = document["activity"] else {
                // A single item on one line is NDJSON with one line.
                if stamps == nil, document["type"] != nil || document["action"] != nil {
                    return try page(shape: .ndjson, timestamps: nil, items: [document], url: url)
                }
                throw .malformedBody("no \"activity\" array in the response from \(Redactor.redactingPathKeys(in: url))")
            }
            switch activity {
            case .array(let items): return try page(shape: .envelope, timestamps: stamps, items: items, url: url)
            case .null: return ActivityPage(shape: .envelope, timestamps: stamps, items: [])
            default: throw .malformedBody("\"activity\" is not an array in the response from \(Redactor.redactingPathKeys(in: url))")
            }
        default:
            throw .malformedBody("expected an object or an array, got \(document.kindDescription) from \(Redactor.redactingPathKeys(in: url))")
        }
    }

    private static func page(shape: Shape, timestamps: Timestamps?, items: [Value], url: String) throws(TransportError) -> ActivityPage {
        for (n, item) in items.enumerated() {
            guard case .object = item else {
                throw .malformedBody("activity item \(n) is \(item.kindDescription), not an object (from \(Redactor.redactingPathKeys(in: url)))")
            }
        }
        return ActivityPage(shape: shape, timestamps: timestamps, items: items)
    }

    private static func timestamps(_ value: Value?, url: String) throws(TransportError) -> Timestamps? {
        guard let value, !value.isNull else { return nil }
        guard case .object = value else {
            throw .malformedBody("\"timestamps\" is \(value.kindDescription), not an object (from \(Redactor.redactingPathKeys(in: url)))")
        }
        return Timestamps(start: value["start"]?.intValue, current: value["current"]?.intValue,
                          end: value["end"]?.intValue, raw: value)
    }
}
