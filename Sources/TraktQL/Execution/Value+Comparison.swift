import Foundation

extension Value {
    /// Equality as `where` means it: numbers compare by value even when one side is a numeric
    /// string (the API sends `rating_advanced` both ways); strings compare case-sensitively.
    func looselyEquals(_ other: Value) -> Bool {
        if let order = Value.compare(self, other) { return order == .orderedSame }
        return self == other
    }

    /// The order of two values of comparable kinds, or nil when they do not compare
    /// (a string against an object, anything against null).
    static func compare(_ a: Value, _ b: Value) -> ComparisonResult? {
        switch (a, b) {
        case (.null, _), (_, .null):
            return nil
        case let (.string(x), .string(y)):
            if let order = TimeBucket.weekdayOrder(x, y) { return order }
            return x == y ? .orderedSame : (x < y ? .orderedAscending : .orderedDescending)
        case let (.instant(x), .instant(y)):
            return x.compare(y)
        case let (.duration(x), .duration(y)):
            return order(x, y)
        case let (.bool(x), .bool(y)):
            return x == y ? .orderedSame : (!x ? .orderedAscending : .orderedDescending)
        case let (.int(x), .int(y)):
            return x == y ? .orderedSame : (x < y ? .orderedAscending : .orderedDescending)
        default:
            if let x = a.numericValue, let y = b.numericValue { return order(x, y) }
            return nil
        }
    }

    /// Numbers, and strings that hold one (only when compared with a number).
    private var numericValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    private static func order(_ x: Double, _ y: Double) -> ComparisonResult {
        x == y ? .orderedSame : (x < y ? .orderedAscending : .orderedDescending)
    }

    /// A total order for `sort`: nulls last, then by kind, then by value.
    static func sortOrder(_ a: Value, _ b: Value) -> ComparisonResult {
        if let order = compare(a, b) { return order }
        let (ra, rb) = (a.sortRank, b.sortRank)
        if ra != rb { return ra < rb ? .orderedAscending : .orderedDescending }
        return .orderedSame
    }

    private var sortRank: Int {
        switch self {
        case .bool: return 0
        case .int, .double: return 1
        case .duration: return 2
        case .instant: return 3
        case .string: return 4
        case .array: return 5
        case .object: return 6
        case .null: return 7
        }
    }
}
