import Foundation

/// A write request's JSON body, read with the forms Trakt's clients send: `ids` values as
/// numbers or numeric strings, times as ISO 8601 (`…000Z`, offsets, date only).
struct WriteBody {
    let object: [String: Any]

    /// Parses `bytes` as a JSON object; anything else is 400 with the reason.
    init(_ bytes: [UInt8]) throws(V2Error) {
        guard !bytes.isEmpty else {
            throw V2Error.badRequest("a JSON object body is required (Content-Type: application/json)")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw V2Error.badRequest("the body is not valid JSON (\(Self.reason(error)))")
        }
        guard let object = parsed as? [String: Any] else {
            throw V2Error.badRequest("the body must be a JSON object, not \(Self.describe(parsed))")
        }
        self.object = object
    }

    init(object: [String: Any]) { self.object = object }

    /// The array of item objects under `key` (missing = none); another shape is 422.
    func items(_ key: String) throws(V2Error) -> [[String: Any]] {
        guard let value = object[key], !(value is NSNull) else { return [] }
        guard let array = value as? [Any] else {
            throw V2Error.unprocessable("'\(key)' must be an array of objects, not \(Self.describe(value))")
        }
        var out: [[String: Any]] = []
        for (i, element) in array.enumerated() {
            guard let o = element as? [String: Any] else {
                throw V2Error.unprocessable("'\(key)[\(i)]' must be an object, not \(Self.describe(element))")
            }
            out.append(o)
        }
        return out
    }

    /// An integer value: a JSON integer or a string of digits.
    static func int(_ v: Any?) -> Int? {
        switch v {
        case let n as Int: n
        case let n as NSNumber: Double(n.int64Value) == n.doubleValue ? Int(exactly: n.int64Value) : nil
        case let s as String: Int(s.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// A time field: absent or null = `fallback`; `released` = `released` (the item's release);
    /// an ISO 8601 string; anything else is 422 naming the field.
    static func time(_ o: [String: Any], _ key: String, fallback: Int64, released: Int64?, path: String) throws(V2Error) -> Int64 {
        guard let v = o[key], !(v is NSNull) else { return fallback }
        guard let s = v as? String else { throw V2Error.unprocessable("\(path).\(key) must be an ISO 8601 UTC datetime string, not \(describe(v))") }
        if s == "released", let released { return released }
        guard let t = ISOTime.parse(s) else {
            throw V2Error.unprocessable("\(path).\(key) '\(s)' is not an ISO 8601 datetime (e.g. 2025-05-01T20:15:00.000Z)")
        }
        return t.seconds
    }

    static func describe(_ v: Any) -> String {
        switch v {
        case is String: "a string"
        case is NSNull: "null"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        case is NSNumber: "a number"
        default: "\(type(of: v))"
        }
    }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }

    /// `value` as compact JSON with sorted keys (echoing items in `not_found`).
    static func json(_ value: Any) -> [UInt8] {
        guard JSONSerialization.isValidJSONObject([value]),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        else { return Array("null".utf8) }
        return Array(data)
    }
}

extension V2Error {
    /// 422: the body is JSON but says something the API cannot take.
    static func unprocessable(_ m: String) -> V2Error { V2Error(status: 422, code: "validation_failed", message: m) }
}
