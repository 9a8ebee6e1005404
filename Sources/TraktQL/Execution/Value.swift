import Foundation

/// A dynamically typed value: a field of an activity item, a computed column, or a literal.
///
/// JSON maps onto it one to one (`null`, `bool`, numbers, `string`, `array`, `object`); the two
/// extra cases carry time: ``instant`` (a point in time, shown in the session zone) and
/// ``duration`` (seconds, shown as `3d 4h`).
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case instant(Date)
    case duration(TimeInterval)
    case array([Value])
    /// Keys in their original order; lookups are linear because items have few keys.
    case object([(key: String, value: Value)])

    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.int(a), .double(b)), let (.double(b), .int(a)): return Double(a) == b
        case let (.string(a), .string(b)): return a == b
        case let (.instant(a), .instant(b)): return a == b
        case let (.duration(a), .duration(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(Double(i))
        case .double(let d): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .instant(let d): hasher.combine(d)
        case .duration(let d): hasher.combine(d)
        case .array(let a): hasher.combine(a)
        case .object(let o):
            for (k, v) in o { hasher.combine(k); hasher.combine(v) }
        }
    }

    /// The member `key` of an object, or `nil` when absent or not an object.
    public subscript(key: String) -> Value? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key { return member.value }
        return nil
    }

    /// The element at `index` of an array (negative counts from the end), or `nil`.
    public subscript(index: Int) -> Value? {
        guard case .array(let elements) = self else { return nil }
        let i = index < 0 ? elements.count + index : index
        return elements.indices.contains(i) ? elements[i] : nil
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// How error messages name the value's kind: "an object", "a number", "null", …
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .instant: return "an instant"
        case .duration: return "a duration"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    /// Integers, and strings that hold one (the API sends `rating_advanced` both ways).
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9e18: return Int64(d)
        case .string(let s): return Int64(s)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s)
        default: return nil
        }
    }
}
